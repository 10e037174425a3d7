package store_test

import (
	"context"
	"slices"
	"sync"
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
	var mu sync.Mutex
	var readAt []time.Time // the follower's reads of the log
	count := &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		if e.CommandName == "find" && e.Command.Lookup("find").StringValue() == "notes_log" {
			mu.Lock()
			readAt = append(readAt, time.Now())
			mu.Unlock()
		}
	}}
	reads := func() []time.Time {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(readAt)
	}
	// waitReads waits until the follower has read the log more than n times, and returns
	// its reads.
	waitReads := func(n int, what string) []time.Time {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			if r := reads(); len(r) > n {
				return r
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: the follower stopped reading the log", what)
			}
		}
	}
	timing := store.Timing{Poll: 20 * time.Millisecond, IdlePoll: 500 * time.Millisecond,
		WriteTimeout: 2 * time.Second, Settle: 2500 * time.Millisecond}
	follower := replicasOn(t, storetest.Monitored(t, db, count), 1, timing)[0]
	writer := replicasOn(t, db, 1, fast)[0]

	// The wait grows 20, 40, ... 320, 500 ms: wait until two reads in a row came IdlePoll
	// or more after the one before (the first may be 320 ms plus a slow read).
	for n, deadline := 2, time.Now().Add(10*time.Second); ; n++ {
		r := waitReads(n, "backing off")
		if r[n].Sub(r[n-1]) >= timing.IdlePoll && r[n-1].Sub(r[n-2]) >= timing.IdlePoll {
			break
		}
		if r[n].After(deadline) {
			t.Fatalf("an idle follower read the log %d times in 10s and still not once per IdlePoll (%v)", n+1, timing.IdlePoll)
		}
	}
	const window = 4 * time.Second
	from := time.Now()
	time.Sleep(window) // the window measured
	idle := 0
	for _, at := range reads() {
		if at.After(from) && at.Before(from.Add(window)) {
			idle++
		}
	}
	// Polling every Poll would be 200 reads; every IdlePoll, 8 (one more at an edge).
	if most := int(window/timing.IdlePoll) + 1; idle > most {
		t.Fatalf("an idle follower read the log %d times in %v, want at most %d (one per IdlePoll %v)", idle, window, most, timing.IdlePoll)
	}

	// The watcher follows from the log's position now, however late its goroutine starts.
	pos, err := writer.CurrentSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := make(chan time.Time, 16)
	go func() {
		_ = follower.Follow(ctx, store.Token(pos), false, func(*store.Doc[note], string) error { seen <- time.Now(); return nil })
	}()
	written := time.Now()
	if _, err := writer.Create(ctx, &store.Doc[note]{Name: "notes/a", Body: note{"v1"}}); err != nil {
		t.Fatal(err)
	}
	// The README's bound, with the production IdlePoll of 500 ms.
	const bound = time.Second
	var at time.Time
	select {
	case at = <-seen:
		t.Logf("seen by the other replica's watcher %v after the write", at.Sub(written).Round(time.Millisecond))
	case <-time.After(bound):
		t.Fatalf("a change after a quiet spell did not reach the other replica's watcher within %v", bound)
	}

	// After the change the follower reads every Poll again, backing off anew (20, 40, 80,
	// 160 ms...): the read after the one that found it (or one of the next few) comes
	// well within IdlePoll, where an idle follower waits IdlePoll.
	rs := reads()
	before := len(rs) - 1
	for before > 0 && rs[before].After(at) {
		before--
	}
	r := waitReads(before+1, "after the change")
	if gap := r[before+1].Sub(r[before]); gap >= timing.IdlePoll {
		t.Fatalf("after a change the follower waited %v before it read the log again, want it back near Poll (%v)", gap.Round(time.Millisecond), timing.Poll)
	}
}

// TestSyncCatchesUpASeldomFollower: a replica whose follower polls seldom holds another
// replica's change once it has called Sync, at once; Sync reads the log only when the
// process has not seen its end within the bound it is given.
func TestSyncCatchesUpASeldomFollower(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	var mu sync.Mutex
	reads := 0 // the reader's reads of the log
	count := &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		if e.CommandName == "find" && e.Command.Lookup("find").StringValue() == "notes_log" {
			mu.Lock()
			reads++
			mu.Unlock()
		}
	}}
	logReads := func() int {
		mu.Lock()
		defer mu.Unlock()
		return reads
	}
	seldom := store.Timing{Poll: time.Hour, WriteTimeout: 2 * time.Second, Settle: 2500 * time.Millisecond}
	reader := replicasOn(t, storetest.Monitored(t, db, count), 1, seldom)[0]
	writer := replicasOn(t, db, 1, fast)[0]
	listed := func() int {
		t.Helper()
		all, err := reader.List(ctx, store.Selector[note]{Order: "by_name"})
		if err != nil {
			t.Fatal(err)
		}
		return len(all)
	}
	if _, err := writer.Create(ctx, &store.Doc[note]{Name: "notes/a", Body: note{"v1"}}); err != nil {
		t.Fatal(err)
	}
	if n := listed(); n != 0 {
		t.Fatalf("the reader's follower read the log within its hour: %d listed", n)
	}
	before := logReads()
	if err := reader.Sync(ctx, time.Hour); err != nil { // it saw the end at load, less than an hour ago
		t.Fatal(err)
	}
	if n := listed(); n != 0 || logReads() != before {
		t.Fatalf("Sync within an hour of the load read the log (%d reads) or listed %d", logReads()-before, n)
	}
	if err := reader.Sync(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if n := listed(); n != 1 {
		t.Fatalf("after Sync the reader lists %d notes, want the writer's 1", n)
	}
}

// TestCommitWakesAnIdleFollower: a commit of the follower's own process cuts its idle wait
// short, so that a collection tuned to poll seldom still settles and snapshots its own
// writes from the next Poll (a follower asleep for its IdlePoll through a burst of writes
// left them to the next start).
func TestCommitWakesAnIdleFollower(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	var mu sync.Mutex
	var readAt []time.Time // the follower's reads of the log
	count := &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		if e.CommandName == "find" && e.Command.Lookup("find").StringValue() == "notes_log" {
			mu.Lock()
			readAt = append(readAt, time.Now())
			mu.Unlock()
		}
	}}
	reads := func() []time.Time {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(readAt)
	}
	timing := store.Timing{Poll: 20 * time.Millisecond, IdlePoll: time.Hour, WriteTimeout: 2 * time.Second, Settle: 2500 * time.Millisecond}
	c := replicasOn(t, storetest.Monitored(t, db, count), 1, timing)[0]
	// The wait doubles from 20 ms: once two reads are 2.56 s apart, the next comes 5.12 s
	// after the last.
	var last time.Time
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if r := reads(); len(r) >= 2 && r[len(r)-1].Sub(r[len(r)-2]) >= 2560*time.Millisecond {
			last = r[len(r)-1]
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the follower did not back off")
		}
	}
	n := len(reads())
	if _, err := c.Create(ctx, &store.Doc[note]{Name: "notes/a", Body: note{"v1"}}); err != nil {
		t.Fatal(err)
	}
	committed := time.Now()
	for {
		if r := reads(); len(r) > n {
			if r[n].Sub(last) >= 5120*time.Millisecond {
				t.Fatalf("the follower read the log %v after the commit, at the end of its idle wait", r[n].Sub(committed))
			}
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}
