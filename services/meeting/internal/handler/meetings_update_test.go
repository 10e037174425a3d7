package handler

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/apperr"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

func mask(paths ...string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: paths} }

func TestStateMoves(t *testing.T) {
	type step struct {
		do   string
		want failure
	}
	state := meetingv1.MeetingState_name
	tests := []struct {
		name      string
		steps     []step
		wantState meetingv1.MeetingState
	}{
		{"hold then close", []step{{"hold", failure{}}, {"close", failure{}}}, meetingv1.MeetingState_MEETING_STATE_CLOSED},
		{"cancel", []step{{"cancel", failure{}}}, meetingv1.MeetingState_MEETING_STATE_CANCELLED},
		{"close a scheduled meeting", []step{{"close", failure{Code: codes.FailedPrecondition, Reason: "WRONG_STATE"}}},
			meetingv1.MeetingState_MEETING_STATE_SCHEDULED},
		{"cancel a held meeting", []step{{"hold", failure{}}, {"cancel", failure{Code: codes.FailedPrecondition, Reason: "WRONG_STATE"}}},
			meetingv1.MeetingState_MEETING_STATE_HELD},
		{"hold twice", []step{{"hold", failure{}}, {"hold", failure{Code: codes.FailedPrecondition, Reason: "WRONG_STATE"}}},
			meetingv1.MeetingState_MEETING_STATE_HELD},
		{"hold a cancelled meeting", []step{{"cancel", failure{}}, {"hold", failure{Code: codes.FailedPrecondition, Reason: "WRONG_STATE"}}},
			meetingv1.MeetingState_MEETING_STATE_CANCELLED},
	}
	e := newEnv(t)
	for i, tt := range tests {
		m := e.createMeeting(t, "meeting-"+string(rune('a'+i))+"-state", makhmour())
		for _, s := range tt.steps {
			ctx := testCtx(t)
			var err error
			switch s.do {
			case "hold":
				_, err = e.client.HoldMeeting(ctx, &meetingv1.HoldMeetingRequest{Name: m.GetName()})
			case "cancel":
				_, err = e.client.CancelMeeting(ctx, &meetingv1.CancelMeetingRequest{Name: m.GetName(), Reason: "postponed"})
			case "close":
				_, err = e.client.CloseMeeting(ctx, &meetingv1.CloseMeetingRequest{Name: m.GetName(), Reason: "statement issued"})
			}
			if got := failureOf(t, err); !got.equal(s.want) {
				t.Errorf("%s: %s: %+v, want %+v", tt.name, s.do, got, s.want)
			}
		}
		if got := e.getMeeting(t, m.GetName()).GetState(); got != tt.wantState {
			t.Errorf("%s: state %s, want %s", tt.name, state[int32(got)], state[int32(tt.wantState)])
		}
	}
}

