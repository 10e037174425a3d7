package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
	forcesstore "github.com/tansiq/tansiq/services/forces/internal/store"
)

// replicas returns n instances of the service's store on one database, as n processes
// would have them: each with its own caches and followers.
func replicas(t *testing.T, db *mongo.Database, n int) []*forcesstore.Store {
	t.Helper()
	out := make([]*forcesstore.Store, n)
	for i := range out {
		s := forcesstore.New(db)
		if err := s.Load(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			for _, c := range []interface{ Close(context.Context) }{s.Forces, s.Units, s.People, s.Areas, s.TakBindings} {
				c.Close(context.Background())
			}
		})
		out[i] = s
	}
	return out
}

// eventually waits up to a second for ok: the README's bound on convergence (a quiet log
// is read every 500 ms, platform/store Timing.IdlePoll).
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within a second", what)
		}
	}
}

// A record written through one replica is found by another at once by name and in the
// reference checks (they read the log forward), and in its lists within a second.
func TestReplicaSeesAnotherReplicasWrites(t *testing.T) {
	ctx := context.Background()
	rs := replicas(t, storetest.DB(t), 2)
	a, b := rs[0], rs[1]
	joc := domain.UnitName(ia, "joint-operations-command")
	nineveh := domain.UnitName(ia, "nineveh-operations-command")
	addUnit(t, a, ia, "joint-operations-command", domain.Unit{Echelon: "ECHELON_COMMAND"}, nil)
	addUnit(t, a, ia, "nineveh-operations-command", domain.Unit{Echelon: "ECHELON_REGION", ParentUnit: joc}, nil)

	if d, err := b.Units.Get(ctx, nineveh); err != nil || d.Body.ParentUnit != joc {
		t.Fatalf("replica B: Get = %v, %v; want the unit A created", d, err)
	}
	if child, err := b.Units.AChild(ctx, joc); err != nil || child != nineveh {
		t.Fatalf("replica B: a child of JOC = %q, %v; want %s", child, err, nineveh)
	}
	regions := []filter.Typed{{Field: "echelon", Op: filter.Eq, Value: "ECHELON_REGION"}}
	eventually(t, "replica B lists the unit A created", func() bool {
		docs, err := b.Units.List(ctx, ia, filter.All(regions...), forcesstore.UnitSorts[0], nil, 10)
		return err == nil && names(docs) == "[iraqi-army/units/nineveh-operations-command]"
	})

	// A change and a deletion through A reach B's lists too.
	if _, err := a.Units.Update(ctx, store.Change{Name: nineveh, Verb: "updated"}, func(d *forcesstore.UnitDoc) error {
		d.Body.Echelon = "ECHELON_CORPS"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "replica B sees the change A made", func() bool {
		docs, err := b.Units.List(ctx, ia, filter.All(regions...), forcesstore.UnitSorts[0], nil, 10)
		return err == nil && len(docs) == 0
	})
	if err := a.Units.Delete(ctx, nineveh, ""); err != nil {
		t.Fatal(err)
	}
	if child, err := b.Units.AChild(ctx, joc); err != nil || child != "" {
		t.Fatalf("replica B: a child of JOC after A deleted it = %q, %v; want none", child, err)
	}
}

// Two replicas counting up one unit's strength at once: every change of both counts, none
// lost to the other's write (each is a compare-and-swap on the store's log, decided again
// on the newer state when the other came first).
func TestReplicasKeepEachOthersChanges(t *testing.T) {
	ctx := context.Background()
	rs := replicas(t, storetest.DB(t), 2)
	unit := domain.UnitName(pm, "makhmour-front")
	addUnit(t, rs[0], pm, "makhmour-front", domain.Unit{Echelon: "ECHELON_DIVISION"}, nil)
	const each = 8
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for _, s := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				_, err := s.Units.Update(ctx, store.Change{Name: unit, Verb: "updated"}, func(d *forcesstore.UnitDoc) error {
					d.Body.Strength.Present++
					return nil
				})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for r, s := range rs {
		eventually(t, fmt.Sprintf("replica %d holds every report", r), func() bool {
			d, err := s.Units.Get(ctx, unit)
			return err == nil && d.Body.Strength.Present == 2*each
		})
	}
}

// Two replicas updating one unit with the same etag at once: exactly one change is made,
// the other is ABORTED, round after round.
func TestReplicasSameEtagOneWins(t *testing.T) {
	ctx := context.Background()
	rs := replicas(t, storetest.DB(t), 2)
	unit := domain.UnitName(pm, "garmiyan-front")
	addUnit(t, rs[0], pm, "garmiyan-front", domain.Unit{Echelon: "ECHELON_DIVISION", Readiness: "READINESS_READY"}, nil)
	for round := range 5 {
		cur, err := rs[0].Units.Get(ctx, unit)
		if err != nil {
			t.Fatal(err)
		}
		// Both replicas hold the current version, so both really race.
		eventually(t, "replica B holds the current version", func() bool {
			d, err := rs[1].Units.Get(ctx, unit)
			return err == nil && d.Etag == cur.Etag
		})
		var wg sync.WaitGroup
		results := make([]error, 2)
		for r, s := range rs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, results[r] = s.Units.Update(ctx, store.Change{Name: unit, Etag: cur.Etag, Verb: "updated"}, func(d *forcesstore.UnitDoc) error {
					d.Body.Strength.Present = int32(100*round + r + 1)
					return nil
				})
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range results {
			switch {
			case err == nil:
				won++
			case !apperr.IsKind(err, apperr.KindAborted):
				t.Fatalf("round %d: %v, want ABORTED", round, err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d writers with one etag won (%v), want exactly one", round, won, results)
		}
	}
}
