package handler

import (
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/types"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

// validateDecision checks every field of a decision a client sends. Units are checked for
// form here and for existence with the forces service afterwards; zones and incidents
// belong to the gateway and the incident service and are checked for form only.
func validateDecision(v *apperr.Violations, p string, d *meetingv1.Decision) {
	if d == nil {
		v.Add(p, "is required")
		return
	}
	validateText(v, p+".text", d.GetText(), true, types.MaxTextLen)
	if d.GetKind() == meetingv1.DecisionKind_DECISION_KIND_UNSPECIFIED {
		v.Add(p+".kind", "is required")
	} else if _, ok := meetingv1.DecisionKind_name[int32(d.GetKind())]; !ok {
		v.Add(p+".kind", "unknown value %d", d.GetKind())
	}
	validateRefs(v, p+".zones", d.GetZones(), domain.IsZoneName, "zones/{zone}", maxRefs)
	validateRefs(v, p+".units", d.GetUnits(), domain.IsUnitName, "forces/{force}/units/{unit}", maxRefs)
	validateRefs(v, p+".incidents", d.GetIncidents(), domain.IsIncidentName, "incidents/{incident}", maxRefs)
}
