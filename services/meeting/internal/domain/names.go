package domain

import (
	"github.com/tansiq/tansiq/platform/resname"
)

// Wildcards of List parents (AIP-159): every meeting, every decision of a meeting.
const (
	AllMeetings  = "meetings/-"
	AllDecisions = "decisions/-"
)

// ForceOf returns the force a force, unit or person name belongs to: the "forces/{force}"
// it starts with, as the forces service guarantees (records never change force). It
// returns "" for any other name.
func ForceOf(name string) string {
	if resname.Matches(resname.Force, name) {
		return name
	}
	if !resname.Matches(resname.Unit, name) && !resname.Matches(resname.Person, name) {
		return ""
	}
	return resname.Ancestor(name, resname.Force)
}
