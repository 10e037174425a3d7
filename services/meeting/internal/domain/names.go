package domain

import (
	"strings"

	"github.com/tansiq/tansiq/platform/resname"
)

// Wildcards of List parents (AIP-159): every meeting, every decision of a meeting.
const (
	AllMeetings  = "meetings/-"
	AllDecisions = "decisions/-"
)

// ValidID reports whether id can be the last segment of a resource name.
func ValidID(id string) bool { return resname.ValidID(id) }

// IsMeetingName reports whether name looks like "meetings/{meeting}".
func IsMeetingName(name string) bool { return resname.Matches(resname.Meeting, name) }

// IsDecisionName reports whether name looks like "meetings/{meeting}/decisions/{decision}".
func IsDecisionName(name string) bool { return resname.Matches(resname.Decision, name) }

// IsActionItemName reports whether name looks like
// "meetings/{meeting}/decisions/{decision}/actionItems/{action_item}".
func IsActionItemName(name string) bool { return resname.Matches(resname.ActionItem, name) }

// IsForceName reports whether name looks like "forces/{force}".
func IsForceName(name string) bool { return resname.Matches(resname.Force, name) }

// IsUnitName reports whether name looks like "forces/{force}/units/{unit}".
func IsUnitName(name string) bool { return resname.Matches(resname.Unit, name) }

// IsPersonName reports whether name looks like "forces/{force}/people/{person}".
func IsPersonName(name string) bool { return resname.Matches(resname.Person, name) }

// IsZoneName reports whether name looks like "zones/{zone}".
func IsZoneName(name string) bool { return resname.Matches(resname.Zone, name) }

// IsIncidentName reports whether name looks like "incidents/{incident}".
func IsIncidentName(name string) bool { return resname.Matches(resname.Incident, name) }

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
