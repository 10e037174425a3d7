package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
)

// TestPrunedLogStillConverges: one process prunes the change log; a second one, behind the
// pruned horizon since before the pruning, writes and reads correctly (it reloads from the
// materialised collection instead of re-inserting a pruned sequence number); a third
// loads after it; and a watcher resuming from a pruned position is told to list again.
func TestPrunedLogStillConverges(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	timing := fast
	timing.Keep, timing.KeepFor, timing.PruneEvery = 10, time.Nanosecond, 100*time.Millisecond // KeepFor: 2 x Settle
	pruner := replicasOn(t, db, 1, timing)[0]
	if _, err := pruner.Create(ctx, &store.Doc[note]{Name: "notes/edited", Body: note{"v0"}}); err != nil {
		t.Fatal(err)
	}
	lagging := timing
	lagging.Poll = time.Hour // it never follows on its own
	behind := replicasOn(t, db, 1, lagging)[0]

	const edits = 150 // more than two blocks of the log (64 entries each)
	for i := 1; i <= edits; i++ {
		// Retried with its request id on UNAVAILABLE, as clients do: on a busy machine a
		// write may outlast fast's WriteTimeout.
		ch := store.Change{Name: "notes/edited", Verb: "updated", RequestID: fmt.Sprintf("edit-%d", i)}
		_, err := pruner.Update(ctx, ch, setText(fmt.Sprintf("v%d", i)))
		for retries := 0; apperr.IsKind(err, apperr.KindUnavailable) && retries < 5; retries++ {
			_, err = pruner.Update(ctx, ch, setText(fmt.Sprintf("v%d", i)))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pruner.Create(ctx, &store.Doc[note]{Name: "notes/late", Body: note{"late"}}); err != nil {
		t.Fatal(err)
	}
	top, err := pruner.CurrentSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Pruning goes by whole blocks (64 entries), the oldest first, never into the latest
	// Keep entries.
	log := db.Collection("notes_log")
	deadline := time.Now().Add(30 * time.Second)
	for {
		kept, err := log.CountDocuments(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		if kept < int64(timing.Keep) {
			t.Fatalf("%d of %d entries kept: want at least Keep (%d)", kept, top, timing.Keep)
		}
		if kept <= top-64 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d entries still kept after 30s", kept, top)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n, err := log.CountDocuments(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%020d", 1)}}); err != nil || n != 0 {
		t.Errorf("the first entry is kept (%d, %v): the oldest block goes first", n, err)
	}

	// A watcher resuming from before the horizon must list again; one from now goes on.
	sctx, stop := context.WithTimeout(ctx, 5*time.Second)
	defer stop()
	err = pruner.Follow(sctx, store.Token(1), false, func(*store.Doc[note], string) error { return nil })
	st := status.Convert(apperr.ToStatus(err, "tansiq.test"))
	if st.Code() != codes.OutOfRange || len(st.Details()) == 0 || st.Details()[0].(*errdetails.ErrorInfo).GetReason() != "RESUME_TOKEN_EXPIRED" {
		t.Errorf("resume from a pruned position: %v %v, want OUT_OF_RANGE RESUME_TOKEN_EXPIRED", st.Code(), st.Details())
	}
	wctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if err := pruner.Follow(wctx, store.Token(top), false, func(*store.Doc[note], string) error { return nil }); err != nil {
		t.Errorf("resume from the latest position: %v", err)
	}

	// The process behind the horizon: its write lands after the latest entry, decided on
	// the latest state, and it serves the changes it missed.
	var seen string
	d, err := behind.Update(ctx, store.Change{Name: "notes/edited", Verb: "updated"}, func(d *store.Doc[note]) error {
		seen, d.Body.Text = d.Body.Text, "from behind"
		return nil
	})
	if err != nil || d.Seq != top+1 || seen != fmt.Sprintf("v%d", edits) {
		t.Fatalf("write from behind the horizon: %v, decided on %q, committed as %v: want v%d, seq %d", err, seen, d, edits, top+1)
	}
	if g, err := behind.Get(ctx, "notes/late"); err != nil || g.Body.Text != "late" {
		t.Errorf("behind the horizon, Get of a record created meanwhile: %v, %v", g, err)
	}
	if _, err := pruner.CurrentSeq(ctx); err != nil { // reads the log forward
		t.Fatal(err)
	}
	if g, err := pruner.Get(ctx, "notes/edited"); err != nil || g.Body.Text != "from behind" || g.Seq != top+1 {
		t.Errorf("the pruning process after the write from behind: %v, %v", g, err)
	}
	loaded := replicasOn(t, db, 1, lagging)[0]
	for name, want := range map[string]string{"notes/edited": "from behind", "notes/late": "late"} {
		if g, err := loaded.Get(ctx, name); err != nil || g.Body.Text != want {
			t.Errorf("loaded after pruning, %s: %v, %v, want %q", name, g, err, want)
		}
	}
}
