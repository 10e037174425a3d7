package handler

import (
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/types"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

// validateMeeting checks every field of a meeting a client sends; paths selects the fields
// to check (nil: all, as on create). It checks the form of attendees; whether they exist
// is asked of the forces service afterwards.
func validateMeeting(v *apperr.Violations, p string, m *meetingv1.Meeting, paths map[string]bool, now time.Time) {
	if m == nil {
		v.Add(p, "is required")
		return
	}
	has := func(f string) bool { return paths == nil || paths[f] }
	if has("title") {
		validateText(v, p+".title", m.GetTitle(), true, types.MaxShortLen)
	}
	if has("purpose") {
		validateText(v, p+".purpose", m.GetPurpose(), false, types.MaxTextLen)
	}
	if has("place") {
		types.ValidatePlace(v, p+".place", m.GetPlace(), true)
	}
	if has("start_time") {
		validateTime(v, p+".start_time", m.GetStartTime(), true, now)
	}
	if has("end_time") {
		validateTime(v, p+".end_time", m.GetEndTime(), false, now)
	}
	if has("level") {
		if m.GetLevel() == meetingv1.MeetingLevel_MEETING_LEVEL_UNSPECIFIED {
			v.Add(p+".level", "is required")
		} else if _, ok := meetingv1.MeetingLevel_name[int32(m.GetLevel())]; !ok {
			v.Add(p+".level", "unknown value %d", m.GetLevel())
		}
	}
	if has("attendees") {
		validateAttendees(v, p+".attendees", m.GetAttendees())
	}
	if has("agenda_items") {
		validateAgenda(v, p+".agenda_items", m.GetAgendaItems())
	}
	if has("outcome") {
		validateText(v, p+".outcome", m.GetOutcome(), false, types.MaxTextLen)
	}
	if paths == nil {
		validateName(v, p+".host_force", m.GetHostForce(), domain.IsForceName, "forces/{force}")
	}
}

// validateAttendees checks each attendee's form: a person name, the force claimed for them
// being the one their name belongs to, and no one listed twice.
func validateAttendees(v *apperr.Violations, field string, as []*meetingv1.Attendee) {
	if len(as) > maxAttendees {
		v.Add(field, "at most %d attendees", maxAttendees)
	}
	seen := map[string]bool{}
	for i, a := range as {
		f := apperr.Index(field, i)
		validateName(v, f+".person", a.GetPerson(), domain.IsPersonName, "forces/{force}/people/{person}")
		validateName(v, f+".force", a.GetForce(), domain.IsForceName, "forces/{force}")
		if domain.IsPersonName(a.GetPerson()) {
			if seen[a.GetPerson()] {
				v.Add(f+".person", "%s is listed twice", a.GetPerson())
			}
			seen[a.GetPerson()] = true
			if own := domain.ForceOf(a.GetPerson()); domain.IsForceName(a.GetForce()) && own != a.GetForce() {
				v.Add(f+".force", "the person belongs to %s, not %s", own, a.GetForce())
			}
		}
		validateText(v, f+".role", a.GetRole(), false, types.MaxShortLen)
		validateText(v, f+".display_name", a.GetDisplayName(), false, types.MaxShortLen)
	}
}

func validateAgenda(v *apperr.Violations, field string, items []*meetingv1.AgendaItem) {
	if len(items) > maxAgenda {
		v.Add(field, "at most %d items", maxAgenda)
	}
	for i, a := range items {
		f := apperr.Index(field, i)
		validateText(v, f+".title", a.GetTitle(), true, types.MaxShortLen)
		validateText(v, f+".description", a.GetDescription(), false, types.MaxTextLen)
		validateText(v, f+".outcome", a.GetOutcome(), false, types.MaxTextLen)
	}
}
