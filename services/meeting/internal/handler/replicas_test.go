package handler

import (
	"context"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

// twoReplicas serves the service twice on one database, as two processes would.
func twoReplicas(t *testing.T) (a, b *env) {
	t.Helper()
	db := storetest.DB(t)
	fast := store.Timing{Poll: 20 * time.Millisecond, IdlePoll: 20 * time.Millisecond, WriteTimeout: 2 * time.Second, Settle: 2500 * time.Millisecond}
	return newEnvOn(t, db, fast), newEnvOn(t, db, fast)
}

// TestJointRulesHoldAcrossReplicas: the joint rules are decided inside the store's
// compare-and-swap, so two replicas of the service enforce them together. Both forces
// acknowledge one decision at once, through different replicas: both count. A change of
// attendees racing HoldMeeting through the other replica either commits while the meeting
// is still scheduled or is refused (ATTENDEES_FROZEN): a held meeting's attendees never
// change, though the attendee change checked a scheduled meeting before asking the forces
// service.
func TestJointRulesHoldAcrossReplicas(t *testing.T) {
	a, b := twoReplicas(t)
	ctx := testCtx(t)
	m := a.heldMeeting(t, "makhmour")
	for round, id := range []string{"first", "second", "third"} {
		d := a.createDecision(t, m.GetName(), id, jointDeployment())
		var wg sync.WaitGroup
		for _, r := range []struct {
			e     *env
			force string
		}{{a, army}, {b, pesh}} {
			wg.Go(func() {
				_, err := r.e.client.AcknowledgeDecision(as(ctx, r.force, r.force+"/people/duty-officer"),
					&meetingv1.AcknowledgeDecisionRequest{Name: d.GetName()})
				if err != nil {
					t.Errorf("round %d: %s acknowledges: %v", round, r.force, err)
				}
			})
		}
		wg.Wait()
		for _, e := range []*env{a, b} {
			waitFor(t, "both acknowledgements on each replica", func() bool {
				got, err := e.client.GetDecision(ctx, &meetingv1.GetDecisionRequest{Name: d.GetName()})
				return err == nil && got.GetDecision().GetBinding() && len(got.GetDecision().GetAcknowledgements()) == 2
			})
		}
	}

	// The forces service takes a while to confirm the new attendees: the hold through B
	// lands meanwhile.
	a.dir.people = func(ctx context.Context, names []string) (map[string]domain.Member, []string, error) {
		time.Sleep(50 * time.Millisecond)
		return lookupKnown(ctx, names)
	}
	for _, id := range []string{"sinjar", "kifri"} {
		s := a.createMeeting(t, id, makhmour())
		waitFor(t, "the meeting on B", func() bool {
			_, err := b.client.GetMeeting(ctx, &meetingv1.GetMeetingRequest{Name: s.GetName()})
			return err == nil
		})
		var wg sync.WaitGroup
		var updated *meetingv1.Meeting
		var updateErr error
		wg.Go(func() {
			resp, err := a.client.UpdateMeeting(ctx, &meetingv1.UpdateMeetingRequest{
				Meeting:    &meetingv1.Meeting{Name: s.GetName(), Attendees: []*meetingv1.Attendee{{Person: shammari, Force: army}}},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"attendees"}}})
			updated, updateErr = resp.GetMeeting(), err
		})
		wg.Go(func() {
			time.Sleep(10 * time.Millisecond)
			if _, err := b.client.HoldMeeting(ctx, &meetingv1.HoldMeetingRequest{Name: s.GetName()}); err != nil {
				t.Errorf("hold %s: %v", id, err)
			}
		})
		wg.Wait()
		switch f := failureOf(t, updateErr); {
		case updateErr == nil && updated.GetState() != meetingv1.MeetingState_MEETING_STATE_SCHEDULED:
			t.Errorf("%s: attendees changed on a %s meeting", id, updated.GetState())
		case updateErr != nil && !f.equal(failure{Code: codes.FailedPrecondition, Reason: "ATTENDEES_FROZEN"}):
			t.Errorf("%s: attendee change: %+v, want success before the hold or ATTENDEES_FROZEN", id, f)
		}
		got := a.getMeeting(t, s.GetName())
		if got.GetState() == meetingv1.MeetingState_MEETING_STATE_HELD && updateErr != nil && len(got.GetAttendees()) != len(s.GetAttendees()) {
			t.Errorf("%s: held with %d attendees, want the %d it was held with", id, len(got.GetAttendees()), len(s.GetAttendees()))
		}
	}
}

// waitFor fails the test unless cond holds within a second.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 1s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestCloseFencesDecisionsAcrossReplicas: meetings and decisions are two logs, so a
// decision recorded through one replica checks, inside its compare-and-swap, that its
// meeting is held; CloseMeeting through another replica then fences the decisions log. A
// decision that found the meeting held and has not committed when the close returns is
// decided again and refused: once CloseMeeting has returned, no decision is added.
func TestCloseFencesDecisionsAcrossReplicas(t *testing.T) {
	a, b := twoReplicas(t)
	ctx := testCtx(t)
	m := a.heldMeeting(t, "makhmour")
	waitFor(t, "the held meeting on B", func() bool {
		got, err := b.client.GetMeeting(ctx, &meetingv1.GetMeetingRequest{Name: m.GetName()})
		return err == nil && got.GetMeeting().GetState() == meetingv1.MeetingState_MEETING_STATE_HELD
	})
	// A decision through A, held after its check (createDecision's) found the meeting held.
	checked, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	decided := make(chan error, 1)
	go func() {
		_, err := a.store.Decisions.CreateChecked(ctx, &meetingstore.DecisionDoc{Name: m.GetName() + "/decisions/held-back", Owner: m.GetHostForce(),
			Body: domain.Decision{Meeting: m.GetName(), Text: "held back"}}, func(ctx context.Context) error {
			if _, err := a.store.Meetings.CurrentSeq(ctx); err != nil {
				return err
			}
			now, err := a.store.Meetings.Get(ctx, m.GetName())
			if err != nil {
				return err
			}
			if err := now.Body.CheckDecidable(); err != nil {
				return err
			}
			once.Do(func() { close(checked); <-release })
			return nil
		})
		decided <- err
	}()
	select {
	case <-checked:
	case err := <-decided:
		t.Fatalf("the decision ended without its check: %v", err)
	}
	_, err := b.client.CloseMeeting(ctx, &meetingv1.CloseMeetingRequest{Name: m.GetName(), Reason: "adjourned"})
	close(release)
	if err != nil {
		t.Fatalf("CloseMeeting through B while a decision is held on A: %v", err)
	}
	if err := <-decided; err == nil {
		t.Errorf("a decision was recorded in %s after CloseMeeting through the other replica returned", m.GetName())
	} else if f := failureOf(t, toStatus(err)); !f.equal(failure{Code: codes.FailedPrecondition, Reason: "WRONG_STATE"}) {
		t.Errorf("the held decision: %+v, want WRONG_STATE", f)
	}
}