func TestStateMoveEtagAndRetry(t *testing.T) {
	e := newEnv(t)
	ctx := testCtx(t)
	m := e.createMeeting(t, "makhmour", makhmour())
	_, err := e.client.HoldMeeting(ctx, &meetingv1.HoldMeetingRequest{Name: m.GetName(), Etag: "0123456789abcdef0123"})
	if got, want := failureOf(t, err), (failure{Code: codes.Aborted, Reason: "ETAG_MISMATCH"}); !got.equal(want) {
		t.Errorf("hold with a stale etag: %+v, want %+v", got, want)
	}
	req := &meetingv1.HoldMeetingRequest{Name: m.GetName(), Etag: m.GetEtag(), RequestId: "hold-1"}
	first, err := e.client.HoldMeeting(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	retry, err := e.client.HoldMeeting(ctx, req)
	if err != nil {
		t.Fatalf("retry of a hold: %v", err)
	}
	sameMessage(t, "retry of a hold", retry.GetMeeting(), first.GetMeeting())
}

func TestUpdateMeeting(t *testing.T) {
	e := newEnv(t)
	ctx := testCtx(t)
	stored := e.createMeeting(t, "makhmour", makhmour())
	e.dir.Calls()

	patch := proto.Clone(stored).(*meetingv1.Meeting)
	patch.Outcome = "The JOC described the meeting as high-level."
	patch.Attendees = append(patch.Attendees, &meetingv1.Attendee{Person: sirwan, Force: pesh, Role: "Makhmour front commander"})
	patch.Title = "not in the mask"
	resp, err := e.client.UpdateMeeting(ctx, &meetingv1.UpdateMeetingRequest{Meeting: patch, UpdateMask: mask("outcome", "attendees")})
	if err != nil {
		t.Fatal(err)
	}
	want := proto.Clone(stored).(*meetingv1.Meeting)
	want.Outcome, want.Attendees = patch.Outcome, patch.Attendees
	want.Etag, want.UpdateTime = resp.GetMeeting().GetEtag(), resp.GetMeeting().GetUpdateTime()
	sameMessage(t, "UpdateMeeting", resp.GetMeeting(), want)
	if calls := e.dir.Calls(); len(calls) != 1 || len(calls[0].Names) != 5 {
		t.Errorf("directory calls = %+v, want one call naming the five attendees", calls)
	}
	// An update without attendees asks the forces service nothing.
	patch = proto.Clone(resp.GetMeeting()).(*meetingv1.Meeting)
	patch.Title = "High-level security meeting in Makhmour"
	if _, err := e.client.UpdateMeeting(ctx, &meetingv1.UpdateMeetingRequest{Meeting: patch, UpdateMask: mask("title")}); err != nil {
		t.Fatal(err)
	}
	if calls := e.dir.Calls(); len(calls) != 0 {
		t.Errorf("directory calls = %+v, want none", calls)
	}
}

func TestUpdateMeetingRefusals(t *testing.T) {
	e := newEnv(t)
	stored := e.createMeeting(t, "makhmour", makhmour())
	cancelled := e.createMeeting(t, "kirkuk", makhmour())
	if _, err := e.client.CancelMeeting(testCtx(t), &meetingv1.CancelMeetingRequest{Name: cancelled.GetName()}); err != nil {
		t.Fatal(err)
	}
	cancelled = e.getMeeting(t, cancelled.GetName())
	with := func(change func(*meetingv1.Meeting)) *meetingv1.Meeting {
		m := proto.Clone(stored).(*meetingv1.Meeting)
		change(m)
		return m
	}
	tests := []struct {
		name   string
		req    *meetingv1.UpdateMeetingRequest
		people func(context.Context, []string) (map[string]domain.Member, []string, error)
		want   failure
	}{
		{"stale etag", &meetingv1.UpdateMeetingRequest{
			Meeting: with(func(m *meetingv1.Meeting) { m.Title, m.Etag = "new", "0123456789abcdef0123" }), UpdateMask: mask("title")},
			nil, failure{Code: codes.Aborted, Reason: "ETAG_MISMATCH"}},
		{"host force", &meetingv1.UpdateMeetingRequest{Meeting: stored, UpdateMask: mask("host_force")}, nil, invalid("update_mask.paths[0]")},
		{"state", &meetingv1.UpdateMeetingRequest{Meeting: stored, UpdateMask: mask("state")}, nil, invalid("update_mask.paths[0]")},
		{"no mask", &meetingv1.UpdateMeetingRequest{Meeting: stored}, nil, invalid("update_mask")},
		{"end before stored start", &meetingv1.UpdateMeetingRequest{
			Meeting: with(func(m *meetingv1.Meeting) { m.EndTime = timestamppb.New(m.GetStartTime().AsTime().Add(-time.Hour)) }), UpdateMask: mask("end_time")},
			nil, invalid("meeting.end_time")},
		{"unknown attendee", &meetingv1.UpdateMeetingRequest{
			Meeting: with(func(m *meetingv1.Meeting) { m.Attendees[0].Person = "forces/peshmerga/people/nobody-known" }), UpdateMask: mask("attendees")},
			nil, invalid("meeting.attendees[0].person")},
		{"attendees with forces down", &meetingv1.UpdateMeetingRequest{Meeting: stored, UpdateMask: mask("attendees")},
			func(context.Context, []string) (map[string]domain.Member, []string, error) {
				return nil, nil, apperr.Unavailable(forcesService, errors.New("down"))
			}, failure{Code: codes.Unavailable, Reason: "DEPENDENCY_UNAVAILABLE"}},
		{"cancelled meeting", &meetingv1.UpdateMeetingRequest{
			Meeting: with(func(m *meetingv1.Meeting) { m.Name, m.Etag = cancelled.GetName(), "" }), UpdateMask: mask("title")},
			nil, failure{Code: codes.FailedPrecondition, Reason: "MEETING_FINAL"}},
		{"unknown meeting", &meetingv1.UpdateMeetingRequest{
			Meeting: with(func(m *meetingv1.Meeting) { m.Name = "meetings/sinjar" }), UpdateMask: mask("title")},
			nil, failure{Code: codes.NotFound, Reason: "RESOURCE_NOT_FOUND"}},
	}
	for _, tt := range tests {
		e.dir.people = tt.people
		_, err := e.client.UpdateMeeting(testCtx(t), tt.req)
		if got := failureOf(t, err); !got.equal(tt.want) {
			t.Errorf("%s: %+v, want %+v (%v)", tt.name, got, tt.want, err)
		}
		sameMessage(t, tt.name+": stored afterwards", e.getMeeting(t, stored.GetName()), stored)
		sameMessage(t, tt.name+": cancelled afterwards", e.getMeeting(t, cancelled.GetName()), cancelled)
	}
}
