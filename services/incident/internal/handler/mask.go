package handler

import (
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/fieldmask"
	"github.com/tansiq/tansiq/services/incident/internal/domain"
)

// updatable lists the update_mask paths UpdateIncident accepts. State changes go through
// ConfirmIncident and CloseIncident; the reporting force owns the record and never changes.
var updatable = map[string]func(dst *domain.Incident, src domain.Incident){
	"kind":           func(d *domain.Incident, s domain.Incident) { d.Kind = s.Kind },
	"title":          func(d *domain.Incident, s domain.Incident) { d.Title = s.Title },
	"description":    func(d *domain.Incident, s domain.Incident) { d.Description = s.Description },
	"occur_time":     func(d *domain.Incident, s domain.Incident) { d.OccurTime = s.OccurTime },
	"time_precision": func(d *domain.Incident, s domain.Incident) { d.TimePrecision = s.TimePrecision },
	"place":          func(d *domain.Incident, s domain.Incident) { d.Place = s.Place },
	"district":       func(d *domain.Incident, s domain.Incident) { d.District = s.District },
	"governorates":   func(d *domain.Incident, s domain.Incident) { d.Governorates = s.Governorates },
	"perpetrator":    func(d *domain.Incident, s domain.Incident) { d.Perpetrator = s.Perpetrator },
	"casualties":     func(d *domain.Incident, s domain.Incident) { d.Casualties = s.Casualties },
	"sources":        func(d *domain.Incident, s domain.Incident) { d.Sources = s.Sources },
	"notes":          func(d *domain.Incident, s domain.Incident) { d.Notes = s.Notes },
}

// validateMask checks the update_mask and returns its paths as a set.
func validateMask(v *apperr.Violations, paths []string) map[string]bool {
	return fieldmask.Check(v, paths, updatable)
}

func applyMask(dst *domain.Incident, src domain.Incident, paths map[string]bool) {
	fieldmask.Apply(dst, src, paths, updatable)
}
