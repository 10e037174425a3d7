package handler

import (
	"context"
	"fmt"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/authtest"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/store/storetest"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

// outsider is a force that attends none of the test meetings.
const outsider = "forces/federal-police"

// authzEnv is the service behind the production authenticator and audit trail, with the
// fake directory.
type authzEnv struct {
	*authtest.Server
	c meetingv1.MeetingServiceClient
}

func newAuthzEnv(t *testing.T) *authzEnv {
	t.Helper()
	db := storetest.DB(t)
	s := meetingstore.New(db)
	t.Cleanup(func() {
		ctx := context.Background()
		s.Meetings.Close(ctx)
		s.Decisions.Close(ctx)
		s.ActionItems.Close(ctx)
	})
	srv := authtest.Serve(t, "meeting", db, func(g *grpc.Server) {
		New(s, &fakeDirectory{}, pagetoken.New("test-secret")).Register(g)
	})
	return &authzEnv{Server: srv, c: meetingv1.NewMeetingServiceClient(srv.Conn)}
}

// hostedBy is the Makhmour meeting hosted by force; both forces attend.
func hostedBy(force string) *meetingv1.Meeting {
	m := makhmour()
	m.HostForce = force
	return m
}

// setUp makes, as an operator of host, the records the mutations act on: meetings in each
// state, decisions and action items. It returns the names of what it made, by id.
func (e *authzEnv) setUp(t *testing.T, host string) map[string]string {
	t.Helper()
	ctx := e.As(t, testCtx(t), authtest.Operator(host))
	made := map[string]string{}
	for _, id := range []string{"to-update", "to-hold", "to-cancel", "to-close", "decided"} {
		resp, err := e.c.CreateMeeting(ctx, &meetingv1.CreateMeetingRequest{Meeting: hostedBy(host), MeetingId: id})
		if err != nil {
			t.Fatalf("CreateMeeting(%s): %v", id, err)
		}
		made[id] = resp.GetMeeting().GetName()
	}
	for _, id := range []string{"to-close", "decided"} {
		if _, err := e.c.HoldMeeting(ctx, &meetingv1.HoldMeetingRequest{Name: made[id]}); err != nil {
			t.Fatalf("HoldMeeting(%s): %v", id, err)
		}
	}
	for _, id := range []string{"to-acknowledge", "assigning"} {
		resp, err := e.c.CreateDecision(ctx, &meetingv1.CreateDecisionRequest{Parent: made["decided"], DecisionId: id, Decision: jointDeployment()})
		if err != nil {
			t.Fatalf("CreateDecision(%s): %v", id, err)
		}
		made[id] = resp.GetDecision().GetName()
	}
	for _, id := range []string{"item-to-update", "item-to-note"} {
		resp, err := e.c.CreateActionItem(ctx, &meetingv1.CreateActionItemRequest{Parent: made["assigning"], ActionItemId: id,
			ActionItem: &meetingv1.ActionItem{Title: "Man the Qarachogh checkpoints", Owner: pesh}})
		if err != nil {
			t.Fatalf("CreateActionItem(%s): %v", id, err)
		}
		made[id] = resp.GetActionItem().GetName()
	}
	return made
}

// etagOf reads back an etag with get, or authtest.Absent.
func etagOf[R interface{ GetEtag() string }](get func(ctx context.Context) (R, error)) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		r, err := get(ctx)
		if status.Code(err) == codes.NotFound {
			return authtest.Absent, nil
		}
		if err != nil {
			return "", err
		}
		return r.GetEtag(), nil
	}
}

func (e *authzEnv) meetingEtag(name string) func(context.Context) (string, error) {
	return etagOf(func(ctx context.Context) (*meetingv1.Meeting, error) {
		r, err := e.c.GetMeeting(ctx, &meetingv1.GetMeetingRequest{Name: name})
		return r.GetMeeting(), err
	})
}

func (e *authzEnv) decisionEtag(name string) func(context.Context) (string, error) {
	return etagOf(func(ctx context.Context) (*meetingv1.Decision, error) {
		r, err := e.c.GetDecision(ctx, &meetingv1.GetDecisionRequest{Name: name})
		return r.GetDecision(), err
	})
}

