package handler

import (
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
	"position_release": func(d *domain.Unit, s domain.Unit) { d.PositionRelease = s.PositionRelease },
}

// personPaths lists the update_mask paths UpdatePerson accepts.
var personPaths = map[string]func(dst *domain.Person, src domain.Person){
	"display_name": func(d *domain.Person, s domain.Person) { d.DisplayName = s.DisplayName },
	"rank":         func(d *domain.Person, s domain.Person) { d.Rank = s.Rank },
	"role":         func(d *domain.Person, s domain.Person) { d.Role = s.Role },
	"unit":         func(d *domain.Person, s domain.Person) { d.Unit = s.Unit },
}
