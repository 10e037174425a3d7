package handler

import (
	"context"
	"github.com/tansiq/tansiq/platform/fieldmask"
	"github.com/tansiq/tansiq/platform/reqcheck"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/reqhash"
	"github.com/tansiq/tansiq/platform/store"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

// CreateMeeting records a meeting in state SCHEDULED once the forces service confirms every
// attendee; a retry with the same request_id returns the first result.
func (h *Handler) CreateMeeting(ctx context.Context, req *meetingv1.CreateMeetingRequest) (*meetingv1.CreateMeetingResponse, error) {
	m, err := h.createMeeting(ctx, req)
	if err != nil {
		return nil, toStatus(err)
	}
	return &meetingv1.CreateMeetingResponse{Meeting: meetingToProto(m)}, nil
}

func (h *Handler) createMeeting(ctx context.Context, req *meetingv1.CreateMeetingRequest) (*meetingstore.MeetingDoc, error) {
	var v apperr.Violations
	validateMeeting(&v, "meeting", req.GetMeeting(), nil, h.now())
	validateID(&v, "meeting_id", req.GetMeetingId(), domain.ValidID)
	reqcheck.RequestID(&v, req.GetRequestId())
	m := meetingFromProto(req.GetMeeting())
	if in := req.GetMeeting(); in.GetStartTime().IsValid() && in.GetEndTime().IsValid() {
		v.Append("", m.TimeViolations())
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	id := req.GetMeetingId()
	if id == "" {
		id = "m" + store.NewID()
	}
	// The host force owns the meeting's record: only its operators record the meeting,
	// checked before anything is looked up. A retry carries the same host force.
	if err := access.Change(ctx, "meetings/"+id, m.HostForce); err != nil {
		return nil, err
	}
	hash := reqhash.Of(req)
	if prior, err := h.meetings.Prior(ctx, req.GetRequestId(), hash); err != nil || prior != nil {
		return prior, err
	}
	if err := h.checkAttendees(ctx, "meeting.attendees", m.Attendees); err != nil {
		return nil, err
	}
	m.State = domain.StateScheduled
	return h.meetings.Create(ctx, &meetingstore.MeetingDoc{
		Name: "meetings/" + id, Owner: m.HostForce,
		RequestID: req.GetRequestId(), RequestHash: hash, Body: m,
	})
}

// GetMeeting returns one meeting.
func (h *Handler) GetMeeting(ctx context.Context, req *meetingv1.GetMeetingRequest) (*meetingv1.GetMeetingResponse, error) {
	var v apperr.Violations
	validateName(&v, "name", req.GetName(), domain.IsMeetingName, "meetings/{meeting}")
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	d, err := h.meetings.Get(ctx, req.GetName())
	if err != nil {
		return nil, toStatus(err)
	}
	if err := access.Read(ctx, d.Name, d.Owner); err != nil {
		return nil, toStatus(err)
	}
	return &meetingv1.GetMeetingResponse{Meeting: meetingToProto(d)}, nil
}

// UpdateMeeting changes the fields named in the mask, if the etag (when given) matches and
// the meeting is neither cancelled nor closed. New attendees are checked with the forces
// service first.
func (h *Handler) UpdateMeeting(ctx context.Context, req *meetingv1.UpdateMeetingRequest) (*meetingv1.UpdateMeetingResponse, error) {
	d, err := h.updateMeeting(ctx, req)
	if err != nil {
		return nil, toStatus(err)
	}
	return &meetingv1.UpdateMeetingResponse{Meeting: meetingToProto(d)}, nil
}

func (h *Handler) updateMeeting(ctx context.Context, req *meetingv1.UpdateMeetingRequest) (*meetingstore.MeetingDoc, error) {
	var v apperr.Violations
	validateName(&v, "meeting.name", req.GetMeeting().GetName(), domain.IsMeetingName, "meetings/{meeting}")
	paths := fieldmask.Check(&v, req.GetUpdateMask().GetPaths(), meetingUpdatable)
	if len(paths) > 0 {
		validateMeeting(&v, "meeting", req.GetMeeting(), paths, h.now())
	}
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, err
	}
	ch := store.Change{Name: req.GetMeeting().GetName(), Etag: req.GetMeeting().GetEtag(),
		RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req), Verb: "updated"}
	patch := meetingFromProto(req.GetMeeting())
	may := store.OwnerMayChange[domain.Meeting](ctx)
	if paths["attendees"] {
		d, err := h.meetings.Get(ctx, ch.Name)
		if err != nil {
			return nil, err
		}
		// Before the forces service is asked anything on the caller's behalf.
		if err := may(d); err != nil {
			return nil, err
		}
		if done, err := meetingstore.Replayed(d, ch.RequestID, ch.RequestHash); err != nil || done {
			return d, err
		}
		if err := d.Body.CheckAttendeesEditable(); err != nil {
			return nil, err
		}
		if err := h.checkAttendees(ctx, "meeting.attendees", patch.Attendees); err != nil {
			return nil, err
		}
	}
	return h.meetings.UpdateAuthorized(ctx, ch, may, func(d *meetingstore.MeetingDoc) error {
		if err := d.Body.CheckEditable(); err != nil {
			return err
		}
		if paths["attendees"] {
			if err := d.Body.CheckAttendeesEditable(); err != nil {
				return err
			}
		}
		for p := range paths {
			meetingUpdatable[p](&d.Body, patch)
		}
		d.Body.Normalize()
		return d.Body.CheckTimes()
	})
}