func (e *authzEnv) itemEtag(name string) func(context.Context) (string, error) {
	return etagOf(func(ctx context.Context) (*meetingv1.ActionItem, error) {
		r, err := e.c.GetActionItem(ctx, &meetingv1.GetActionItemRequest{Name: name})
		return r.GetActionItem(), err
	})
}

// TestEveryMutationIsHeldToItsRules tries every mutating RPC, on records hosted by each
// force, as every caller who must be refused and then as those who may. The host force
// owns meetings, their decisions and action items; the attending forces acknowledge
// decisions and report progress on action items, each for itself.
func TestEveryMutationIsHeldToItsRules(t *testing.T) {
	const svc = "/tansiq.meeting.v1.MeetingService/"
	for _, host := range []string{army, pesh} {
		t.Run(host, func(t *testing.T) {
			e := newAuthzEnv(t)
			made := e.setUp(t, host)
			guest := authtest.OtherForce(host)
			// Joint records: each attending force acts for itself; an outsider, a viewer
			// and a service act for none.
			joint := func(outsiderReason string) []authtest.Attempt {
				return append([]authtest.Attempt{
					e.Refused(t, authtest.Operator(outsider), outsiderReason),
					e.Refused(t, authtest.Viewer(guest), auth.ReasonReadOnlyRole),
					e.Refused(t, authtest.Viewer(host), auth.ReasonReadOnlyRole),
					e.Refused(t, authtest.Service(), auth.ReasonReadOnlyRole),
				}, append(e.Unauthenticated(t, authtest.Operator(guest)),
					e.Allowed(t, authtest.Operator(guest)), e.Allowed(t, authtest.Operator(host)))...)
			}
			tests := []authtest.Mutation{
				{Method: svc + "CreateMeeting", Owner: host, State: e.meetingEtag("meetings/new-meeting"),
					Call: func(ctx context.Context) error {
						_, err := e.c.CreateMeeting(ctx, &meetingv1.CreateMeetingRequest{Meeting: hostedBy(host), MeetingId: "new-meeting", RequestId: "create-meeting"})
						return err
					}},
				{Method: svc + "UpdateMeeting", Owner: host, State: e.meetingEtag(made["to-update"]),
					Call: func(ctx context.Context) error {
						_, err := e.c.UpdateMeeting(ctx, &meetingv1.UpdateMeetingRequest{
							Meeting:    &meetingv1.Meeting{Name: made["to-update"], Title: "Makhmour coordination, second session"},
							UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"title"}}})
						return err
					}},
				{Method: svc + "HoldMeeting", Owner: host, State: e.meetingEtag(made["to-hold"]),
					Call: func(ctx context.Context) error {
						_, err := e.c.HoldMeeting(ctx, &meetingv1.HoldMeetingRequest{Name: made["to-hold"], RequestId: "hold"})
						return err
					}},
				{Method: svc + "CancelMeeting", Owner: host, State: e.meetingEtag(made["to-cancel"]),
					Call: func(ctx context.Context) error {
						_, err := e.c.CancelMeeting(ctx, &meetingv1.CancelMeetingRequest{Name: made["to-cancel"], Reason: "postponed"})
						return err
					}},
				{Method: svc + "CloseMeeting", Owner: host, State: e.meetingEtag(made["to-close"]),
					Call: func(ctx context.Context) error {
						_, err := e.c.CloseMeeting(ctx, &meetingv1.CloseMeetingRequest{Name: made["to-close"]})
						return err
					}},
				{Method: svc + "CreateDecision", Owner: host, State: e.decisionEtag(made["decided"] + "/decisions/new-decision"),
					Call: func(ctx context.Context) error {
						_, err := e.c.CreateDecision(ctx, &meetingv1.CreateDecisionRequest{Parent: made["decided"], DecisionId: "new-decision",
							Decision: jointDeployment(), RequestId: "create-decision"})
						return err
					}},
				{Method: svc + "AcknowledgeDecision", Owner: host, State: e.decisionEtag(made["to-acknowledge"]),
					Attempts: joint("NOT_A_REQUIRED_FORCE"),
					Call: func(ctx context.Context) error {
						_, err := e.c.AcknowledgeDecision(ctx, &meetingv1.AcknowledgeDecisionRequest{Name: made["to-acknowledge"]})
						return err
					}},
				{Method: svc + "CreateActionItem", Owner: host, State: e.itemEtag(made["assigning"] + "/actionItems/new-item"),
					Call: func(ctx context.Context) error {
						_, err := e.c.CreateActionItem(ctx, &meetingv1.CreateActionItemRequest{Parent: made["assigning"], ActionItemId: "new-item",
							ActionItem: &meetingv1.ActionItem{Title: "Share patrol schedules", Owner: army}})
						return err
					}},
				{Method: svc + "UpdateActionItem", Owner: host, State: e.itemEtag(made["item-to-update"]),
					Call: func(ctx context.Context) error {
						_, err := e.c.UpdateActionItem(ctx, &meetingv1.UpdateActionItemRequest{
							ActionItem: &meetingv1.ActionItem{Name: made["item-to-update"], Title: "Man the Qarachogh checkpoints by night"},
							UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"title"}}})
						return err
					}},
				{Method: svc + "AddActionItemUpdate", Owner: host, State: e.itemEtag(made["item-to-note"]),
					Attempts: joint(auth.ReasonOtherForce),
					Call: func(ctx context.Context) error {
						_, err := e.c.AddActionItemUpdate(ctx, &meetingv1.AddActionItemUpdateRequest{Name: made["item-to-note"], Note: "Two checkpoints manned"})
						return err
					}},
			}
			for _, m := range tests {
				t.Run(m.Method[len(svc):], func(t *testing.T) { e.CheckMutation(t, m) })
			}
		})
	}
}

