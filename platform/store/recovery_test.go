package store_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
)

// TestCrashBeforeMaterialisingIsRepaired: a process dies after committing a change to the
// log and before writing it to the document collection (simulated by putting the older
// state back there). The acknowledged change is not lost: a process loading afterwards
// replays it from the log (the checkpoint has not passed it), and once the settle window
// has passed it repairs the document collection and moves the checkpoint, so that a later
// load finds the change in the materialisation itself.
func TestCrashBeforeMaterialisingIsRepaired(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	writer := replicasOn(t, db, 1, fast)[0]
	v1, err := writer.Create(ctx, &store.Doc[note]{Name: "notes/a", Body: note{"v1"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := writer.Update(ctx, store.Change{Name: "notes/a", Verb: "updated"}, setText("v2")); err != nil {
		t.Fatal(err)
	}
	writer.Close(context.Background())
	if _, err := writer.Mongo().ReplaceOne(ctx, bson.D{{Key: "_id", Value: "notes/a"}}, v1); err != nil {
		t.Fatal(err)
	}

	restarted := replicasOn(t, db, 1, fast)[0]
	got, err := restarted.Get(ctx, "notes/a")
	if err != nil || got.Body.Text != "v2" {
		t.Fatalf("after the crash: %+v, %v; want the acknowledged v2", got, err)
	}
	stored := func() string {
		docs, err := restarted.Find(ctx, bson.D{{Key: "_id", Value: "notes/a"}}, nil, 0)
		if err != nil || len(docs) != 1 {
			t.Fatalf("find: %v, %v", docs, err)
		}
		return docs[0].Body.Text
	}
	if s := stored(); s != "v1" {
		t.Fatalf("materialised %q before the settle window passed; the test does not simulate the crash", s)
	}
	deadline := time.Now().Add(fast.Settle + 5*time.Second)
	for stored() != "v2" {
		if time.Now().After(deadline) {
			t.Fatal("the document collection was not repaired")
		}
		time.Sleep(50 * time.Millisecond)
	}
	var cp struct {
		Seq int64 `bson:"seq"`
	}
	for {
		if err := db.Collection("counters").FindOne(ctx, bson.D{{Key: "_id", Value: "notes/log"}}).Decode(&cp); err == nil && cp.Seq >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("checkpoint at %d, want it past the repaired change 2", cp.Seq)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// A load now starts after the change and finds it materialised.
	later := replicasOn(t, db, 1, fast)[0]
	if got, err := later.Get(ctx, "notes/a"); err != nil || got.Body.Text != "v2" {
		t.Fatalf("load after the checkpoint: %+v, %v", got, err)
	}
}
