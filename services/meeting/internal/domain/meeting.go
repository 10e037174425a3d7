package domain

import (
	"strings"
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/place"
)

// Meeting levels (the API's MeetingLevel names).
const (
	LevelWorking   = "MEETING_LEVEL_WORKING"
	LevelCommand   = "MEETING_LEVEL_COMMAND"
	LevelHighLevel = "MEETING_LEVEL_HIGH_LEVEL"
)

// Meeting is a coordination meeting between the forces as recorded. Enum-valued fields hold
// the API's enum value names, so stored documents read as the API does.
type Meeting struct {
	Title       string       `bson:"title"`
	Purpose     string       `bson:"purpose,omitempty"`
	Place       place.Place  `bson:"place"`
	StartTime   time.Time    `bson:"start_time"`
	EndTime     time.Time    `bson:"end_time,omitempty"`
	Level       string       `bson:"level"`
	HostForce   string       `bson:"host_force"`
	Attendees   []Attendee   `bson:"attendees,omitempty"`
	AgendaItems []AgendaItem `bson:"agenda_items,omitempty"`
	Outcome     string       `bson:"outcome,omitempty"`
	State       string       `bson:"state"`
	StateReason string       `bson:"state_reason,omitempty"`

	// AttendingForces and PlaceKeys are derived by Normalize and stored so that the
	// attending_force and place.name filters are plain equalities on an array the store
	// can answer (FerretDB has no case-insensitive match).
	AttendingForces []string `bson:"attending_forces"`
	PlaceKeys       []string `bson:"place_keys,omitempty"`
}

// Attendee is one person attending, with the force and role they attend for.
type Attendee struct {
	Person      string `bson:"person"`
	Force       string `bson:"force"`
	Role        string `bson:"role,omitempty"`
	DisplayName string `bson:"display_name,omitempty"`
}

// AgendaItem is one item of the agenda.
type AgendaItem struct {
	Title       string `bson:"title"`
	Description string `bson:"description,omitempty"`
	Outcome     string `bson:"outcome,omitempty"`
}

// Normalize recomputes what is derived from the meeting's fields: the forces taking part
// (the host first, then each attendee's force in order, each once) and the search keys of
// its place's names. Call it after every change.
func (m *Meeting) Normalize() {
	m.AttendingForces = []string{m.HostForce}
	for _, a := range m.Attendees {
		if !contains(m.AttendingForces, a.Force) {
			m.AttendingForces = append(m.AttendingForces, a.Force)
		}
	}
	m.PlaceKeys = nil
	n := m.Place.Name
	for _, s := range append([]string{n.Arabic, n.Sorani, n.English}, n.Aliases...) {
		if k := PlaceKey(s); k != "" && !contains(m.PlaceKeys, k) {
			m.PlaceKeys = append(m.PlaceKeys, k)
		}
	}
}

// PlaceKey is how a place name is searched: trimmed and lower-cased, so "makhmour" finds
// "Makhmour" (localized.Name.Matches compares the same way).
func PlaceKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// TimeViolations reports an end before the start, on "meeting.end_time". It runs on the
// whole meeting after a change too, since an update may move only one of the two.
func (m *Meeting) TimeViolations() []apperr.Violation {
	if !m.EndTime.IsZero() && m.EndTime.Before(m.StartTime) {
		return []apperr.Violation{{Field: "meeting.end_time", Description: "must not be before start_time"}}
	}
	return nil
}

// CheckTimes is TimeViolations as an INVALID_ARGUMENT error, or nil.
func (m *Meeting) CheckTimes() error {
	var v apperr.Violations
	v.Append("", m.TimeViolations())
	return v.Err()
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
