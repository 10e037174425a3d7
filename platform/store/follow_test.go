package store_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"

	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
)

// TestIdleFollowerBacksOff: a follower of a quiet log reads it once per IdlePoll, not once
// per Poll; a change made through another replica after the quiet spell still reaches its
// watchers within IdlePoll (plus the read), and the follower is fast again after it.
func TestIdleFollowerBacksOff(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := storetest.DB(t)
	var reads atomic.Int64
	count := &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		if e.CommandName == "find" && e.Command.Lookup("find").StringValue() == "notes_log" {
			reads.Add(1)
		}
	}}
	timing := store.Timing{Poll: 20 * time.Millisecond, IdlePoll: 500 * time.Millisecond,
		WriteTimeout: 2 * time.Second, Settle: 2500 * time.Millisecond}
	follower := replicasOn(t, storetest.Monitored(t, db, count), 1, timing)[0]
	writer := replicasOn(t, db, 1, fast)[0]

	time.Sleep(time.Second) // the wait grows 20, 40, ... 320, 500 ms
	reads.Store(0)
	const window = 4 * time.Second
	time.Sleep(window)
	// Polling every Poll would be 200 reads; every IdlePoll, 8 (one more at an edge).
	if got, most := reads.Load(), int64(window/timing.IdlePoll)+1; got > most {
		t.Fatalf("an idle follower read the log %d times in %v, want at most %d (one per IdlePoll %v)", got, window, most, timing.IdlePoll)
	}

	seen := make(chan time.Time, 16)
	go func() {
		_ = follower.Follow(ctx, "", true, func(*store.Doc[note], string) error { seen <- time.Now(); return nil })
	}()
	time.Sleep(100 * time.Millisecond) // the watcher starts from now
	written := time.Now()
	if _, err := writer.Create(ctx, &store.Doc[note]{Name: "notes/a", Body: note{"v1"}}); err != nil {
		t.Fatal(err)
	}
	// The README's bound, with the production IdlePoll of 500 ms.
	const bound = time.Second
	select {
	case at := <-seen:
		t.Logf("seen by the other replica's watcher %v after the write", at.Sub(written).Round(time.Millisecond))
	case <-time.After(bound):
		t.Fatalf("a change after a quiet spell did not reach the other replica's watcher within %v", bound)
	}

	// After the change the follower reads every Poll again, backing off anew (20, 40, 80,
	// 160 ms...): still idle, it would read at most once in the window.
	reads.Store(0)
	time.Sleep(350 * time.Millisecond)
	if got := reads.Load(); got < 2 {
		t.Fatalf("after a change the follower read the log %d times in 350ms, want it back near Poll (%v)", got, timing.Poll)
	}
}