// TestAForceAcknowledgesOnlyForItself: each acknowledgement is recorded for the caller's
// own force, whoever else has or has not acknowledged; the decision binds only once both
// have, each with its own token.
func TestAForceAcknowledgesOnlyForItself(t *testing.T) {
	e := newAuthzEnv(t)
	made := e.setUp(t, army)
	name := made["to-acknowledge"]
	steps := []struct {
		caller      auth.Identity
		wantAcks    string // the forces that acknowledged, by whom
		wantBinding bool
	}{
		{authtest.Operator(army), "[forces/iraqi-army by forces/iraqi-army/people/authtest-operator]", false},
		// The army again, by another person: the first acknowledgement stands.
		{authtest.Commander(army), "[forces/iraqi-army by forces/iraqi-army/people/authtest-operator]", false},
		{authtest.Operator(pesh), "[forces/iraqi-army by forces/iraqi-army/people/authtest-operator forces/peshmerga by forces/peshmerga/people/authtest-operator]", true},
	}
	for _, s := range steps {
		resp, err := e.c.AcknowledgeDecision(e.As(t, testCtx(t), s.caller), &meetingv1.AcknowledgeDecisionRequest{Name: name})
		if err != nil {
			t.Fatalf("acknowledge as %s: %v", s.caller.Subject, err)
		}
		d := resp.GetDecision()
		var acks []string
		for _, a := range d.GetAcknowledgements() {
			acks = append(acks, a.GetForce()+" by "+a.GetPerson())
		}
		if got := fmt.Sprint(acks); got != s.wantAcks || d.GetBinding() != s.wantBinding {
			t.Errorf("after %s: acknowledgements %s, binding %v; want %s, %v", s.caller.Subject, got, d.GetBinding(), s.wantAcks, s.wantBinding)
		}
	}
}

