package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
)

type note struct {
	Text string `bson:"text"`
}

func newColl(t *testing.T) *store.Collection[note] {
	t.Helper()
	c := store.NewCollection[note](storetest.DB(t), "notes")
	if err := c.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := c.EnsureIndexes(context.Background()); err != nil {
		t.Fatalf("EnsureIndexes is not idempotent: %v", err)
	}
	return c
}

func TestCreateIsIdempotentByRequestID(t *testing.T) {
	ctx := context.Background()
	c := newColl(t)
	first, err := c.Create(ctx, &store.Doc[note]{Name: "notes/a", RequestID: "r1", RequestHash: "h1", Body: note{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Create(ctx, &store.Doc[note]{Name: "notes/other", RequestID: "r1", RequestHash: "h1", Body: note{"x"}})
	if err != nil || again.Name != "notes/a" || again.Etag != first.Etag {
		t.Fatalf("retry = %v, %v; want the first result notes/a", again, err)
	}
	if _, err := c.Create(ctx, &store.Doc[note]{Name: "notes/b", RequestID: "r1", RequestHash: "h2"}); !apperr.IsKind(err, apperr.KindInvalidArgument) {
		t.Fatalf("same request id, different request: err = %v, want INVALID_ARGUMENT", err)
	}
	if _, err := c.Create(ctx, &store.Doc[note]{Name: "notes/a", RequestHash: "h3"}); !apperr.IsKind(err, apperr.KindAlreadyExists) {
		t.Fatalf("taken name: err = %v, want ALREADY_EXISTS", err)
	}
	all, err := c.Find(ctx, nil, nil, 0)
	if err != nil || len(all) != 1 {
		t.Fatalf("stored %d documents, want 1 (err %v)", len(all), err)
	}
}

func TestConcurrentRetriesCreateOnce(t *testing.T) {
	ctx := context.Background()
	c := newColl(t)
	var wg sync.WaitGroup
	names := make([]string, 8)
	for i := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := c.Create(ctx, &store.Doc[note]{Name: "notes/" + store.NewID(), RequestID: "same", RequestHash: "h"})
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
			t.Fatalf("retries returned different records: %v", names)
		}
	}
	all, _ := c.Find(ctx, nil, nil, 0)
	if len(all) != 1 {
		t.Fatalf("stored %d documents, want 1", len(all))
	}
}

func TestUpdateEtagAndRequestReplay(t *testing.T) {
	ctx := context.Background()
	c := newColl(t)
	d, err := c.Create(ctx, &store.Doc[note]{Name: "notes/a", Body: note{"v1"}})
	if err != nil {
		t.Fatal(err)
	}
	set := func(s string) func(*store.Doc[note]) error {
		return func(d *store.Doc[note]) error { d.Body.Text = s; return nil }
	}
	up, err := c.Update(ctx, store.Change{Name: "notes/a", Etag: d.Etag, RequestID: "u1", RequestHash: "h", Verb: "updated"}, set("v2"))
	if err != nil || up.Body.Text != "v2" || up.Seq <= d.Seq {
		t.Fatalf("Update = %+v, %v", up, err)
	}
	if _, err := c.Update(ctx, store.Change{Name: "notes/a", Etag: d.Etag, Verb: "updated"}, set("v3")); !apperr.IsKind(err, apperr.KindAborted) {
		t.Fatalf("stale etag: err = %v, want ABORTED", err)
	}
	replayed, err := c.Update(ctx, store.Change{Name: "notes/a", Etag: d.Etag, RequestID: "u1", RequestHash: "h", Verb: "updated"}, set("v4"))
	if err != nil || replayed.Body.Text != "v2" || replayed.Etag != up.Etag {
		t.Fatalf("replay = %+v, %v; want the first result unchanged", replayed, err)
	}
	refused := apperr.New(apperr.KindFailedPrecondition, "NO", "no")
	if _, err := c.Update(ctx, store.Change{Name: "notes/a", Verb: "x"}, func(*store.Doc[note]) error { return refused }); err != refused {
		t.Fatalf("mutate error = %v, want it returned", err)
	}
	got, _ := c.Get(ctx, "notes/a")
	if got.Etag != up.Etag {
		t.Fatal("a refused change was written")
	}
	if _, err := c.Update(ctx, store.Change{Name: "notes/missing", Verb: "x"}, set("x")); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("missing: err = %v", err)
	}
}

func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	ctx := context.Background()
	c := newColl(t)
	if _, err := c.Create(ctx, &store.Doc[note]{Name: "notes/a"}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Update(ctx, store.Change{Name: "notes/a", Verb: "updated"}, func(d *store.Doc[note]) error {
				d.Body.Text += "x"
				return nil
			}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, _ := c.Get(ctx, "notes/a")
	if got.Body.Text != "xxxx" {
		t.Fatalf("text = %q, want 4 appends", got.Body.Text)
	}
}

func TestFollowReplaysResumesAndStreams(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := newColl(t)
	for _, n := range []string{"notes/a", "notes/b"} {
		if _, err := c.Create(ctx, &store.Doc[note]{Name: n}); err != nil {
			t.Fatal(err)
		}
	}
	type ev struct{ name, token string }
	// follow follows from token until notes/c comes; with write, it writes notes/c once
	// the two first changes are replayed, so that c comes live.
	follow := func(token string, write bool) []ev {
		fctx, fcancel := context.WithCancel(ctx)
		defer fcancel()
		var got []ev
		done := make(chan error, 1)
		replayed := make(chan struct{}) // a and b came
		go func() {
			done <- c.Follow(fctx, token, false, func(d *store.Doc[note], tok string) error {
				got = append(got, ev{d.Name, tok})
				if len(got) == 2 && write {
					close(replayed)
				}
				if d.Name == "notes/c" {
					fcancel()
				}
				return nil
			})
		}()
		if write {
			select {
			case <-replayed:
			case err := <-done:
				t.Fatalf("follow ended before the replay was through: %v", err)
			}
			if _, err := c.Create(ctx, &store.Doc[note]{Name: "notes/c"}); err != nil {
				t.Error(err)
			}
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if ctx.Err() != nil {
			t.Fatalf("notes/c never came: got %v", got)
		}
		return got
	}
	got := follow("", true)
	if len(got) != 3 || got[0].name != "notes/a" || got[1].name != "notes/b" || got[2].name != "notes/c" {
		t.Fatalf("replay then live = %v", got)
	}
	// Resuming after b must bring c. Changes still inside the settle window may come
	// again (at least once), but always in sequence order, and a (before the token)
	// never.
	resumed := follow(got[1].token, false)
	for i, e := range resumed {
		if e.name == "notes/a" || (i > 0 && e.name < resumed[i-1].name) {
			t.Fatalf("resume after b = %v, want b at most, then c", resumed)
		}
	}
	if err := c.Follow(ctx, "not-a-token", false, nil); !apperr.IsKind(err, apperr.KindInvalidArgument) {
		t.Fatalf("bad token: err = %v", err)
	}
}