// HoldMeeting marks a scheduled meeting held.
func (h *Handler) HoldMeeting(ctx context.Context, req *meetingv1.HoldMeetingRequest) (*meetingv1.HoldMeetingResponse, error) {
	d, err := h.transition(ctx, req.GetName(), req.GetEtag(), req.GetRequestId(), reqhash.Of(req), "held", (*domain.Meeting).Hold)
	if err != nil {
		return nil, toStatus(err)
	}
	return &meetingv1.HoldMeetingResponse{Meeting: meetingToProto(d)}, nil
}

// CancelMeeting calls off a scheduled meeting.
func (h *Handler) CancelMeeting(ctx context.Context, req *meetingv1.CancelMeetingRequest) (*meetingv1.CancelMeetingResponse, error) {
	d, err := h.transition(ctx, req.GetName(), req.GetEtag(), req.GetRequestId(), reqhash.Of(req), "cancelled",
		func(m *domain.Meeting) error { return m.Cancel(req.GetReason()) })
	if err != nil {
		return nil, toStatus(err)
	}
	return &meetingv1.CancelMeetingResponse{Meeting: meetingToProto(d)}, nil
}

// CloseMeeting closes a held meeting.
func (h *Handler) CloseMeeting(ctx context.Context, req *meetingv1.CloseMeetingRequest) (*meetingv1.CloseMeetingResponse, error) {
	d, err := h.transition(ctx, req.GetName(), req.GetEtag(), req.GetRequestId(), reqhash.Of(req), "closed",
		func(m *domain.Meeting) error { return m.Close(req.GetReason()) })
	if err != nil {
		return nil, toStatus(err)
	}
	return &meetingv1.CloseMeetingResponse{Meeting: meetingToProto(d)}, nil
}

// transition applies a state move to the named meeting as one compare-and-swap.
func (h *Handler) transition(ctx context.Context, name, etag, requestID, hash, verb string, move func(*domain.Meeting) error) (*meetingstore.MeetingDoc, error) {
	var v apperr.Violations
	validateName(&v, "name", name, domain.IsMeetingName, "meetings/{meeting}")
	reqcheck.RequestID(&v, requestID)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return h.meetings.UpdateAuthorized(ctx, store.Change{Name: name, Etag: etag, RequestID: requestID, RequestHash: hash, Verb: verb},
		store.OwnerMayChange[domain.Meeting](ctx), func(d *meetingstore.MeetingDoc) error { return move(&d.Body) })
}

// checkAttendees asks the forces service, in one call, about every attendee: unknown people
// and people claimed for the wrong force are INVALID_ARGUMENT, one violation per entry.
func (h *Handler) checkAttendees(ctx context.Context, field string, as []domain.Attendee) error {
	names := make([]string, 0, len(as))
	for _, a := range as {
		names = append(names, a.Person)
	}
	found, err := h.lookup(ctx, h.dir.People, names)
	if err != nil {
		return err
	}
	var v apperr.Violations
	v.Append("", domain.CheckAttendees(field, as, found))
	return v.Err()
}
