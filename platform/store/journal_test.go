package store_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
)

// TestJournalIsStoredOnceInItsLog: a journal (records only ever created, an audit trail)
// keeps each record as its log entry only: nothing is materialised, the log after the
// checkpoint is never pruned (while an ordinary collection beside it, as busy, is), and a
// process loading it in full, with no snapshot, has every record: the ones materialised
// before the collection became a journal and the ones only in its log. A change that is
// not a create, and a query of the document collection, are refused.
func TestJournalIsStoredOnceInItsLog(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	timing := fast
	timing.Keep, timing.KeepFor, timing.PruneEvery = 10, time.Nanosecond, 100*time.Millisecond // KeepFor: 2 x Settle

	// Before: an ordinary collection, its records materialised.
	before := store.NewCollection[note](db, "notes")
	before.Tune(fast)
	const old = 3
	for i := range old {
		if _, err := before.Create(ctx, &store.Doc[note]{Name: fmt.Sprintf("notes/old-%d", i), Body: note{"old"}}); err != nil {
			t.Fatal(err)
		}
	}
	before.Close(context.Background()) // materialises

	journal := store.NewCollection[note](db, "notes")
	journal.Journal()
	journal.Tune(timing)
	t.Cleanup(func() { journal.Close(context.Background()) })
	plain := store.NewCollection[note](db, "plain")
	plain.Tune(timing)
	t.Cleanup(func() { plain.Close(context.Background()) })
	const n = 150 // more than two blocks of the log (64 entries each)
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		wg.Go(func() {
			for _, c := range []*store.Collection[note]{journal, plain} {
				_, err := c.Create(ctx, &store.Doc[note]{Name: fmt.Sprintf("notes/%d", i), Body: note{fmt.Sprint(i)}})
				for retries := 0; apperr.IsKind(err, apperr.KindUnavailable) && retries < 5; retries++ {
					_, err = c.Create(ctx, &store.Doc[note]{Name: fmt.Sprintf("notes/%d", i), Body: note{fmt.Sprint(i)}})
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	for what, err := range map[string]error{
		"update": func() error {
			_, err := journal.Update(ctx, store.Change{Name: "notes/1", Verb: "updated"}, setText("changed"))
			return err
		}(),
		"delete": journal.Delete(ctx, "notes/1", ""),
		"remove": journal.Remove(ctx, store.Removal{Name: "notes/1"}, nil),
		"fence":  journal.Fence(ctx),
		"find": func() error {
			_, err := journal.Find(ctx, nil, nil, 0)
			return err
		}(),
	} {
		if !apperr.IsKind(err, apperr.KindInternal) {
			t.Errorf("%s of a journal: %v, want INTERNAL", what, err)
		}
	}
	if d, err := journal.Get(ctx, "notes/1"); err != nil || d.Body.Text != "1" {
		t.Errorf("notes/1 after the refused changes: %v, %v", d, err)
	}

	// The ordinary collection's log is pruned; by then the journal's would have been too.
	plainLog := db.Collection("plain_log")
	deadline := time.Now().Add(60 * time.Second)
	for {
		kept, err := plainLog.CountDocuments(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		if kept <= n-64 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the ordinary collection's log still holds %d of %d entries after 60s", kept, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = journal.Mongo() // waits for any materialisation there would be
	if got, err := db.Collection("notes").CountDocuments(ctx, bson.D{}); err != nil || got != old {
		t.Errorf("the journal's document collection holds %d documents (%v), want the %d from before it was one", got, err, old)
	}
	top, err := journal.CurrentSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for seq := top - n + 1; seq <= top; seq++ {
		if err := db.Collection("notes_log").FindOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%020d", seq)}}).Err(); err != nil {
			t.Fatalf("journal entry %d: %v (pruned?)", seq, err)
		}
	}

	// A load in full, with no snapshot to load from: the records after the checkpoint are
	// read with one query, not one by one.
	if err := db.Collection("notes_snap").Drop(ctx); err != nil {
		t.Fatal(err)
	}
	var logReads atomic.Int64
	count := &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		if e.CommandName == "find" && e.Command.Lookup("find").StringValue() == "notes_log" {
			logReads.Add(1)
		}
	}}
	loaded := store.NewCollection[note](storetest.Monitored(t, db, count), "notes")
	loaded.Journal()
	loaded.Tune(fast)
	if err := loaded.Load(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { loaded.Close(context.Background()) })
	if got := logReads.Load(); got > 3 {
		t.Errorf("a load in full read the journal's log with %d queries, want one (and the read for what follows)", got)
	}
	if from := store.LoadedFrom(loaded); from != 0 {
		t.Fatalf("loaded from the snapshot at %d, want in full", from)
	}
	if got, err := loaded.CurrentSeq(ctx); err != nil || got != top {
		t.Errorf("loaded at %d (%v), want %d", got, err, top)
	}
	for i := range old {
		if d, err := loaded.Get(ctx, fmt.Sprintf("notes/old-%d", i)); err != nil || d.Body.Text != "old" {
			t.Errorf("notes/old-%d: %v, %v", i, d, err)
		}
	}
	for i := range n {
		if d, err := loaded.Get(ctx, fmt.Sprintf("notes/%d", i)); err != nil || d.Body.Text != fmt.Sprint(i) {
			t.Errorf("notes/%d: %v, %v", i, d, err)
		}
	}
}
