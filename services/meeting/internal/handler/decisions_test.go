package handler

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/store"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

func TestCreateDecision(t *testing.T) {
	e := newEnv(t)
	m := e.heldMeeting(t, "makhmour")
	e.dir.Calls()
	in := jointDeployment()
	got := e.createDecision(t, m.GetName(), "joint-deployment", in)

	want := proto.Clone(in).(*meetingv1.Decision)
	want.Name = "meetings/makhmour/decisions/joint-deployment"
	want.RequiredForces = []string{army, pesh}
	want.CreateTime, want.UpdateTime, want.Etag = got.GetCreateTime(), got.GetUpdateTime(), got.GetEtag()
	sameMessage(t, "CreateDecision", got, want)
	if calls := e.dir.Calls(); len(calls) != 1 || calls[0].Method != "Units" || !slices.Equal(calls[0].Names, in.GetUnits()) {
		t.Errorf("directory calls = %+v, want one Units call naming the decision's units", calls)
	}
	resp, err := e.client.GetDecision(testCtx(t), &meetingv1.GetDecisionRequest{Name: got.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	sameMessage(t, "GetDecision", resp.GetDecision(), got)
}

func TestCreateDecisionRefusals(t *testing.T) {
	e := newEnv(t)
	held := e.heldMeeting(t, "makhmour")
	scheduled := e.createMeeting(t, "sinjar", makhmour())
	e.dir.Calls()
	down := func(context.Context, []string) (map[string]domain.Member, []string, error) {
		return nil, nil, apperr.Unavailable(forcesService, errors.New("down"))
	}
	tests := []struct {
		name   string
		req    *meetingv1.CreateDecisionRequest
		units  func(context.Context, []string) (map[string]domain.Member, []string, error)
		want   failure
		lookup bool
	}{
		{"scheduled meeting", &meetingv1.CreateDecisionRequest{Parent: scheduled.GetName(), Decision: jointDeployment()}, nil,
			failure{Code: codes.FailedPrecondition, Reason: "WRONG_STATE"}, false},
		{"unknown meeting", &meetingv1.CreateDecisionRequest{Parent: "meetings/kirkuk", Decision: jointDeployment()}, nil,
			failure{Code: codes.NotFound, Reason: "RESOURCE_NOT_FOUND"}, false},
		{"unknown unit", &meetingv1.CreateDecisionRequest{Parent: held.GetName(), Decision: func() *meetingv1.Decision {
			d := jointDeployment()
			d.Units = append(d.Units, "forces/peshmerga/units/unit-seventy")
			return d
		}()}, nil, invalid("decision.units[2]"), true},
		{"forces down", &meetingv1.CreateDecisionRequest{Parent: held.GetName(), Decision: jointDeployment()}, down,
			failure{Code: codes.Unavailable, Reason: "DEPENDENCY_UNAVAILABLE"}, true},
		{"form", &meetingv1.CreateDecisionRequest{Parent: "makhmour", DecisionId: "X", Decision: &meetingv1.Decision{
			Kind: 42, Zones: []string{"makhmour"}, Units: []string{front, front}, Incidents: []string{"khidr-jija"}}},
			nil, invalid("parent", "decision_id", "decision.text", "decision.kind", "decision.zones[0]", "decision.units[1]", "decision.incidents[0]"), false},
		{"no kind", &meetingv1.CreateDecisionRequest{Parent: held.GetName(), Decision: &meetingv1.Decision{Text: "t"}},
			nil, invalid("decision.kind"), false},
	}
	for _, tt := range tests {
		e.dir.units = tt.units
		_, err := e.client.CreateDecision(testCtx(t), tt.req)
		if got := failureOf(t, err); !got.equal(tt.want) {
			t.Errorf("%s: %+v, want %+v (%v)", tt.name, got, tt.want, err)
		}
		if calls := e.dir.Calls(); (len(calls) > 0) != tt.lookup {
			t.Errorf("%s: directory calls %+v, want a call: %v", tt.name, calls, tt.lookup)
		}
	}
	if got := e.stored(t); got != [3]int64{2, 0, 0} {
		t.Errorf("stored %v, want the two meetings and no decision", got)
	}
}

// TestCreateDecisionRefusedWhenMeetingClosedMeanwhile: the meeting is closed while the
// forces service checks the decision's units. The rule that only a held meeting takes
// decisions is checked again inside the decisions' compare-and-swap, so nothing is stored.
func TestCreateDecisionRefusedWhenMeetingClosedMeanwhile(t *testing.T) {
	e := newEnv(t)
	m := e.heldMeeting(t, "makhmour")
	e.dir.units = func(ctx context.Context, names []string) (map[string]domain.Member, []string, error) {
		_, err := e.store.Meetings.Update(ctx, store.Change{Name: m.GetName(), Verb: "closed"},
			func(d *meetingstore.MeetingDoc) error { return d.Body.Close("") })
		if err != nil {
			t.Errorf("close: %v", err)
		}
		return lookupKnown(ctx, names)
	}
	_, err := e.client.CreateDecision(testCtx(t), &meetingv1.CreateDecisionRequest{Parent: m.GetName(), Decision: jointDeployment()})
	if got, want := failureOf(t, err), (failure{Code: codes.FailedPrecondition, Reason: "WRONG_STATE"}); !got.equal(want) {
		t.Errorf("CreateDecision on a meeting closed meanwhile: %+v, want %+v (%v)", got, want, err)
	}
	if got := e.stored(t); got != [3]int64{1, 0, 0} {
		t.Errorf("stored %v, want the meeting and no decision", got)
	}
}

func TestAcknowledgeDecision(t *testing.T) {
	e := newEnv(t)
	m := e.heldMeeting(t, "makhmour")
	d := e.createDecision(t, m.GetName(), "joint-deployment", jointDeployment())
	t1 := time.Date(2021, 12, 6, 12, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)

	ack := func(force, person, note string, at time.Time) (*meetingv1.Decision, error) {
		e.setNow(at)
		resp, err := e.client.AcknowledgeDecision(as(testCtx(t), force, person), &meetingv1.AcknowledgeDecisionRequest{Name: d.GetName(), Note: note})
		return resp.GetDecision(), err
	}
	first, err := ack(army, shammari, "", t1)
	if err != nil {
		t.Fatal(err)
	}
	if first.GetBinding() || first.GetBindingTime() != nil || len(first.GetAcknowledgements()) != 1 {
		t.Errorf("after one force: binding %v at %v with %d acknowledgements; want not binding, one", first.GetBinding(), first.GetBindingTime(), len(first.GetAcknowledgements()))
	}
	// Acknowledging again is a no-op that returns the decision unchanged, etag included.
	again, err := ack(army, shammari, "again", t2)
	if err != nil {
		t.Fatal(err)
	}
	sameMessage(t, "second acknowledgement by the same force", again, first)

	both, err := ack(pesh, jamal, "subject to the Ministry's approval of the budget", t2)
	if err != nil {
		t.Fatal(err)
	}
	want := proto.Clone(first).(*meetingv1.Decision)
	want.Acknowledgements = append(want.Acknowledgements, &meetingv1.Acknowledgement{
		Force: pesh, Person: jamal, AcknowledgeTime: timestamppb.New(t2), Note: "subject to the Ministry's approval of the budget"})
	want.Binding, want.BindingTime = true, timestamppb.New(t2)
	want.Etag, want.UpdateTime = both.GetEtag(), both.GetUpdateTime()
	sameMessage(t, "after both forces", both, want)
	if got := first.GetAcknowledgements()[0]; got.GetForce() != army || got.GetPerson() != shammari || !got.GetAcknowledgeTime().AsTime().Equal(t1) {
		t.Errorf("first acknowledgement = %v, want %s by %s at %v", got, army, shammari, t1)
	}
}

func TestAcknowledgeDecisionRefusals(t *testing.T) {
	e := newEnv(t)
	m := e.heldMeeting(t, "makhmour")
	d := e.createDecision(t, m.GetName(), "joint-deployment", jointDeployment())
	tests := []struct {
		name string
		ctx  context.Context
		req  *meetingv1.AcknowledgeDecisionRequest
		want failure
	}{
		{"force that did not attend", as(testCtx(t), "forces/federal-police", "forces/federal-police/people/someone"),
			&meetingv1.AcknowledgeDecisionRequest{Name: d.GetName()}, failure{Code: codes.PermissionDenied, Reason: "NOT_A_REQUIRED_FORCE"}},
		{"service speaking for no force", asRole(testCtx(t), "", "services/gateway", auth.RoleService),
			&meetingv1.AcknowledgeDecisionRequest{Name: d.GetName()}, failure{Code: codes.PermissionDenied, Reason: auth.ReasonReadOnlyRole}},
		{"viewer of an attending force", asRole(testCtx(t), pesh, sirwan, auth.RoleViewer),
			&meetingv1.AcknowledgeDecisionRequest{Name: d.GetName()}, failure{Code: codes.PermissionDenied, Reason: auth.ReasonReadOnlyRole}},
		{"unknown decision", as(testCtx(t), pesh, jamal),
			&meetingv1.AcknowledgeDecisionRequest{Name: m.GetName() + "/decisions/other"}, failure{Code: codes.NotFound, Reason: "RESOURCE_NOT_FOUND"}},
		{"bad name", as(testCtx(t), pesh, jamal),
			&meetingv1.AcknowledgeDecisionRequest{Name: "decisions/joint-deployment"}, invalid("name")},
	}
	for _, tt := range tests {
		_, err := e.client.AcknowledgeDecision(tt.ctx, tt.req)
		if got := failureOf(t, err); !got.equal(tt.want) {
			t.Errorf("%s: %+v, want %+v (%v)", tt.name, got, tt.want, err)
		}
	}
	resp, err := e.client.GetDecision(testCtx(t), &meetingv1.GetDecisionRequest{Name: d.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	sameMessage(t, "decision after refused acknowledgements", resp.GetDecision(), d)
}

// TestAcknowledgeAfterClose: a closed meeting's decisions no longer change, but
// acknowledgements go on.
func TestAcknowledgeAfterClose(t *testing.T) {
	e := newEnv(t)
	m := e.heldMeeting(t, "makhmour")
	d := e.createDecision(t, m.GetName(), "joint-deployment", jointDeployment())
	if _, err := e.client.CloseMeeting(testCtx(t), &meetingv1.CloseMeetingRequest{Name: m.GetName()}); err != nil {
		t.Fatal(err)
	}
	_, err := e.client.CreateDecision(testCtx(t), &meetingv1.CreateDecisionRequest{Parent: m.GetName(), Decision: jointDeployment()})
	if got, want := failureOf(t, err), (failure{Code: codes.FailedPrecondition, Reason: "WRONG_STATE"}); !got.equal(want) {
		t.Errorf("decision on a closed meeting: %+v, want %+v", got, want)
	}
	for _, f := range []struct{ force, person string }{{army, shammari}, {pesh, jamal}} {
		if _, err := e.client.AcknowledgeDecision(as(testCtx(t), f.force, f.person), &meetingv1.AcknowledgeDecisionRequest{Name: d.GetName()}); err != nil {
			t.Fatalf("acknowledge by %s after close: %v", f.force, err)
		}
	}
	resp, err := e.client.GetDecision(testCtx(t), &meetingv1.GetDecisionRequest{Name: d.GetName()})
	if err != nil || !resp.GetDecision().GetBinding() {
		t.Errorf("decision after both acknowledged: %v, %v; want binding", resp.GetDecision(), err)
	}
}
