package handler

import (
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/types"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

// meetingFromProto converts the client-writable fields of a meeting and derives the rest.
func meetingFromProto(in *meetingv1.Meeting) domain.Meeting {
	m := domain.Meeting{
		Title:     in.GetTitle(),
		Purpose:   in.GetPurpose(),
		Place:     types.PlaceFromProto(in.GetPlace()),
		StartTime: storedTime(in.GetStartTime()),
		EndTime:   storedTime(in.GetEndTime()),
		Level:     in.GetLevel().String(),
		HostForce: in.GetHostForce(),
		Outcome:   in.GetOutcome(),
	}
	for _, a := range in.GetAttendees() {
		m.Attendees = append(m.Attendees, domain.Attendee{Person: a.GetPerson(), Force: a.GetForce(), Role: a.GetRole(), DisplayName: a.GetDisplayName()})
	}
	for _, a := range in.GetAgendaItems() {
		m.AgendaItems = append(m.AgendaItems, domain.AgendaItem{Title: a.GetTitle(), Description: a.GetDescription(), Outcome: a.GetOutcome()})
	}
	m.Normalize()
	return m
}

// meetingToProto converts a stored meeting to its API form.
func meetingToProto(d *meetingstore.MeetingDoc) *meetingv1.Meeting {
	m := d.Body
	out := &meetingv1.Meeting{
		Name:            d.Name,
		Title:           m.Title,
		Purpose:         m.Purpose,
		Place:           m.Place.ToProto(),
		StartTime:       timestamppb.New(m.StartTime),
		EndTime:         optionalTime(m.EndTime),
		Level:           meetingv1.MeetingLevel(meetingv1.MeetingLevel_value[m.Level]),
		HostForce:       m.HostForce,
		Outcome:         m.Outcome,
		AttendingForces: m.AttendingForces,
		State:           meetingv1.MeetingState(meetingv1.MeetingState_value[m.State]),
		StateReason:     m.StateReason,
		CreateTime:      timestamppb.New(d.CreateTime),
		UpdateTime:      timestamppb.New(d.UpdateTime),
		Etag:            d.Etag,
	}
	for _, a := range m.Attendees {
		out.Attendees = append(out.Attendees, &meetingv1.Attendee{Person: a.Person, Force: a.Force, Role: a.Role, DisplayName: a.DisplayName})
	}
	for _, a := range m.AgendaItems {
		out.AgendaItems = append(out.AgendaItems, &meetingv1.AgendaItem{Title: a.Title, Description: a.Description, Outcome: a.Outcome})
	}
	return out
}
