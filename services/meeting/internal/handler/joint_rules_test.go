package handler

import (
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tansiq/tansiq/platform/authtest"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
)

// TestOnlyTheOwnerForceMarksDoneAndReopens repeats the attack of issue 13, row 2: the
// Peshmerga marked an action item the Iraqi army owns done, and the army could not undo it.
func TestOnlyTheOwnerForceMarksDoneAndReopens(t *testing.T) {
	e := newAuthzEnv(t)
	made := e.setUp(t, army)
	ctx := e.As(t, testCtx(t), authtest.Operator(army))
	resp, err := e.c.CreateActionItem(ctx, &meetingv1.CreateActionItemRequest{Parent: made["assigning"], ActionItemId: "army-item",
		ActionItem: &meetingv1.ActionItem{Title: "Share patrol schedules", Owner: army}})
	if err != nil {
		t.Fatal(err)
	}
	name := resp.GetActionItem().GetName()
	steps := []struct {
		who        string
		markDone   bool
		reopen     bool
		wantCode   codes.Code
		wantStatus meetingv1.ActionItemStatus
	}{
		{who: "peshmerga marks done", markDone: true, wantCode: codes.PermissionDenied, wantStatus: meetingv1.ActionItemStatus_ACTION_ITEM_STATUS_OPEN},
		{who: "peshmerga adds a note", wantCode: codes.OK, wantStatus: meetingv1.ActionItemStatus_ACTION_ITEM_STATUS_OPEN},
		{who: "army marks done", markDone: true, wantCode: codes.OK, wantStatus: meetingv1.ActionItemStatus_ACTION_ITEM_STATUS_DONE},
		{who: "peshmerga reopens", reopen: true, wantCode: codes.PermissionDenied, wantStatus: meetingv1.ActionItemStatus_ACTION_ITEM_STATUS_DONE},
		{who: "army reopens", reopen: true, wantCode: codes.OK, wantStatus: meetingv1.ActionItemStatus_ACTION_ITEM_STATUS_OPEN},
	}
	for _, s := range steps {
		caller := authtest.Operator(army)
		if s.who[:9] == "peshmerga" {
			caller = authtest.Operator(pesh)
		}
		_, err := e.c.AddActionItemUpdate(e.As(t, testCtx(t), caller), &meetingv1.AddActionItemUpdateRequest{
			Name: name, Note: s.who, MarkDone: s.markDone, Reopen: s.reopen})
		if got := status.Code(err); got != s.wantCode {
			t.Fatalf("%s: got %v, want %v", s.who, err, s.wantCode)
		}
		got, err := e.c.GetActionItem(ctx, &meetingv1.GetActionItemRequest{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		if got.GetActionItem().GetStatus() != s.wantStatus {
			t.Fatalf("after %s: status %v, want %v", s.who, got.GetActionItem().GetStatus(), s.wantStatus)
		}
	}
}

// TestHeldMeetingsAttendeesAreFrozen repeats issue 13, row 3, first half: the host force
// removed the other force from a meeting already held.
func TestHeldMeetingsAttendeesAreFrozen(t *testing.T) {
	e := newAuthzEnv(t)
	made := e.setUp(t, army)
	ctx := e.As(t, testCtx(t), authtest.Operator(army))
	update := func(name string) error {
		_, err := e.c.UpdateMeeting(ctx, &meetingv1.UpdateMeetingRequest{
			Meeting:    &meetingv1.Meeting{Name: name, Attendees: []*meetingv1.Attendee{{Person: shammari, Force: army, Role: "chair"}}},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"attendees"}}})
		return err
	}
	if err := update(made["decided"]); status.Code(err) != codes.FailedPrecondition {
		t.Fatalf("attendees of a held meeting: got %v, want FailedPrecondition", err)
	}
	got, err := e.c.GetMeeting(ctx, &meetingv1.GetMeetingRequest{Name: made["decided"]})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(got.GetMeeting().GetAttendingForces()); n != 2 {
		t.Errorf("held meeting has %d attending forces after the refused change, want 2", n)
	}
	if err := update(made["to-update"]); err != nil {
		t.Errorf("attendees of a scheduled meeting: %v", err)
	}
}

// TestJointDecisionNeedsEveryNamedForce repeats issue 13, row 3, second half: a decision
// naming the other force's unit at a meeting that force did not attend bound at once.
func TestJointDecisionNeedsEveryNamedForce(t *testing.T) {
	e := newAuthzEnv(t)
	ctx := e.As(t, testCtx(t), authtest.Operator(army))
	alone := hostedBy(army)
	alone.Attendees = []*meetingv1.Attendee{{Person: shammari, Force: army, Role: "chair"}}
	m, err := e.c.CreateMeeting(ctx, &meetingv1.CreateMeetingRequest{Meeting: alone, MeetingId: "army-alone"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.HoldMeeting(ctx, &meetingv1.HoldMeetingRequest{Name: m.GetMeeting().GetName()}); err != nil {
		t.Fatal(err)
	}
	dec := jointDeployment()
	dec.Units = []string{brigade, front}
	d, err := e.c.CreateDecision(ctx, &meetingv1.CreateDecisionRequest{Parent: m.GetMeeting().GetName(), DecisionId: "deploy", Decision: dec})
	if err != nil {
		t.Fatal(err)
	}
	ack, err := e.c.AcknowledgeDecision(ctx, &meetingv1.AcknowledgeDecisionRequest{Name: d.GetDecision().GetName()})
	if err != nil {
		t.Fatal(err)
	}
	if ack.GetDecision().GetBinding() {
		t.Fatalf("binding on the host's acknowledgement alone; required forces %v", ack.GetDecision().GetRequiredForces())
	}
	ack, err = e.c.AcknowledgeDecision(e.As(t, testCtx(t), authtest.Operator(pesh)), &meetingv1.AcknowledgeDecisionRequest{Name: d.GetDecision().GetName()})
	if err != nil {
		t.Fatalf("the named force acknowledges: %v", err)
	}
	if !ack.GetDecision().GetBinding() {
		t.Errorf("not binding once both named forces acknowledged")
	}
}
