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

	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
)

// TestCreatesMaterialiseWithInserts: concurrent creates are materialised by inserts, at
// most one per commit of the log (a group's documents together), and never by
// replacements, which FerretDB's SQLite backend makes one transaction each; an update is
// still a replacement. Every created document ends in the document collection.
func TestCreatesMaterialiseWithInserts(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	var logInserts, docInserts, docUpdates atomic.Int64
	count := &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		switch {
		case e.CommandName == "insert" && e.Command.Lookup("insert").StringValue() == "notes_log":
			logInserts.Add(1)
		case e.CommandName == "insert" && e.Command.Lookup("insert").StringValue() == "notes":
			docInserts.Add(1)
		case e.CommandName == "update" && e.Command.Lookup("update").StringValue() == "notes":
			docUpdates.Add(1)
		}
	}}
	c := replicasOn(t, storetest.Monitored(t, db, count), 1, fast)[0]
	const n = 48
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, err := c.Create(ctx, &store.Doc[note]{Name: fmt.Sprintf("notes/%02d", i), Body: note{"v1"}}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	stored, err := c.Find(ctx, nil, nil, 0) // waits for this process's materialisation
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != n {
		t.Fatalf("the document collection holds %d documents, want %d", len(stored), n)
	}
	t.Logf("%d creates: %d inserts into the log, %d into the document collection", n, logInserts.Load(), docInserts.Load())
	if got := docUpdates.Load(); got != 0 {
		t.Errorf("creates were materialised with %d update commands, want none (inserts)", got)
	}
	if got, most := docInserts.Load(), logInserts.Load(); got == 0 || got > most {
		t.Errorf("creates were materialised with %d inserts, want 1 to %d (at most one per commit of the log)", got, most)
	}

	d, err := c.Get(ctx, "notes/00")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Update(ctx, store.Change{Name: d.Name, Etag: d.Etag, Verb: "updated"}, setText("v2")); err != nil {
		t.Fatal(err)
	}
	stored, err = c.Find(ctx, bson.D{{Key: "_id", Value: "notes/00"}}, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 || stored[0].Body.Text != "v2" {
		t.Fatalf("after an update the document collection holds %+v, want notes/00 at v2", stored)
	}
}

// TestCreateOverAStoredNameIsReplaced: a create whose name the document collection holds
// already (a deletion not materialised yet, a repair by another replica) fails its insert
// as a duplicate and is written by replacement, so the collection ends with the created
// state, the other creates of its batch inserted beside it.
func TestCreateOverAStoredNameIsReplaced(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	c := replicasOn(t, db, 1, fast)[0]
	// A stale document under the name, which the cache (loaded before it) does not hold.
	if _, err := db.Collection("notes").InsertOne(ctx, store.Doc[note]{Name: "notes/a", Etag: "stale", Body: note{"stale"}}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, name := range []string{"notes/a", "notes/b", "notes/c"} {
		wg.Go(func() {
			if _, err := c.Create(ctx, &store.Doc[note]{Name: name, Body: note{"created"}}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	stored, err := c.Find(ctx, nil, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 3 {
		t.Fatalf("the document collection holds %d documents, want 3", len(stored))
	}
	for _, d := range stored {
		if d.Body.Text != "created" || d.Etag == "stale" {
			t.Errorf("%s is stored at %q (etag %s), want the created state", d.Name, d.Body.Text, d.Etag)
		}
	}
}

// TestMaterialiserGathersAStream: creates made one after another (no two in one commit)
// within Timing.Gather are materialised together: fewer inserts into the document
// collection than into the log, and every document there.
func TestMaterialiserGathersAStream(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	var logInserts, docInserts atomic.Int64
	count := &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		if e.CommandName == "insert" {
			switch e.Command.Lookup("insert").StringValue() {
			case "notes_log":
				logInserts.Add(1)
			case "notes":
				docInserts.Add(1)
			}
		}
	}}
	timing := fast
	timing.Gather = time.Second
	c := replicasOn(t, storetest.Monitored(t, db, count), 1, timing)[0]
	const n = 10
	for i := range n {
		if _, err := c.Create(ctx, &store.Doc[note]{Name: fmt.Sprintf("notes/%02d", i), Body: note{"v1"}}); err != nil {
			t.Fatal(err)
		}
	}
	stored, err := c.Find(ctx, nil, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != n {
		t.Fatalf("the document collection holds %d documents, want %d", len(stored), n)
	}
	t.Logf("%d creates one after another: %d inserts into the log, %d into the document collection", n, logInserts.Load(), docInserts.Load())
	if got, most := docInserts.Load(), logInserts.Load()/2; got > most {
		t.Errorf("materialised with %d inserts, want at most %d: the materialiser did not gather", got, most)
	}
}
