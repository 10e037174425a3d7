package handler

import (
	"net/url"
	"strings"
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/resname"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// Limits on incident fields.
const (
	maxGovernorates = 5
	maxSources      = 20
	maxCounts       = 20
	maxCount        = 100000
)

// earliest is the oldest incident accepted: this system records the post-2003 conflict.
var earliest = time.Date(2003, 1, 1, 0, 0, 0, 0, time.UTC)

// validateIncident checks every field of an incident a client sends; paths selects the
// fields to check (nil: all, as on create).
func validateIncident(v *apperr.Violations, p string, in *incidentv1.Incident, paths map[string]bool, now time.Time) {
	if in == nil {
		v.Add(p, "is required")
		return
	}
	has := func(f string) bool { return paths == nil || paths[f] }
	if has("kind") {
		if in.GetKind() == incidentv1.IncidentKind_INCIDENT_KIND_UNSPECIFIED {
			v.Add(p+".kind", "is required")
		} else if _, ok := incidentv1.IncidentKind_name[int32(in.GetKind())]; !ok {
			v.Add(p+".kind", "unknown value %d", in.GetKind())
		}
	}
	if has("title") {
		if strings.TrimSpace(in.GetTitle()) == "" {
			v.Add(p+".title", "is required")
		}
		reqcheck.Text(v, p+".title", in.GetTitle(), reqcheck.MaxShortLen)
	}
	if has("description") {
		reqcheck.Text(v, p+".description", in.GetDescription(), reqcheck.MaxTextLen)
	}
	if has("notes") {
		reqcheck.Text(v, p+".notes", in.GetNotes(), reqcheck.MaxTextLen)
	}
	if has("occur_time") {
		validateOccurTime(v, p+".occur_time", in, now)
	}
	if has("time_precision") {
		if _, ok := typev1.TimePrecision_name[int32(in.GetTimePrecision())]; !ok {
			v.Add(p+".time_precision", "unknown value %d", in.GetTimePrecision())
		}
	}
	if has("place") {
		place.ValidatePlace(v, p+".place", in.GetPlace(), true)
	}
	if has("district") {
		reqcheck.Text(v, p+".district", in.GetDistrict(), reqcheck.MaxShortLen)
	}
	if has("governorates") {
		validateGovernorates(v, p+".governorates", in.GetGovernorates())
	}
	if has("perpetrator") {
		validatePerpetrator(v, p+".perpetrator", in.GetPerpetrator())
	}
	if has("casualties") {
		validateCasualties(v, p+".casualties.counts", in.GetCasualties().GetCounts())
	}
	if has("sources") {
		validateSources(v, p+".sources", in.GetSources())
	}
	if paths == nil {
		resname.Check(v, p+".reporting_force", in.GetReportingForce(), resname.Force)
	}
}

func validateOccurTime(v *apperr.Violations, field string, in *incidentv1.Incident, now time.Time) {
	ts := in.GetOccurTime()
	switch {
	case ts == nil:
		v.Add(field, "is required")
	case ts.CheckValid() != nil:
		v.Add(field, "is not a valid timestamp")
	case ts.AsTime().Before(earliest):
		v.Add(field, "must be after %s", earliest.Format(time.DateOnly))
	case ts.AsTime().After(now.Add(time.Hour)):
		v.Add(field, "must not be in the future")
	}
}

func validateGovernorates(v *apperr.Violations, field string, gs []string) {
	if len(gs) > maxGovernorates {
		v.Add(field, "at most %d", maxGovernorates)
	}
	for i, g := range gs {
		f := apperr.Index(field, i)
		if strings.TrimSpace(g) == "" {
			v.Add(f, "must not be empty")
		}
		reqcheck.Text(v, f, g, reqcheck.MaxShortLen)
	}
}

func validatePerpetrator(v *apperr.Violations, field string, p *incidentv1.Perpetrator) {
	reqcheck.Text(v, field+".claimed", p.GetClaimed(), reqcheck.MaxShortLen)
	reqcheck.Text(v, field+".assessed", p.GetAssessed(), reqcheck.MaxShortLen)
	if _, ok := incidentv1.Confidence_name[int32(p.GetConfidence())]; !ok {
		v.Add(field+".confidence", "unknown value %d", p.GetConfidence())
	}
}

func validateCasualties(v *apperr.Violations, field string, counts []*incidentv1.CasualtyCount) {
	if len(counts) > maxCounts {
		v.Add(field, "at most %d counts", maxCounts)
	}
	for i, c := range counts {
		f := apperr.Index(field, i)
		if len(c.GetSides()) == 0 {
			v.Add(f+".sides", "name at least one side")
		}
		seen := map[incidentv1.CasualtySide]bool{}
		for j, s := range c.GetSides() {
			if _, ok := incidentv1.CasualtySide_name[int32(s)]; !ok || s == incidentv1.CasualtySide_CASUALTY_SIDE_UNSPECIFIED {
				v.Add(apperr.Index(f+".sides", j), "unknown side %d", s)
			} else if seen[s] {
				v.Add(apperr.Index(f+".sides", j), "%s is listed twice", s)
			}
			seen[s] = true
		}
		for name, n := range map[string]int32{"killed": c.GetKilled(), "wounded": c.GetWounded(), "killed_or_wounded": c.GetKilledOrWounded()} {
			if n < 0 || n > maxCount {
				v.Add(f+"."+name, "must be in [0, %d]", maxCount)
			}
		}
		if c.GetKilled() == 0 && c.GetWounded() == 0 && c.GetKilledOrWounded() == 0 {
			v.Add(f, "a count needs killed, wounded or killed_or_wounded above zero")
		}
	}
}

func validateSources(v *apperr.Violations, field string, ss []*incidentv1.Source) {
	if len(ss) > maxSources {
		v.Add(field, "at most %d sources", maxSources)
	}
	for i, s := range ss {
		f := apperr.Index(field, i)
		if strings.TrimSpace(s.GetName()) == "" {
			v.Add(f+".name", "is required")
		}
		reqcheck.Text(v, f+".name", s.GetName(), reqcheck.MaxShortLen)
		if s.GetUri() != "" {
			u, err := url.Parse(s.GetUri())
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(s.GetUri()) > 2000 {
				v.Add(f+".uri", "must be an absolute http(s) URL")
			}
		}
		if s.GetPublishTime() != nil && s.GetPublishTime().CheckValid() != nil {
			v.Add(f+".publish_time", "is not a valid timestamp")
		}
	}
}
