// Package resname holds the resource name patterns of Tansiq's APIs (AIP-122) and the one
// rule for the ids in them. Patterns are einride's (go.einride.tech/aip/resourcename):
// matching, parsing and formatting names go through that library; what it leaves open, the
// shape of an id, is decided here once.
package resname

import (
	"regexp"

	"go.einride.tech/aip/resourcename"

	"github.com/tansiq/tansiq/platform/apperr"
)

// The resource name patterns.
const (
	Force      = "forces/{force}"
	Unit       = "forces/{force}/units/{unit}"
	Person     = "forces/{force}/people/{person}"
	TakBinding = "forces/{force}/takBindings/{tak_binding}"
	Area       = "forces/{force}/units/{unit}/areas/{area}"
	Incident   = "incidents/{incident}"
	Meeting    = "meetings/{meeting}"
	Decision   = "meetings/{meeting}/decisions/{decision}"
	ActionItem = "meetings/{meeting}/decisions/{decision}/actionItems/{action_item}"
	Zone       = "zones/{zone}"
	Deployment = "deployments/{deployment}"
)

// idPattern is a resource id: 4-63 characters of [a-z0-9-], starting with a letter and not
// ending with a hyphen (AIP-122's recommendation, a DNS label of at least 4 characters).
var idPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{2,61}[a-z0-9]$`)

// IDRule says what a valid id is, for field violations.
const IDRule = "must be 4-63 characters of a-z, 0-9 and -, starting with a letter and not ending with -"

// ValidID reports whether id can be a segment of a resource name.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// Matches reports whether name fits pattern with a valid id in every variable segment.
func Matches(pattern, name string) bool {
	if !resourcename.Match(pattern, name) {
		return false
	}
	var p, n resourcename.Scanner
	p.Init(pattern)
	n.Init(name)
	for p.Scan() && n.Scan() {
		if p.Segment().IsVariable() && !ValidID(string(n.Segment())) {
			return false
		}
	}
	return true
}

// Sprint formats a name from a pattern and its ids, in order.
func Sprint(pattern string, ids ...string) string { return resourcename.Sprint(pattern, ids...) }

// Ancestor returns the part of name that fits pattern, a parent's pattern: the force of a
// unit, say. It returns "" when name does not start with such a parent.
func Ancestor(name, pattern string) string {
	a, ok := resourcename.Ancestor(name, pattern)
	if !ok || !Matches(pattern, a) {
		return ""
	}
	return a
}

// Check records a violation under field for a missing name, or one that does not fit pattern.
func Check(v *apperr.Violations, field, name, pattern string) {
	if name == "" {
		v.Add(field, "is required")
		return
	}
	CheckOptional(v, field, name, pattern)
}

// CheckOptional records a violation under field for a name that is set but does not fit
// pattern.
func CheckOptional(v *apperr.Violations, field, name, pattern string) {
	if name != "" && !Matches(pattern, name) {
		v.Add(field, "must look like %q", pattern)
	}
}

// CheckID records a violation under field for an id that is set but not valid (ids a
// client may choose on create).
func CheckID(v *apperr.Violations, field, id string) {
	if id != "" && !ValidID(id) {
		v.Add(field, IDRule)
	}
}
