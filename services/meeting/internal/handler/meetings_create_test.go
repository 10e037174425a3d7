package handler

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/platform/resname"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/apperr"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

func TestCreateMeeting(t *testing.T) {
	e := newEnv(t)
	in := makhmour()
	got := e.createMeeting(t, "makhmour-security-meeting", in)

	want := proto.Clone(in).(*meetingv1.Meeting)
	want.Name = "meetings/makhmour-security-meeting"
	want.State = meetingv1.MeetingState_MEETING_STATE_SCHEDULED
	want.AttendingForces = []string{army, pesh}
	want.CreateTime, want.UpdateTime, want.Etag = got.GetCreateTime(), got.GetUpdateTime(), got.GetEtag()
	want.Place.Mgrs = place.LatLngFromProto(want.GetPlace().GetPoint()).MGRS() // returned beside lat/lng
	sameMessage(t, "CreateMeeting", got, want)
	if got.GetEtag() == "" || got.GetCreateTime() == nil {
		t.Errorf("etag %q create_time %v: want both set", got.GetEtag(), got.GetCreateTime())
	}
	sameMessage(t, "GetMeeting after create", e.getMeeting(t, got.GetName()), got)

	// One batch call for every attendee, with a deadline no longer than the lookup timeout.
	calls := e.dir.Calls()
	if len(calls) != 1 || calls[0].Method != "People" || !slices.Equal(calls[0].Names, []string{jamal, shammari, ninevehCmdr, wNinevehCmdr}) {
		t.Fatalf("directory calls = %+v, want one People call naming the four attendees", calls)
	}
	if d := calls[0].Deadline; d <= 0 || d > defaultLookupTimeout {
		t.Errorf("directory call deadline %v, want within (0, %v]", d, defaultLookupTimeout)
	}
}

func TestCreateMeetingWithoutAttendeesAsksNobody(t *testing.T) {
	e := newEnv(t)
	in := makhmour()
	in.Attendees = nil
	got := e.createMeeting(t, "", in)
	if !resname.Matches(resname.Meeting, got.GetName()) || !slices.Equal(got.GetAttendingForces(), []string{army}) {
		t.Errorf("name %q attending %v, want a chosen name and the host force alone", got.GetName(), got.GetAttendingForces())
	}
	if calls := e.dir.Calls(); len(calls) != 0 {
		t.Errorf("directory calls = %+v, want none", calls)
	}
}

