package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
)

// TestCloseDuringWritesLosesNothing: a process closing a collection while its callers
// still write (a stop whose drain ran out of time) returns once its deadline ends, though
// its entries never all settle while writes go on, and every write acknowledged before, during or after
// the close is found by the next process that loads the collection.
func TestCloseDuringWritesLosesNothing(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	timing := store.Timing{Poll: 20 * time.Millisecond, IdlePoll: 20 * time.Millisecond, SnapshotAfter: 10,
		WriteTimeout: 3 * time.Second, Settle: 4 * time.Second}
	writer := replicasOn(t, db, 1, timing)[0]
	var mu sync.Mutex
	var acked []string
	closed := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			after := 0 // writes acknowledged after Close returned
			for i := 0; after < 10; i++ {
				name := fmt.Sprintf("notes/w%d-%04d", w, i)
				if _, err := writer.Create(ctx, &store.Doc[note]{Name: name, RequestID: name, Body: note{"x"}}); err != nil {
					t.Errorf("create %s: %v", name, err)
					return
				}
				mu.Lock()
				acked = append(acked, name)
				mu.Unlock()
				select {
				case <-closed:
					after++
				default:
				}
			}
		})
	}
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= 40 })
	go func() {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		writer.Close(cctx)
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(30 * time.Second): // not a speed bound: a hang guard, fifteen times the deadline
		t.Fatal("Close did not return within its deadline while writes went on")
	}
	wg.Wait()
	next := replicasOn(t, db, 1, timing)[0]
	for _, name := range acked {
		if _, err := next.Get(ctx, name); err != nil {
			t.Fatalf("acknowledged %s, the next start: %v", name, err)
		}
	}
	if seq, err := next.CurrentSeq(ctx); err != nil || seq != int64(len(acked)) {
		t.Fatalf("the log ends at %d (%v), want the %d creates acknowledged", seq, err, len(acked))
	}
}
