package deployments

import (
	"slices"
	"strings"
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/resname"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

// maxUnits bounds the units of one deployment (BatchGetUnits takes up to 200 names).
const maxUnits = 100

// validateProposal checks a deployment to propose: every field a client writes.
func validateProposal(v *apperr.Violations, p string, d *gatewayv1.Deployment) {
	if d == nil {
		v.Add(p, "is required")
		return
	}
	resname.Check(v, p+".zone", d.GetZone(), resname.Zone)
	units := validateUnits(v, p+".units", d.GetUnits(), true)
	if forces := forcesOf(units); len(units) > 0 && len(forces) < 2 {
		v.Add(p+".units", "a joint deployment needs units of at least two forces; all these are of %s", strings.Join(forces, ", "))
	}
	switch lf := d.GetLeadForce(); {
	case !resname.Matches(resname.Force, lf):
		resname.Check(v, p+".lead_force", lf, resname.Force)
	case len(units) > 0 && !slices.Contains(forcesOf(units), lf):
		v.Add(p+".lead_force", "must be the force of one of the units")
	}
	reqcheck.Text(v, p+".title", d.GetTitle(), reqcheck.MaxShortLen)
	reqcheck.Text(v, p+".notes", d.GetNotes(), reqcheck.MaxTextLen)
	if d.GetCommandPost() != nil {
		place.ValidatePlace(v, p+".command_post", d.GetCommandPost(), false)
	}
	readArea(v, p+".area", d)
	validateWindow(v, p, d)
	resname.CheckOptional(v, p+".mandate", d.GetMandate(), resname.Decision)
}

// validateProspect checks the deployment CheckDeconfliction compares: its zone (optional),
// units, window and, if set, its name.
func validateProspect(v *apperr.Violations, p string, d *gatewayv1.Deployment) {
	if d == nil {
		v.Add(p, "is required")
		return
	}
	if d.GetName() != "" {
		resname.Check(v, p+".name", d.GetName(), resname.Deployment)
	}
	if d.GetZone() != "" {
		resname.Check(v, p+".zone", d.GetZone(), resname.Zone)
	}
	units := validateUnits(v, p+".units", d.GetUnits(), false)
	if len(units) == 0 && d.GetZone() == "" {
		v.Add(p+".units", "name units or a zone to check")
	}
	validateWindow(v, p, d)
}

// validateUnits reports bad or repeated unit names and returns the good ones.
func validateUnits(v *apperr.Violations, field string, units []string, required bool) []string {
	if required && len(units) == 0 {
		v.Add(field, "is required")
	}
	if len(units) > maxUnits {
		v.Add(field, "at most %d units", maxUnits)
		return nil
	}
	var good []string
	for i, u := range units {
		switch {
		case !resname.Matches(resname.Unit, u):
			resname.Check(v, apperr.Index(field, i), u, resname.Unit)
		case slices.Contains(good, u):
			v.Add(apperr.Index(field, i), "%s is listed twice", u)
		default:
			good = append(good, u)
		}
	}
	return good
}

func validateWindow(v *apperr.Violations, p string, d *gatewayv1.Deployment) {
	start := reqcheck.Time(v, p+".start_time", d.GetStartTime())
	if d.GetStartTime() == nil {
		v.Add(p+".start_time", "is required")
	}
	end := reqcheck.Time(v, p+".end_time", d.GetEndTime())
	if !start.IsZero() && !end.IsZero() && !end.After(start) {
		v.Add(p+".end_time", "must be after start_time")
	}
	if !start.IsZero() && start.Before(earliest) {
		v.Add(p+".start_time", "must be after %s", earliest.Format(time.DateOnly))
	}
}

// earliest is the oldest deployment start accepted: as for incidents, the post-2003 conflict.
var earliest = time.Date(2003, 1, 1, 0, 0, 0, 0, time.UTC)

// validateAction checks the fields common to the state-changing requests.
func validateAction(v *apperr.Violations, name, requestID string, texts map[string]string) {
	resname.Check(v, "name", name, resname.Deployment)
	reqcheck.RequestID(v, requestID)
	for f, s := range texts {
		reqcheck.Text(v, f, s, reqcheck.MaxTextLen)
	}
}