func TestCreateMeetingIsIdempotent(t *testing.T) {
	e := newEnv(t)
	ctx := testCtx(t)
	req := &meetingv1.CreateMeetingRequest{Meeting: makhmour(), RequestId: "0d5c2a4e-makhmour"}
	first, err := e.client.CreateMeeting(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	e.dir.Calls()
	// The retry is answered from the store, even with the forces service down.
	e.dir.people = func(context.Context, []string) (map[string]domain.Member, []string, error) {
		return nil, nil, apperr.Unavailable(forcesService, errors.New("connection refused"))
	}
	retry, err := e.client.CreateMeeting(ctx, req)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	sameMessage(t, "retry", retry.GetMeeting(), first.GetMeeting())
	if calls := e.dir.Calls(); len(calls) != 0 {
		t.Errorf("the retry called the directory: %+v", calls)
	}
	other := proto.Clone(req).(*meetingv1.CreateMeetingRequest)
	other.Meeting.Title = "Another meeting"
	_, err = e.client.CreateMeeting(ctx, other)
	if got, want := failureOf(t, err), (failure{Code: codes.InvalidArgument, Reason: "REQUEST_ID_REUSED", Fields: []string{"request_id"}}); !got.equal(want) {
		t.Errorf("same request_id, other meeting: %+v, want %+v", got, want)
	}
	if got := e.stored(t); got != [3]int64{1, 0, 0} {
		t.Errorf("stored %v, want one meeting", got)
	}
}

func TestCreateMeetingValidation(t *testing.T) {
	tests := []struct {
		name   string
		modify func(r *meetingv1.CreateMeetingRequest)
		want   failure
	}{
		{"no meeting", func(r *meetingv1.CreateMeetingRequest) { r.Meeting = nil }, invalid("meeting")},
		{"no title", func(r *meetingv1.CreateMeetingRequest) { r.Meeting.Title = " " }, invalid("meeting.title")},
		{"long title", func(r *meetingv1.CreateMeetingRequest) { r.Meeting.Title = strings.Repeat("م", 201) }, invalid("meeting.title")},
		{"no place", func(r *meetingv1.CreateMeetingRequest) { r.Meeting.Place = nil }, invalid("meeting.place")},
		{"latitude 91", func(r *meetingv1.CreateMeetingRequest) { r.Meeting.Place.Point.Latitude = 91 }, invalid("meeting.place.point.latitude")},
		{"no start_time", func(r *meetingv1.CreateMeetingRequest) { r.Meeting.StartTime = nil }, invalid("meeting.start_time")},
		{"start before 2003", func(r *meetingv1.CreateMeetingRequest) {
			r.Meeting.StartTime = timestamppb.New(time.Date(1991, 3, 5, 0, 0, 0, 0, time.UTC))
		}, invalid("meeting.start_time")},
		{"start in ten years", func(r *meetingv1.CreateMeetingRequest) {
			r.Meeting.StartTime = timestamppb.New(time.Now().AddDate(10, 0, 0))
		}, invalid("meeting.start_time")},
		{"end before start", func(r *meetingv1.CreateMeetingRequest) {
			r.Meeting.EndTime = timestamppb.New(r.Meeting.StartTime.AsTime().Add(-time.Hour))
		}, invalid("meeting.end_time")},
		{"invalid end", func(r *meetingv1.CreateMeetingRequest) { r.Meeting.EndTime = &timestamppb.Timestamp{Nanos: -1} }, invalid("meeting.end_time")},
		{"no level", func(r *meetingv1.CreateMeetingRequest) { r.Meeting.Level = 0 }, invalid("meeting.level")},
		{"unknown level", func(r *meetingv1.CreateMeetingRequest) { r.Meeting.Level = 9 }, invalid("meeting.level")},
		{"no host", func(r *meetingv1.CreateMeetingRequest) { r.Meeting.HostForce = "" }, invalid("meeting.host_force")},
		{"bad host", func(r *meetingv1.CreateMeetingRequest) { r.Meeting.HostForce = "iraqi-army" }, invalid("meeting.host_force")},
		{"attendee not a person", func(r *meetingv1.CreateMeetingRequest) { r.Meeting.Attendees[1].Person = brigade }, invalid("meeting.attendees[1].person")},
		{"attendee without force", func(r *meetingv1.CreateMeetingRequest) { r.Meeting.Attendees[0].Force = "" }, invalid("meeting.attendees[0].force")},
		{"attendee for the other force", func(r *meetingv1.CreateMeetingRequest) { r.Meeting.Attendees[2].Force = pesh }, invalid("meeting.attendees[2].force")},
		{"attendee twice", func(r *meetingv1.CreateMeetingRequest) {
			r.Meeting.Attendees = append(r.Meeting.Attendees, proto.Clone(r.Meeting.Attendees[0]).(*meetingv1.Attendee))
		}, invalid("meeting.attendees[4].person")},
		{"agenda item without title", func(r *meetingv1.CreateMeetingRequest) { r.Meeting.AgendaItems[0].Title = "" }, invalid("meeting.agenda_items[0].title")},
		{"long outcome", func(r *meetingv1.CreateMeetingRequest) { r.Meeting.Outcome = strings.Repeat("x", 10001) }, invalid("meeting.outcome")},
		{"bad meeting_id", func(r *meetingv1.CreateMeetingRequest) { r.MeetingId = "Makhmour_2021" }, invalid("meeting_id")},
		{"bad request_id", func(r *meetingv1.CreateMeetingRequest) { r.RequestId = "a b" }, invalid("request_id")},
	}
	e := newEnv(t)
	for _, tt := range tests {
		req := &meetingv1.CreateMeetingRequest{Meeting: makhmour()}
		tt.modify(req)
		_, err := e.client.CreateMeeting(testCtx(t), req)
		if got := failureOf(t, err); !got.equal(tt.want) {
			t.Errorf("%s: %+v, want %+v (%v)", tt.name, got, tt.want, err)
		}
		if calls := e.dir.Calls(); len(calls) != 0 {
			t.Errorf("%s: a request refused on its form called the directory: %+v", tt.name, calls)
		}
	}
	if got := e.stored(t); got != [3]int64{} {
		t.Errorf("stored %v after refused creates, want nothing", got)
	}
}

// TestCreateMeetingBadAttendees: the forces service does not know a person, or knows them
// in another force than the one claimed: one violation per bad entry, nothing stored.
func TestCreateMeetingBadAttendees(t *testing.T) {
	e := newEnv(t)
	in := makhmour()
	in.Attendees[1].Person = "forces/iraqi-army/people/abdul-amir-al-shimmari" // misspelt: unknown
	in.Attendees[3].Person = "forces/iraqi-army/people/mosul-operations-commander"
	e.dir.people = func(ctx context.Context, names []string) (map[string]domain.Member, []string, error) {
		found, missing, err := lookupKnown(ctx, names)
		// The forces service says the Nineveh commander belongs elsewhere than claimed.
		found[ninevehCmdr] = domain.Member{Name: ninevehCmdr, Force: "forces/federal-police"}
		return found, missing, err
	}
	_, err := e.client.CreateMeeting(testCtx(t), &meetingv1.CreateMeetingRequest{Meeting: in, RequestId: "bad-attendees"})
	want := invalid("meeting.attendees[1].person", "meeting.attendees[2].force", "meeting.attendees[3].person")
	if got := failureOf(t, err); !got.equal(want) {
		t.Errorf("CreateMeeting: %+v, want %+v (%v)", got, want, err)
	}
	if got := e.stored(t); got != [3]int64{} {
		t.Errorf("stored %v, want nothing", got)
	}
	if calls := e.dir.Calls(); len(calls) != 1 {
		t.Errorf("directory calls = %+v, want one", calls)
	}
}

func TestCreateMeetingForcesDown(t *testing.T) {
	down := func(context.Context, []string) (map[string]domain.Member, []string, error) {
		return nil, nil, apperr.Unavailable(forcesService, errors.New("dial tcp 127.0.0.1:7002: connection refused"))
	}
	failing := func(context.Context, []string) (map[string]domain.Member, []string, error) {
		return nil, nil, errors.New("unexpected answer")
	}
	tests := []struct {
		name   string
		people func(context.Context, []string) (map[string]domain.Member, []string, error)
		want   failure
	}{
		{"unavailable", down, failure{Code: codes.Unavailable, Reason: "DEPENDENCY_UNAVAILABLE"}},
		{"other failure", failing, failure{Code: codes.Internal, Reason: "INTERNAL"}},
	}
	for _, tt := range tests {
		e := newEnv(t)
		e.dir.people = tt.people
		_, err := e.client.CreateMeeting(testCtx(t), &meetingv1.CreateMeetingRequest{Meeting: makhmour()})
		if got := failureOf(t, err); !got.equal(tt.want) {
			t.Errorf("%s: %+v, want %+v (%v)", tt.name, got, tt.want, err)
		}
		if strings.Contains(err.Error(), "127.0.0.1") || strings.Contains(err.Error(), "unexpected answer") {
			t.Errorf("%s: internal detail sent to the caller: %v", tt.name, err)
		}
		if got := e.stored(t); got != [3]int64{} {
			t.Errorf("%s: stored %v, want nothing", tt.name, got)
		}
	}
}

// TestCreateMeetingSlowForces: a forces service that never answers makes the call fail
// within the lookup timeout (UNAVAILABLE) or within the caller's own deadline, whichever
// comes first, and nothing is stored.
func TestCreateMeetingSlowForces(t *testing.T) {
	tests := []struct {
		name          string
		lookupTimeout time.Duration
		callerTimeout time.Duration
		want          codes.Code
	}{
		{"lookup timeout first", 200 * time.Millisecond, 10 * time.Second, codes.Unavailable},
		{"caller deadline first", 3 * time.Second, 300 * time.Millisecond, codes.DeadlineExceeded},
	}
	for _, tt := range tests {
		e := newEnv(t)
		e.h.lookupTimeout = tt.lookupTimeout
		e.dir.people = func(ctx context.Context, _ []string) (map[string]domain.Member, []string, error) {
			<-ctx.Done()
			return nil, nil, ctx.Err()
		}
		ctx, cancel := context.WithTimeout(context.Background(), tt.callerTimeout)
		began := time.Now()
		_, err := e.client.CreateMeeting(ctx, &meetingv1.CreateMeetingRequest{Meeting: makhmour()})
		took := time.Since(began)
		cancel()
		limit := min(tt.lookupTimeout, tt.callerTimeout)
		if got := failureOf(t, err).Code; got != tt.want || took > limit+time.Second {
			t.Errorf("%s: %v after %v, want %v within %v", tt.name, err, took, tt.want, limit)
		}
		// The server may still be finishing after the caller gave up; it must store nothing.
		time.Sleep(tt.lookupTimeout - min(took, tt.lookupTimeout) + 100*time.Millisecond)
		if got := e.stored(t); got != [3]int64{} {
			t.Errorf("%s: stored %v, want nothing", tt.name, got)
		}
	}
}
