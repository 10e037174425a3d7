package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

// poll is how often the replicas of these tests read each other's changes.
const poll = 20 * time.Millisecond

// twoReplicas returns the service's collections twice on one database, as two processes
// of the meeting service would hold them, each with its own caches and followers.
func twoReplicas(t *testing.T) (a, b *Store) {
	t.Helper()
	db := storetest.DB(t)
	out := make([]*Store, 2)
	for i := range out {
		s := New(db)
		s.Tune(store.Timing{Poll: poll, IdlePoll: poll, WriteTimeout: 2 * time.Second, Settle: 2500 * time.Millisecond})
		if err := s.Load(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		out[i] = s
	}
	return out[0], out[1]
}

// eventually fails the test unless cond holds within a second (50 polls).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not seen by the other replica within 1s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestReplicaServesWritesOfAnother: what one process writes, another process on the same
// store lists and gets from its own cache: a new meeting, a change to it, and a decision.
func TestReplicaServesWritesOfAnother(t *testing.T) {
	ctx := context.Background()
	a, b := twoReplicas(t)
	// B has loaded (and cached) the empty collections before A writes.
	if docs, err := b.Meetings.List(ctx, filter.Filter{}, MeetingSorts[0], nil, 0); err != nil || len(docs) != 0 {
		t.Fatalf("B before: %d meetings, %v", len(docs), err)
	}
	m, err := a.Meetings.Create(ctx, &MeetingDoc{Name: "meetings/makhmour", Owner: army, Body: meeting(army, time.Now(), pesh)})
	if err != nil {
		t.Fatal(err)
	}
	byPesh := []filter.Typed{{Field: "attending_force", Op: filter.Eq, Value: pesh}}
	eventually(t, "created meeting", func() bool {
		docs, err := b.Meetings.List(ctx, filter.All(byPesh...), MeetingSorts[0], nil, 10)
		return err == nil && slices.Equal(names(docs), []string{m.Name})
	})
	held, err := a.Meetings.Update(ctx, store.Change{Name: m.Name, Etag: m.Etag, Verb: "held"},
		func(d *MeetingDoc) error { return d.Body.Hold() })
	if err != nil {
		t.Fatal(err)
	}
	isHeld := []filter.Typed{{Field: "state", Op: filter.Eq, Value: domain.StateHeld}}
	eventually(t, "held meeting", func() bool {
		got, err := b.Meetings.Get(ctx, m.Name)
		docs, lerr := b.Meetings.List(ctx, filter.All(isHeld...), MeetingSorts[0], nil, 10)
		return err == nil && got.Etag == held.Etag && lerr == nil && len(docs) == 1
	})
	d, err := a.Decisions.Create(ctx, &DecisionDoc{Name: m.Name + "/decisions/joint", Owner: army,
		Body: domain.NewDecision(m.Name, &held.Body, domain.Decision{Text: "t", Kind: domain.KindJointDeployment})})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "created decision", func() bool {
		docs, err := b.Decisions.List(ctx, m.Name, filter.Filter{}, DecisionSorts[0], nil, 10)
		return err == nil && len(docs) == 1 && docs[0].Name == d.Name
	})
}

// TestReplicasAcknowledgeAtOnceBothCount: the two forces acknowledge one decision at the
// same moment through two replicas. Neither acknowledgement is lost, whichever commits
// first, and the decision binds on both replicas.
func TestReplicasAcknowledgeAtOnceBothCount(t *testing.T) {
	ctx := context.Background()
	a, b := twoReplicas(t)
	m := meeting(army, time.Now(), pesh)
	ack := func(s *Store, name, force string) (*DecisionDoc, error) {
		return s.Decisions.Acknowledge(ctx, store.Change{Name: name, Verb: "acknowledged"}, nil, func(d *DecisionDoc) error {
			changed, err := d.Body.Acknowledge(domain.Actor{Force: force}, "", time.Now().UTC().Truncate(time.Millisecond))
			if err == nil && !changed {
				return ErrUnchanged
			}
			return err
		})
	}
	for round := range 8 {
		d, err := a.Decisions.Create(ctx, &DecisionDoc{Name: fmt.Sprintf("meetings/makhmour/decisions/d%d", round), Owner: army,
			Body: domain.NewDecision("meetings/makhmour", &m, domain.Decision{Text: "t", Kind: domain.KindJointDeployment})})
		if err != nil {
			t.Fatal(err)
		}
		// Both replicas hold the unacknowledged decision, so both decide on that state.
		eventually(t, "created decision", func() bool { _, err := b.Decisions.Get(ctx, d.Name); return err == nil })
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, r := range []struct {
			s     *Store
			force string
		}{{a, army}, {b, pesh}} {
			wg.Go(func() { _, errs[i] = ack(r.s, d.Name, r.force) })
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("round %d: acknowledgements: %v, %v", round, errs[0], errs[1])
		}
		for _, s := range []*Store{a, b} {
			eventually(t, "both acknowledgements", func() bool {
				got, err := s.Decisions.Get(ctx, d.Name)
				return err == nil && got.Body.Binding && len(got.Body.Acknowledgements) == 2
			})
		}
	}
}
