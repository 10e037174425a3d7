package handler

import (
	"regexp"
	"strconv"
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/localized"
	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/resname"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
)

var (
	// symbolPattern accepts a MIL-STD-2525D/E SIDC (20 digits) or a 2525C one (15 characters).
	symbolPattern = regexp.MustCompile(`^([0-9]{20}|[A-Z0-9*-]{15})$`)
)

// Limits on unit, person and report fields.
const (
	maxStrength  = 1000000
	maxReasonLen = 1000
	maxNoteLen   = 1000
	// reportSkew is how far past the server's clock a report_time may be: field clocks drift.
	reportSkew = 5 * time.Minute
)

// earliest is the oldest report accepted: this system records the post-2003 conflict.
var earliest = time.Date(2003, 1, 1, 0, 0, 0, 0, time.UTC)

func validateID(v *apperr.Violations, field, id string, required bool) {
	if id == "" && required {
		v.Add(field, "is required")
	}
	resname.CheckID(v, field, id)
}

// nameRule is the shape of one kind of resource name.
type nameRule struct {
	valid func(string) bool
	shape string
}

var (
	forceName   = patternRule(resname.Force)
	unitName    = patternRule(resname.Unit)
	personName  = patternRule(resname.Person)
	bindingName = patternRule(resname.TakBinding)
	// listParent is the parent of List methods: one force, or every force.
	listParent = nameRule{func(s string) bool { return s == domain.AllForces || resname.Matches(resname.Force, s) }, `"forces/{force}" or "forces/-"`}
)

// patternRule is the rule of the names that fit a resname pattern.
func patternRule(pattern string) nameRule {
	return nameRule{func(s string) bool { return resname.Matches(pattern, s) }, strconv.Quote(pattern)}
}

func (r nameRule) check(v *apperr.Violations, field, name string, optional bool) {
	switch {
	case name == "" && !optional:
		v.Add(field, "is required")
	case name != "" && !r.valid(name):
		v.Add(field, "must look like %s", r.shape)
	}
}

func validateForce(v *apperr.Violations, p string, in *forcesv1.Force) {
	if in == nil {
		v.Add(p, "is required")
		return
	}
	localized.Validate(v, p+".display_name", localized.FromProto(in.GetDisplayName()), true)
	localized.Validate(v, p+".authority", localized.FromProto(in.GetAuthority()), false)
}

// validateUnit checks the client-writable fields of a unit; paths selects the fields to
// check (nil: all, as on create).
func validateUnit(v *apperr.Violations, p string, in *forcesv1.Unit, paths map[string]bool) {
	if in == nil {
		v.Add(p, "is required")
		return
	}
	has := func(f string) bool { return paths == nil || paths[f] }
	if has("display_name") {
		localized.Validate(v, p+".display_name", localized.FromProto(in.GetDisplayName()), true)
	}
	if has("echelon") {
		if in.GetEchelon() == forcesv1.Echelon_ECHELON_UNSPECIFIED {
			v.Add(p+".echelon", "is required")
		} else if _, ok := forcesv1.Echelon_name[int32(in.GetEchelon())]; !ok {
			v.Add(p+".echelon", "unknown value %d", in.GetEchelon())
		}
	}
	if has("parent_unit") {
		unitName.check(v, p+".parent_unit", in.GetParentUnit(), true)
	}
	if has("commander") {
		personName.check(v, p+".commander", in.GetCommander(), true)
	}
	if has("home_base") {
		place.ValidatePlace(v, p+".home_base", in.GetHomeBase(), false)
	}
	if has("strength") {
		for f, n := range map[string]int32{"authorized": in.GetStrength().GetAuthorized(), "present": in.GetStrength().GetPresent()} {
			if n < 0 || n > maxStrength {
				v.Add(p+".strength."+f, "must be in [0, %d]", maxStrength)
			}
		}
	}
	if has("readiness") {
		if _, ok := forcesv1.Readiness_name[int32(in.GetReadiness())]; !ok {
			v.Add(p+".readiness", "unknown value %d", in.GetReadiness())
		}
	}
	if has("position_release") {
		if _, ok := forcesv1.PositionRelease_name[int32(in.GetPositionRelease())]; !ok {
			v.Add(p+".position_release", "unknown value %d", in.GetPositionRelease())
		}
	}
	if has("readiness_reason") {
		reqcheck.Text(v, p+".readiness_reason", in.GetReadinessReason(), maxReasonLen)
	}
	if has("symbol_code") && in.GetSymbolCode() != "" && !symbolPattern.MatchString(in.GetSymbolCode()) {
		v.Add(p+".symbol_code", "must be a 20-digit MIL-STD-2525D/E SIDC or a 15-character 2525C one")
	}
}

// validatePerson checks the client-writable fields of a person; paths as in validateUnit.
func validatePerson(v *apperr.Violations, p string, in *forcesv1.Person, paths map[string]bool) {
	if in == nil {
		v.Add(p, "is required")
		return
	}
	has := func(f string) bool { return paths == nil || paths[f] }
	if has("display_name") {
		localized.Validate(v, p+".display_name", localized.FromProto(in.GetDisplayName()), false)
	}
	if has("rank") {
		reqcheck.Text(v, p+".rank", in.GetRank(), reqcheck.MaxShortLen)
	}
	if has("role") {
		localized.Validate(v, p+".role", localized.FromProto(in.GetRole()), false)
	}
	if has("unit") {
		unitName.check(v, p+".unit", in.GetUnit(), true)
	}
}

func validatePosition(v *apperr.Violations, p string, in *forcesv1.UnitPosition, now time.Time) {
	if in == nil {
		v.Add(p, "is required")
		return
	}
	place.ValidatePlace(v, p+".place", in.GetPlace(), true)
	ts := in.GetReportTime()
	switch {
	case ts == nil:
		v.Add(p+".report_time", "is required")
	case ts.CheckValid() != nil:
		v.Add(p+".report_time", "is not a valid timestamp")
	case ts.AsTime().Before(earliest):
		v.Add(p+".report_time", "must be after %s", earliest.Format(time.DateOnly))
	case ts.AsTime().After(now.Add(reportSkew)):
		v.Add(p+".report_time", "must not be in the future")
	}
	reqcheck.Text(v, p+".note", in.GetNote(), maxNoteLen)
}
