package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/embedded"
	"github.com/tansiq/tansiq/platform/store/storetest"
)

// logEntry is what these tests read of a log entry.
type logEntry struct {
	Seq int64            `bson:"seq"`
	Doc *store.Doc[note] `bson:"doc"`
}

// readLog returns the whole log of the notes collection, in sequence order.
func readLog(t *testing.T, db *mongo.Database) []logEntry {
	t.Helper()
	cur, err := db.Collection("notes_log").Find(context.Background(), bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		t.Fatal(err)
	}
	var out []logEntry
	if err := cur.All(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestGroupCommitAcrossReplicas: two processes, each with many callers at once creating
// records and appending to shared ones (no etag), so that commits are grouped and groups of
// the two processes collide. The log ends dense (1..n), every acknowledged create is in it
// exactly once, every caller's acknowledged writes are in it in the order they were made,
// and no append is lost: each shared record holds every acknowledged append, and each log
// entry of it extends the state before it by one append.
func TestGroupCommitAcrossReplicas(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	rs := replicasOn(t, db, 2, fast)
	shared := []string{"notes/s0", "notes/s1"}
	for _, name := range shared {
		if _, err := rs[0].Create(ctx, &store.Doc[note]{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	const callers, each = 6, 12
	type ack struct {
		name, token string
		seq         int64
	}
	var mu sync.Mutex
	acked := map[string][]ack{} // caller -> its acknowledged writes, in the order made
	var wg sync.WaitGroup
	for r := range rs {
		for c := range callers {
			caller := fmt.Sprintf("r%dc%d", r, c)
			wg.Go(func() {
				for i := range each {
					var d *store.Doc[note]
					var err error
					token := fmt.Sprintf("%s-%d", caller, i)
					if i%2 == 0 {
						d, err = rs[r].Create(ctx, &store.Doc[note]{Name: "notes/" + token, RequestID: token, Body: note{token}})
					} else {
						name := shared[(c+i)%len(shared)]
						d, err = rs[r].Update(ctx, store.Change{Name: name, Verb: "appended"}, func(d *store.Doc[note]) error {
							d.Body.Text += " " + token
							return nil
						})
					}
					if err != nil {
						t.Errorf("%s: %v", token, err)
						continue
					}
					mu.Lock()
					acked[caller] = append(acked[caller], ack{d.Name, token, d.Seq})
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()

	log := readLog(t, db)
	for i, e := range log {
		if e.Seq != int64(i+1) {
			t.Fatalf("log entry %d has sequence %d: a gap", i+1, e.Seq)
		}
	}
	creates := map[string]int{}
	last := map[string]string{} // shared name -> its state before the entry
	for _, e := range log {
		if !slices.Contains(shared, e.Doc.Name) {
			creates[e.Doc.Name]++
			continue
		}
		before := last[e.Doc.Name]
		if added, ok := strings.CutPrefix(e.Doc.Body.Text, before+" "); e.Doc.Change == "appended" && (!ok || strings.Contains(added, " ")) {
			t.Fatalf("entry %d of %s: %q does not extend %q by one append: an update decided on a stale state", e.Seq, e.Doc.Name, e.Doc.Body.Text, before)
		}
		last[e.Doc.Name] = e.Doc.Body.Text
	}
	for caller, acks := range acked {
		for i, a := range acks {
			if a.seq < 1 || a.seq > int64(len(log)) || !strings.Contains(log[a.seq-1].Doc.Body.Text, a.token) || log[a.seq-1].Doc.Name != a.name {
				t.Fatalf("%s acknowledged %s at %d, which the log does not hold", caller, a.token, a.seq)
			}
			if i > 0 && a.seq <= acks[i-1].seq {
				t.Fatalf("%s: %s committed at %d, not after its earlier write at %d", caller, a.token, a.seq, acks[i-1].seq)
			}
			if a.name != "notes/"+a.token {
				if !strings.Contains(last[a.name]+" ", " "+a.token+" ") {
					t.Fatalf("append %s acknowledged and lost: %s is %q", a.token, a.name, last[a.name])
				}
			} else if creates[a.name] != 1 {
				t.Fatalf("create %s is in the log %d times", a.name, creates[a.name])
			}
		}
		if len(acks) != each {
			t.Fatalf("%s: %d writes acknowledged, want %d", caller, len(acks), each)
		}
	}
	for _, r := range rs {
		waitFor(t, func() bool { seq, err := r.CurrentSeq(ctx); return err == nil && seq == int64(len(log)) })
		for _, name := range shared {
			if d, err := r.Get(ctx, name); err != nil || d.Body.Text != last[name] {
				t.Fatalf("cache holds %s as %v (%v), the log as %q", name, d, err, last[name])
			}
		}
	}
}

// TestGroupCommitAcknowledgesOnlyWhatItCommitted: many callers create at once while the
// store stops under them, so groups fail half-way through their insert. Every create that
// was acknowledged is found by a process loading the restarted store, exactly once in a
// log without gaps; what was not acknowledged may or may not be there, once at most.
func TestGroupCommitAcknowledgesOnlyWhatItCommitted(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func() (*embedded.Server, *mongo.Database) {
		t.Helper()
		srv, err := embedded.Start(ctx, dir, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		client, err := mongo.Connect(options.Client().ApplyURI(srv.URI()).SetServerSelectionTimeout(500 * time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = client.Disconnect(context.Background()); srv.Stop() })
		return srv, client.Database("durable")
	}
	srv, db := open()
	c := store.NewCollection[note](db, "notes")
	c.Tune(store.Timing{WriteTimeout: time.Second})
	var mu sync.Mutex
	var acked []string
	var lastErr error
	// Callers create until the store is gone (their first refusal), or for 3 s after it.
	stopAt, stopped := make(chan struct{}), make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stopped: // long enough without the store: acknowledged now would be a lie
					return
				default:
				}
				name := fmt.Sprintf("notes/w%d-%d", w, i)
				_, err := c.Create(ctx, &store.Doc[note]{Name: name, RequestID: name})
				if err != nil {
					mu.Lock()
					lastErr = err
					mu.Unlock()
					return // the store is down: this caller stops
				}
				mu.Lock()
				acked = append(acked, name)
				if len(acked) == 40 {
					once.Do(func() { close(stopAt) })
				}
				mu.Unlock()
			}
		})
	}
	allStopped := make(chan struct{})
	go func() { wg.Wait(); close(allStopped) }()
	select {
	case <-stopAt:
	case <-allStopped: // not a hang: say why
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("every caller failed before 40 creates were acknowledged, with the store up; the last: %v", lastErr)
	}
	srv.Stop()
	time.AfterFunc(3*time.Second, func() { close(stopped) })
	wg.Wait()
	c.Close(context.Background())

	_, db = open()
	log := readLog(t, db)
	seen := map[string]int{}
	for i, e := range log {
		if e.Seq != int64(i+1) {
			t.Fatalf("log entry %d has sequence %d: a gap", i+1, e.Seq)
		}
		seen[e.Doc.Name]++
	}
	fresh := store.NewCollection[note](db, "notes")
	var lost []string
	for _, name := range acked {
		if seen[name] != 1 {
			lost = append(lost, fmt.Sprintf("%s is in the log %d times", name, seen[name]))
		}
		if _, err := fresh.Get(ctx, name); err != nil {
			lost = append(lost, fmt.Sprintf("%s after the restart: %v", name, err))
		}
	}
	if len(lost) > 0 {
		t.Errorf("%d of %d acknowledged creates not kept exactly once, first: %s", len(lost), len(acked), strings.Join(lost[:min(len(lost), 5)], "; "))
	}
	if len(acked) < 40 {
		t.Fatalf("%d creates acknowledged before the stop, want 40 or more", len(acked))
	}
}

// TestGroupCommitGathersWritersThatCameTogether: after a group of four, the next group
// waits for four writes (up to CommitGather), so four writers arriving one after another,
// as callers that committed together come back from the rest of their calls, are
// committed with one insert of the log, not one each.
func TestGroupCommitGathersWritersThatCameTogether(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	var logInserts atomic.Int64
	count := &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		if e.CommandName == "insert" && e.Command.Lookup("insert").StringValue() == "notes_log" {
			logInserts.Add(1)
		}
	}}
	timing := fast
	timing.CommitGather = time.Minute // the wait ends when the writes are there, not by time
	c := replicasOn(t, storetest.Monitored(t, db, count), 1, timing)[0]
	var done atomic.Int64
	var wg sync.WaitGroup
	create := func(name string) {
		wg.Go(func() {
			if _, err := c.Create(ctx, &store.Doc[note]{Name: name}); err != nil {
				t.Error(err)
			}
			done.Add(1)
		})
	}

	// A group of four: they queue while a write committed alone holds the committer.
	checking, held := make(chan struct{}), make(chan error, 1)
	go func() {
		_, err := c.CreateChecked(ctx, &store.Doc[note]{Name: "notes/held"}, func(context.Context) error {
			close(checking)
			for deadline := time.Now().Add(5 * time.Second); store.Queued(c) < 4; time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					return fmt.Errorf("%d writes queued behind the held one, want 4", store.Queued(c))
				}
			}
			return nil
		})
		held <- err
	}()
	<-checking
	for i := range 4 {
		create(fmt.Sprintf("notes/first-%d", i))
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if got := logInserts.Load(); got != 2 {
		t.Fatalf("the held write and four queued behind it took %d inserts of the log, want 2", got)
	}

	// Four writers one after another: each starts once the one before it is queued (or
	// committed).
	done.Store(0)
	for i := range 4 {
		create(fmt.Sprintf("notes/second-%d", i))
		if i < 3 {
			waitFor(t, func() bool { return int64(store.Queued(c))+done.Load() == int64(i+1) })
		}
	}
	wg.Wait()
	if got := logInserts.Load() - 2; got != 1 {
		t.Errorf("four writers after a group of four took %d inserts of the log, want 1", got)
	}
	if seq, err := c.CurrentSeq(ctx); err != nil || seq != 9 {
		t.Fatalf("log position %d (%v), want 9", seq, err)
	}
}
