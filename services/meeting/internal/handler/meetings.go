package handler

import (
	"context"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/fieldmask"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/reqhash"
	"github.com/tansiq/tansiq/platform/resname"
	"github.com/tansiq/tansiq/platform/store"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

// meetingSchema is the filter ListMeetings accepts, as its request documents.
var meetingSchema = filter.Schema{
	"start_time":      {Type: filter.Time, Ops: filter.Ordered},
	"state":           {Type: filter.Enum, Values: filter.EnumNames(meetingv1.MeetingState_name)},
	"level":           {Type: filter.Enum, Values: filter.EnumNames(meetingv1.MeetingLevel_name)},
	"host_force":      {Type: filter.String},
	"attending_force": {Type: filter.String},
	// Stored as domain.PlaceKey of every name and alias; compared the same way.
	"place.name":      {Type: filter.String, Normalize: domain.PlaceKey},
	"place.latitude":  {Type: filter.Number, Ops: filter.Ordered},
	"place.longitude": {Type: filter.Number, Ops: filter.Ordered},
}

// meetingUpdatable lists the update_mask paths UpdateMeeting accepts. State changes go
// through HoldMeeting, CancelMeeting and CloseMeeting; the host force owns the record and
// never changes.
var meetingUpdatable = map[string]func(dst *domain.Meeting, src domain.Meeting){
	"title":        func(d *domain.Meeting, s domain.Meeting) { d.Title = s.Title },
	"purpose":      func(d *domain.Meeting, s domain.Meeting) { d.Purpose = s.Purpose },
	"place":        func(d *domain.Meeting, s domain.Meeting) { d.Place = s.Place },
	"start_time":   func(d *domain.Meeting, s domain.Meeting) { d.StartTime = s.StartTime },
	"end_time":     func(d *domain.Meeting, s domain.Meeting) { d.EndTime = s.EndTime },
	"level":        func(d *domain.Meeting, s domain.Meeting) { d.Level = s.Level },
	"attendees":    func(d *domain.Meeting, s domain.Meeting) { d.Attendees = s.Attendees },
	"agenda_items": func(d *domain.Meeting, s domain.Meeting) { d.AgendaItems = s.AgendaItems },
	"outcome":      func(d *domain.Meeting, s domain.Meeting) { d.Outcome = s.Outcome },
}

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
	resname.CheckID(&v, "meeting_id", req.GetMeetingId())
	reqcheck.RequestID(&v, req.GetRequestId())
	m := meetingFromProto(req.GetMeeting())
	if in := req.GetMeeting(); in.GetStartTime().IsValid() && in.GetEndTime().IsValid() {
		v.Append("", m.TimeViolations())
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	name := newName("meetings", req.GetMeetingId(), "m")
	// The host force owns the meeting's record: only its operators record the meeting,
	// checked before anything is looked up. A retry carries the same host force.
	if err := access.Change(ctx, name, m.HostForce); err != nil {
		return nil, err
	}
	hash := reqhash.Of(req)
	if prior, err := priorCreate(ctx, h.meetings.Collection, req.GetRequestId(), hash); err != nil || prior != nil {
		return prior, err
	}
	if err := h.checkAttendees(ctx, "meeting.attendees", m.Attendees); err != nil {
		return nil, err
	}
	m.State = domain.StateScheduled
	return h.meetings.Create(ctx, &meetingstore.MeetingDoc{
		Name: name, Owner: m.HostForce, RequestID: req.GetRequestId(), RequestHash: hash, Body: m,
	})
}

// GetMeeting returns one meeting.
func (h *Handler) GetMeeting(ctx context.Context, req *meetingv1.GetMeetingRequest) (*meetingv1.GetMeetingResponse, error) {
	d, err := get(ctx, h.meetings.Collection, req.GetName(), resname.Meeting)
	if err != nil {
		return nil, toStatus(err)
	}
	return &meetingv1.GetMeetingResponse{Meeting: meetingToProto(d)}, nil
}

// ListMeetings lists meetings in the order asked (latest start_time first by default), a
// page at a time.
func (h *Handler) ListMeetings(ctx context.Context, req *meetingv1.ListMeetingsRequest) (*meetingv1.ListMeetingsResponse, error) {
	var v apperr.Violations
	flt, err := meetingSchema.Parse(req.GetFilter())
	if err != nil {
		v.Add("filter", "%v", err)
	}
	order := listOrder(&v, req.GetOrderBy(), meetingstore.MeetingSorts)
	query := pageQuery("", req.GetFilter(), order.OrderBy)
	size, from := pageRequest(h, &v, query, req.GetPageSize(), req.GetPageToken())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	docs, err := h.meetings.List(ctx, flt, order, from, size+1)
	if err != nil {
		return nil, toStatus(err)
	}
	docs, token, err := nextPage(ctx, h, query, docs, size, order)
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &meetingv1.ListMeetingsResponse{NextPageToken: token}
	for _, d := range docs {
		resp.Meetings = append(resp.Meetings, meetingToProto(d))
	}
	return resp, nil
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
	resname.Check(&v, "meeting.name", req.GetMeeting().GetName(), resname.Meeting)
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
		d, done, err := beforeLookup(ctx, h.meetings.Collection, ch, may)
		if err != nil || done {
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

// CloseMeeting closes a held meeting. Meetings and decisions are two logs: a decision
// checks inside its compare-and-swap that its meeting is held, and the close then fences
// the decisions log (store Collection.Fence), so a decision on any replica that found the
// meeting held and has not committed yet is decided again, and refused: once the close
// has returned, no decision is added. A retry (request id) fences again.
func (h *Handler) CloseMeeting(ctx context.Context, req *meetingv1.CloseMeetingRequest) (*meetingv1.CloseMeetingResponse, error) {
	d, err := h.transition(ctx, req.GetName(), req.GetEtag(), req.GetRequestId(), reqhash.Of(req), "closed",
		func(m *domain.Meeting) error { return m.Close(req.GetReason()) })
	if err != nil {
		return nil, toStatus(err)
	}
	if err := h.decisions.Fence(ctx); err != nil {
		return nil, toStatus(err)
	}
	return &meetingv1.CloseMeetingResponse{Meeting: meetingToProto(d)}, nil
}

// transition applies a state move to the named meeting as one compare-and-swap, for an
// operator of the host force (authorized inside it).
func (h *Handler) transition(ctx context.Context, name, etag, requestID, hash, verb string, move func(*domain.Meeting) error) (*meetingstore.MeetingDoc, error) {
	var v apperr.Violations
	resname.Check(&v, "name", name, resname.Meeting)
	reqcheck.RequestID(&v, requestID)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return h.meetings.UpdateAuthorized(ctx, store.Change{Name: name, Etag: etag, RequestID: requestID, RequestHash: hash, Verb: verb},
		store.OwnerMayChange[domain.Meeting](ctx), func(d *meetingstore.MeetingDoc) error { return move(&d.Body) })
}

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
		validateText(v, p+".title", m.GetTitle(), true, reqcheck.MaxShortLen)
	}
	if has("purpose") {
		validateText(v, p+".purpose", m.GetPurpose(), false, reqcheck.MaxTextLen)
	}
	if has("place") {
		place.ValidatePlace(v, p+".place", m.GetPlace(), true)
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
		validateText(v, p+".outcome", m.GetOutcome(), false, reqcheck.MaxTextLen)
	}
	if paths == nil {
		resname.Check(v, p+".host_force", m.GetHostForce(), resname.Force)
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
		resname.Check(v, f+".person", a.GetPerson(), resname.Person)
		resname.Check(v, f+".force", a.GetForce(), resname.Force)
		if resname.Matches(resname.Person, a.GetPerson()) {
			if seen[a.GetPerson()] {
				v.Add(f+".person", "%s is listed twice", a.GetPerson())
			}
			seen[a.GetPerson()] = true
			if own := domain.ForceOf(a.GetPerson()); resname.Matches(resname.Force, a.GetForce()) && own != a.GetForce() {
				v.Add(f+".force", "the person belongs to %s, not %s", own, a.GetForce())
			}
		}
		validateText(v, f+".role", a.GetRole(), false, reqcheck.MaxShortLen)
		validateText(v, f+".display_name", a.GetDisplayName(), false, reqcheck.MaxShortLen)
	}
}

func validateAgenda(v *apperr.Violations, field string, items []*meetingv1.AgendaItem) {
	if len(items) > maxAgenda {
		v.Add(field, "at most %d items", maxAgenda)
	}
	for i, a := range items {
		f := apperr.Index(field, i)
		validateText(v, f+".title", a.GetTitle(), true, reqcheck.MaxShortLen)
		validateText(v, f+".description", a.GetDescription(), false, reqcheck.MaxTextLen)
		validateText(v, f+".outcome", a.GetOutcome(), false, reqcheck.MaxTextLen)
	}
}

// meetingFromProto converts the client-writable fields of a meeting and derives the rest.
func meetingFromProto(in *meetingv1.Meeting) domain.Meeting {
	m := domain.Meeting{
		Title:     in.GetTitle(),
		Purpose:   in.GetPurpose(),
		Place:     place.PlaceFromProto(in.GetPlace()),
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
