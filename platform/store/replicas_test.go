package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
)

// fast is the timing of these tests: replicas converge within Poll (no idle back-off).
var fast = store.Timing{Poll: 20 * time.Millisecond, IdlePoll: 20 * time.Millisecond, WriteTimeout: 2 * time.Second, Settle: 2500 * time.Millisecond, Ring: 64}

// replicas returns n instances of one collection on one database, as n processes would
// have them, each with its own cache and follower.
func replicas(t *testing.T, n int, timing store.Timing) []*store.Collection[note] {
	t.Helper()
	return replicasOn(t, storetest.DB(t), n, timing)
}

func replicasOn(t *testing.T, db *mongo.Database, n int, timing store.Timing) []*store.Collection[note] {
	t.Helper()
	out := make([]*store.Collection[note], n)
	for i := range out {
		c := store.NewCollection[note](db, "notes")
		c.Tune(timing)
		c.OrderBy("by_name", func(a, b *store.Doc[note]) bool { return a.Name < b.Name })
		if err := c.Load(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(context.Background()) })
		out[i] = c
	}
	return out
}

func setText(s string) func(*store.Doc[note]) error {
	return func(d *store.Doc[note]) error { d.Body.Text = s; return nil }
}

// TestRacingReplicasSameEtagOneWins: writers on two replicas with the same etag: exactly
// one change is made, the other gets ABORTED, whichever replica it came through.
func TestRacingReplicasSameEtagOneWins(t *testing.T) {
	ctx := context.Background()
	rs := replicas(t, 2, fast)
	d, err := rs[0].Create(ctx, &store.Doc[note]{Name: "notes/a", Body: note{"v1"}})
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 10; round++ {
		// Both replicas must hold the current version, so both really race.
		waitFor(t, func() bool { g, err := rs[1].Get(ctx, "notes/a"); return err == nil && g.Etag == d.Etag })
		var wg sync.WaitGroup
		results := make([]*store.Doc[note], 4)
		errs := make([]error, 4)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = rs[i%2].Update(ctx, store.Change{Name: "notes/a", Etag: d.Etag, Verb: "updated"},
					setText(fmt.Sprintf("round %d writer %d", round, i)))
			}()
		}
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
				d = results[i]
			case !apperr.IsKind(err, apperr.KindAborted):
				t.Fatalf("round %d writer %d: %v, want ABORTED", round, i, err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d writers won with one etag, want exactly 1", round, won)
		}
		got, err := rs[round%2].Get(ctx, "notes/a")
		if err != nil || got.Etag != d.Etag || got.Body.Text != d.Body.Text {
			t.Fatalf("round %d: stored %+v, want the winner %+v", round, got, d)
		}
	}
}

// TestReplicasLoseNoUpdate: read-modify-write cycles without an etag through two replicas
// all land.
func TestReplicasLoseNoUpdate(t *testing.T) {
	ctx := context.Background()
	rs := replicas(t, 2, fast)
	if _, err := rs[0].Create(ctx, &store.Doc[note]{Name: "notes/a"}); err != nil {
		t.Fatal(err)
	}
	const writers, each = 6, 5
	var wg sync.WaitGroup
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j++ {
				if _, err := rs[i%2].Update(ctx, store.Change{Name: "notes/a", Verb: "updated"}, func(d *store.Doc[note]) error {
					d.Body.Text += "x"
					return nil
				}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	for _, r := range rs {
		waitFor(t, func() bool { g, _ := r.Get(ctx, "notes/a"); return g != nil && len(g.Body.Text) == writers*each })
	}
}

// TestReplicasCreateOncePerRequestID: concurrent creates with one request id through two
// replicas make one record, and every caller gets it.
func TestReplicasCreateOncePerRequestID(t *testing.T) {
	ctx := context.Background()
	rs := replicas(t, 2, fast)
	var wg sync.WaitGroup
	names := make([]string, 8)
	for i := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := rs[i%2].Create(ctx, &store.Doc[note]{Name: "notes/" + store.NewID(), RequestID: "same", RequestHash: "h"})
			if err != nil {
				t.Error(err)
				return
			}
			names[i] = d.Name
		}()
	}
	wg.Wait()
	for _, n := range names[1:] {
		if n != names[0] {
			t.Fatalf("creates with one request id returned different records: %v", names)
		}
	}
	for _, r := range rs {
		waitFor(t, func() bool {
			all, err := r.List(ctx, store.Selector[note]{Order: "by_name"})
			return err == nil && len(all) == 1
		})
	}
	// Materialisation follows the log (gathered for Timing.Gather): wait for it, then
	// there must be exactly one.
	var all []*store.Doc[note]
	waitFor(t, func() bool {
		all, _ = rs[0].Find(ctx, nil, nil, 0)
		return len(all) > 0
	})
	if len(all) != 1 {
		t.Fatalf("materialised %d documents, want 1", len(all))
	}
}