// TestRefusedBeforeEtagAndState: a caller who may not change a meeting is told so
// whatever etag it sends and whatever state the meeting is in; the owner, with the same
// request, gets the answer the etag or state calls for.
func TestRefusedBeforeEtagAndState(t *testing.T) {
	e := newAuthzEnv(t)
	made := e.setUp(t, army)
	owner := e.As(t, testCtx(t), authtest.Operator(army))
	other := e.As(t, testCtx(t), authtest.Operator(pesh))
	tests := []struct {
		name      string
		call      func(ctx context.Context) error
		wantOwner codes.Code
	}{
		{"stale etag", func(ctx context.Context) error {
			_, err := e.c.HoldMeeting(ctx, &meetingv1.HoldMeetingRequest{Name: made["to-hold"], Etag: "stale"})
			return err
		}, codes.Aborted},
		{"meeting not held", func(ctx context.Context) error {
			_, err := e.c.CloseMeeting(ctx, &meetingv1.CloseMeetingRequest{Name: made["to-update"]})
			return err
		}, codes.FailedPrecondition},
		{"meeting not held, for a decision", func(ctx context.Context) error {
			_, err := e.c.CreateDecision(ctx, &meetingv1.CreateDecisionRequest{Parent: made["to-update"], Decision: jointDeployment()})
			return err
		}, codes.FailedPrecondition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := status.Code(tt.call(other)); got != codes.PermissionDenied {
				t.Errorf("other force: got %v, want PermissionDenied", got)
			}
			if got := status.Code(tt.call(owner)); got != tt.wantOwner {
				t.Errorf("owner: got %v, want %v", got, tt.wantOwner)
			}
		})
	}
}

// TestRetryOfAnotherForcesRequestIsRefused: replaying, with its request_id, a request the
// host force made is refused rather than answered as a retry.
func TestRetryOfAnotherForcesRequestIsRefused(t *testing.T) {
	e := newAuthzEnv(t)
	made := e.setUp(t, army)
	hold := &meetingv1.HoldMeetingRequest{Name: made["to-hold"], RequestId: "army-hold"}
	decide := &meetingv1.CreateDecisionRequest{Parent: made["decided"], DecisionId: "replayed", Decision: jointDeployment(), RequestId: "army-decision"}
	calls := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"HoldMeeting", func(ctx context.Context) error { _, err := e.c.HoldMeeting(ctx, hold); return err }},
		{"CreateDecision", func(ctx context.Context) error { _, err := e.c.CreateDecision(ctx, decide); return err }},
	}
	callers := []struct {
		caller auth.Identity
		want   codes.Code
	}{
		{authtest.Operator(pesh), codes.PermissionDenied},
		{authtest.Viewer(army), codes.PermissionDenied},
		{authtest.Operator(army), codes.OK},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(e.As(t, testCtx(t), authtest.Operator(army))); err != nil {
				t.Fatal(err)
			}
			for _, tt := range callers {
				if got := status.Code(c.call(e.As(t, testCtx(t), tt.caller))); got != tt.want {
					t.Errorf("retry as %s: got %v, want %v", tt.caller.Subject, got, tt.want)
				}
			}
		})
	}
}

// TestEveryoneAuthenticatedReads: both forces see every meeting, decision and action item,
// viewers included; a caller without a token sees nothing.
func TestEveryoneAuthenticatedReads(t *testing.T) {
	e := newAuthzEnv(t)
	made := e.setUp(t, army)
	tests := []struct {
		caller string
		ctx    context.Context
		want   codes.Code
	}{
		{"operator of the other force", e.As(t, testCtx(t), authtest.Operator(pesh)), codes.OK},
		{"viewer of an outside force", e.As(t, testCtx(t), authtest.Viewer(outsider)), codes.OK},
		{"service", e.As(t, testCtx(t), authtest.Service()), codes.OK},
		{"no token", testCtx(t), codes.Unauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.caller, func(t *testing.T) {
			_, getErr := e.c.GetDecision(tt.ctx, &meetingv1.GetDecisionRequest{Name: made["to-acknowledge"]})
			meetings, listErr := e.c.ListMeetings(tt.ctx, &meetingv1.ListMeetingsRequest{})
			items, itemsErr := e.c.ListActionItems(tt.ctx, &meetingv1.ListActionItemsRequest{Parent: made["assigning"]})
			for _, err := range []error{getErr, listErr, itemsErr} {
				if status.Code(err) != tt.want {
					t.Fatalf("got %v, want %v", err, tt.want)
				}
			}
			if tt.want == codes.OK && (len(meetings.GetMeetings()) != 5 || len(items.GetActionItems()) != 2) {
				t.Errorf("listed %d meetings and %d action items, want 5 and 2", len(meetings.GetMeetings()), len(items.GetActionItems()))
			}
		})
	}
}
