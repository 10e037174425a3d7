package handler

import (
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
)

// unitPaths lists the update_mask paths UpdateUnit accepts. The position changes only
// through ReportUnitPosition; the force never changes.
var unitPaths = map[string]func(dst *domain.Unit, src domain.Unit){
	"display_name":     func(d *domain.Unit, s domain.Unit) { d.DisplayName = s.DisplayName },
	"echelon":          func(d *domain.Unit, s domain.Unit) { d.Echelon = s.Echelon },
	"parent_unit":      func(d *domain.Unit, s domain.Unit) { d.ParentUnit = s.ParentUnit },
	"commander":        func(d *domain.Unit, s domain.Unit) { d.Commander = s.Commander },
	"home_base":        func(d *domain.Unit, s domain.Unit) { d.HomeBase = s.HomeBase },
	"strength":         func(d *domain.Unit, s domain.Unit) { d.Strength = s.Strength },
	"readiness":        func(d *domain.Unit, s domain.Unit) { d.Readiness = s.Readiness },
	"readiness_reason": func(d *domain.Unit, s domain.Unit) { d.ReadinessReason = s.ReadinessReason },
	"symbol_code":      func(d *domain.Unit, s domain.Unit) { d.SymbolCode = s.SymbolCode },
}

// personPaths lists the update_mask paths UpdatePerson accepts.
var personPaths = map[string]func(dst *domain.Person, src domain.Person){
	"display_name": func(d *domain.Person, s domain.Person) { d.DisplayName = s.DisplayName },
	"rank":         func(d *domain.Person, s domain.Person) { d.Rank = s.Rank },
	"role":         func(d *domain.Person, s domain.Person) { d.Role = s.Role },
	"unit":         func(d *domain.Person, s domain.Person) { d.Unit = s.Unit },
}

// validateMask checks the update_mask against the paths a method accepts and returns its
// paths as a set.
func validateMask[T any](v *apperr.Violations, paths []string, accepted map[string]func(*T, T)) map[string]bool {
	if len(paths) == 0 {
		v.Add("update_mask", "name at least one field to change")
		return nil
	}
	set := map[string]bool{}
	for i, p := range paths {
		if _, ok := accepted[p]; !ok {
			v.Add(apperr.Index("update_mask.paths", i), "%q cannot be updated", p)
			continue
		}
		set[p] = true
	}
	return set
}

// applyMask copies the fields named in paths from src to dst.
func applyMask[T any](dst *T, src T, paths map[string]bool, accepted map[string]func(*T, T)) {
	for p := range paths {
		accepted[p](dst, src)
	}
}
