package domain

import (
	"regexp"
	"strings"
)

// idPart is one resource id: 4-63 characters of [a-z0-9-], starting with a letter and not
// ending with a hyphen.
const idPart = `[a-z][a-z0-9-]{2,61}[a-z0-9]`

var (
	idPattern         = regexp.MustCompile(`^` + idPart + `$`)
	meetingPattern    = regexp.MustCompile(`^meetings/` + idPart + `$`)
	decisionPattern   = regexp.MustCompile(`^meetings/` + idPart + `/decisions/` + idPart + `$`)
	actionItemPattern = regexp.MustCompile(`^meetings/` + idPart + `/decisions/` + idPart + `/actionItems/` + idPart + `$`)
	forcePattern      = regexp.MustCompile(`^forces/` + idPart + `$`)
	unitPattern       = regexp.MustCompile(`^forces/` + idPart + `/units/` + idPart + `$`)
	personPattern     = regexp.MustCompile(`^forces/` + idPart + `/people/` + idPart + `$`)
	zonePattern       = regexp.MustCompile(`^zones/` + idPart + `$`)
	incidentPattern   = regexp.MustCompile(`^incidents/` + idPart + `$`)
)

// Wildcards of List parents (AIP-159): every meeting, every decision of a meeting.
const (
	AllMeetings  = "meetings/-"
	AllDecisions = "decisions/-"
)

// ValidID reports whether id can be the last segment of a resource name.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// IsMeetingName reports whether name looks like "meetings/{meeting}".
func IsMeetingName(name string) bool { return meetingPattern.MatchString(name) }

// IsDecisionName reports whether name looks like "meetings/{meeting}/decisions/{decision}".
func IsDecisionName(name string) bool { return decisionPattern.MatchString(name) }

// IsActionItemName reports whether name looks like
// "meetings/{meeting}/decisions/{decision}/actionItems/{action_item}".
func IsActionItemName(name string) bool { return actionItemPattern.MatchString(name) }

// IsForceName reports whether name looks like "forces/{force}".
func IsForceName(name string) bool { return forcePattern.MatchString(name) }

// IsUnitName reports whether name looks like "forces/{force}/units/{unit}".
func IsUnitName(name string) bool { return unitPattern.MatchString(name) }

// IsPersonName reports whether name looks like "forces/{force}/people/{person}".
func IsPersonName(name string) bool { return personPattern.MatchString(name) }

// IsZoneName reports whether name looks like "zones/{zone}".
func IsZoneName(name string) bool { return zonePattern.MatchString(name) }

// IsIncidentName reports whether name looks like "incidents/{incident}".
func IsIncidentName(name string) bool { return incidentPattern.MatchString(name) }

// ForceOf returns the force a force, unit or person name belongs to: the "forces/{force}"
// it starts with, as the forces service guarantees (records never change force). It
// returns "" for any other name.
func ForceOf(name string) string {
	if IsForceName(name) {
		return name
	}
	if !IsUnitName(name) && !IsPersonName(name) {
		return ""
	}
	i := strings.Index(name[len("forces/"):], "/")
	return name[:len("forces/")+i]
}