// TestOwnWriteInCacheAtReturn: the writer's own cache holds the change when the call
// returns, though its follower would not read the log for an hour; another replica's cache
// gets it from the log within its poll.
func TestOwnWriteInCacheAtReturn(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	slow := replicasOn(t, db, 1, store.Timing{Poll: time.Hour})[0]
	other := replicasOn(t, db, 1, fast)[0]
	listed := func(c *store.Collection[note]) []string {
		docs, err := c.List(ctx, store.Selector[note]{Order: "by_name"})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range docs {
			out = append(out, d.Name+"="+d.Body.Text)
		}
		return out
	}
	if _, err := slow.Create(ctx, &store.Doc[note]{Name: "notes/a", Body: note{"1"}}); err != nil {
		t.Fatal(err)
	}
	if got := listed(slow); fmt.Sprint(got) != "[notes/a=1]" {
		t.Fatalf("writer's cache after create = %v", got)
	}
	waitFor(t, func() bool { return fmt.Sprint(listed(other)) == "[notes/a=1]" })
	if _, err := other.Update(ctx, store.Change{Name: "notes/a", Verb: "updated"}, setText("2")); err != nil {
		t.Fatal(err)
	}
	if got := listed(other); fmt.Sprint(got) != "[notes/a=2]" {
		t.Fatalf("writer's cache after update = %v", got)
	}
	// The slow replica's follower has not run: its cache is still behind, and its own next
	// write catches up with the log rather than losing the other's change.
	if got := listed(slow); fmt.Sprint(got) != "[notes/a=1]" {
		t.Fatalf("slow replica's cache = %v, want it still behind", got)
	}
	if _, err := slow.Update(ctx, store.Change{Name: "notes/a", Verb: "updated"}, func(d *store.Doc[note]) error {
		d.Body.Text += "3"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := listed(slow); fmt.Sprint(got) != "[notes/a=23]" {
		t.Fatalf("slow replica after its write = %v, want the other's change kept", got)
	}
}

// TestFollowResumesFromPosition: a watcher resuming from the token of a change in the
// middle of the log gets exactly the changes after it, from the cache's ring and, for a
// position older than the ring, from the current state of what changed since.
func TestFollowResumesFromPosition(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	timing := fast
	timing.Ring = 4
	rs := replicas(t, 2, timing)
	for i := 0; i < 6; i++ {
		if _, err := rs[0].Create(ctx, &store.Doc[note]{Name: fmt.Sprintf("notes/%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	var tokens []string
	collect(t, ctx, rs[1], "", 6, func(d *store.Doc[note], tok string) { tokens = append(tokens, tok) })
	// notes/0..5 have sequences 1..6; the ring (4, and up to twice that before it is
	// trimmed) still holds them, so the resume is change by change.
	var names []string
	collect(t, ctx, rs[1], tokens[3], 2, func(d *store.Doc[note], _ string) { names = append(names, d.Name) })
	if fmt.Sprint(names) != "[notes/4 notes/5]" {
		t.Fatalf("resumed after notes/3: %v, want [notes/4 notes/5]", names)
	}
	// Push notes/1 and notes/4 out of the ring: resuming after notes/1 then sends the
	// current state of each record changed since, each once, in sequence order.
	for i := 0; i < 10; i++ {
		if _, err := rs[0].Update(ctx, store.Change{Name: "notes/4", Verb: "updated"}, setText(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rs[1].CurrentSeq(ctx); err != nil { // caught up
		t.Fatal(err)
	}
	names = nil
	collect(t, ctx, rs[1], tokens[1], 4, func(d *store.Doc[note], _ string) { names = append(names, d.Name+"="+d.Body.Text) })
	if fmt.Sprint(names) != "[notes/2= notes/3= notes/5= notes/4=9]" {
		t.Fatalf("resumed after notes/1 beyond the ring: %v", names)
	}
}

// collect follows c from token until n changes came, and fails if more come at once.
func collect(t *testing.T, ctx context.Context, c *store.Collection[note], token string, n int, got func(*store.Doc[note], string)) {
	t.Helper()
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	count := 0
	done := make(chan error, 1)
	go func() {
		done <- c.Follow(fctx, token, false, func(d *store.Doc[note], tok string) error {
			count++
			if count > n {
				return fmt.Errorf("change %d (%s) beyond the %d expected", count, d.Name, n)
			}
			got(d, tok)
			if count == n {
				// Give a wrong extra change a moment to show up.
				time.AfterFunc(100*time.Millisecond, cancel)
			}
			return nil
		})
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if count != n {
		t.Fatalf("got %d changes, want %d", count, n)
	}
}

// TestSlowWatcherIsDropped: a watcher that stops reading while more changes than the ring
// holds are committed ends with WATCHER_TOO_SLOW; the writers are not held up.
func TestSlowWatcherIsDropped(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	timing := fast
	timing.Ring = 4
	c := replicas(t, 1, timing)[0]
	// The watcher follows from the log's start: it gets the first change however late it
	// starts, and stops reading there, live, while the others are committed.
	release := make(chan struct{})
	stuck := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		done <- c.Follow(ctx, store.Token(0), false, func(*store.Doc[note], string) error {
			select {
			case stuck <- struct{}{}:
			default:
			}
			<-release
			return nil
		})
	}()
	if _, err := c.Create(ctx, &store.Doc[note]{Name: "notes/first"}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-stuck:
	case err := <-done:
		t.Fatalf("the watcher ended before the first change: %v", err)
	}
	for i := 0; i < 20; i++ {
		if _, err := c.Create(ctx, &store.Doc[note]{Name: fmt.Sprintf("notes/%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	close(release)
	if err := <-done; !errors.Is(err, store.ErrWatcherTooSlow) {
		t.Fatalf("slow watcher ended with %v, want ErrWatcherTooSlow", err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestPriorFindsCreateOfAnotherReplica: the request-id look-up before a create is a look-up
// in the cache, which reads the log forward first.
func TestPriorFindsCreateOfAnotherReplica(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	writer := replicasOn(t, db, 1, fast)[0]
	reader := replicasOn(t, db, 1, store.Timing{Poll: time.Hour})[0]
	if _, err := writer.Create(ctx, &store.Doc[note]{Name: "notes/a", RequestID: "r1", RequestHash: "h"}); err != nil {
		t.Fatal(err)
	}
	if d, err := reader.Prior(ctx, "r1", "h"); err != nil || d == nil || d.Name != "notes/a" {
		t.Fatalf("Prior(r1) = %v, %v; want notes/a", d, err)
	}
	if _, err := reader.Prior(ctx, "r1", "other"); !apperr.IsKind(err, apperr.KindInvalidArgument) {
		t.Fatalf("Prior(r1, other request) = %v, want REQUEST_ID_REUSED", err)
	}
	if d, err := reader.Prior(ctx, "r2", "h"); err != nil || d != nil {
		t.Fatalf("Prior(r2) = %v, %v; want none", d, err)
	}
}
