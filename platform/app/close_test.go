package app

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tansiq/tansiq/platform/store"
)

type item struct {
	Title string `bson:"title"`
}

// closeTiming polls the log never (a commit cuts an idle wait short only to Poll), so no
// snapshot is written but the one at close.
var closeTiming = store.Timing{Poll: time.Hour, IdlePoll: time.Hour, SnapshotAfter: 10}

// TestStopClosesTheCollections: a process stopped (SIGTERM, Ctrl-C) right after writes
// closes its collections once it has stopped serving: the materialiser writes what it
// gathered and, the log having grown by SnapshotAfter since the newest snapshot, a snapshot
// is left at the last write, its entries marked materialised. So the next start loads that
// snapshot and reads no log entry after it, nor any entry back.
func TestStopClosesTheCollections(t *testing.T) {
	const writes = 40
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	written := make(chan error, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"--listen", "127.0.0.1:0", "--data-dir", dir, "--log-level", "error", "--insecure-no-auth"},
			Options{Name: "closetest"}, func(ctx context.Context, rt *Runtime) error {
				c := store.NewCollection[item](rt.DB.Database, "items")
				c.Tune(closeTiming)
				if err := c.Load(ctx); err != nil {
					return err
				}
				for i := range writes {
					id := fmt.Sprintf("items/%02d", i)
					if _, err := c.Create(ctx, &store.Doc[item]{Name: id, RequestID: id, Body: item{"x"}}); err != nil {
						written <- err
						return nil
					}
				}
				written <- nil
				return nil
			})
	}()
	select {
	case err := <-written:
		if err != nil {
			t.Fatalf("create: %v", err)
		}
	case err := <-done:
		t.Fatalf("Run: %v", err)
	}
	cancel() // as SIGTERM does
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}

	// The next start.
	db, err := store.Open(context.Background(), store.Options{DataDir: dir, Database: "tansiq_closetest"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close(context.Background()) }()
	n, err := db.Collection("items").CountDocuments(context.Background(), bson.D{})
	if err != nil || n != writes {
		t.Errorf("%d documents materialised (%v), want %d", n, err, writes)
	}
	logs := &loaderLog{}
	prev := slog.Default()
	slog.SetDefault(slog.New(logs))
	c := store.NewCollection[item](db.Database, "items")
	c.Tune(closeTiming)
	err = c.Load(context.Background())
	slog.SetDefault(prev)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("from_snapshot=true base=%d log_entries_after=0", writes)
	if got := logs.loaded(); !strings.Contains(got, want) {
		t.Errorf("the next start: %q, want %s", got, want)
	}
	// The entries above the checkpoint the snapshot lists are marked materialised: the next
	// start reads none of them back.
	var head struct {
		Unsettled []struct {
			Stored bool `bson:"stored"`
		} `bson:"unsettled"`
	}
	if err := db.Collection("items_snap").FindOne(context.Background(), bson.D{{Key: "_id", Value: bson.D{{Key: "$regex", Value: "^head/"}}}},
		options.FindOne().SetSort(bson.D{{Key: "n", Value: -1}})).Decode(&head); err != nil {
		t.Fatal(err)
	}
	for _, u := range head.Unsettled {
		if !u.Stored {
			t.Fatalf("the snapshot lists an entry not marked materialised: the next start reads it back")
		}
	}
}

// loaderLog keeps the store's "loaded" line.
type loaderLog struct {
	mu   sync.Mutex
	line string
}

func (l *loaderLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *loaderLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *loaderLog) WithGroup(string) slog.Handler            { return l }
func (l *loaderLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "store: loaded" {
		return nil
	}
	var b strings.Builder
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, "%s=%v ", a.Key, a.Value)
		return true
	})
	l.mu.Lock()
	l.line = b.String()
	l.mu.Unlock()
	return nil
}

func (l *loaderLog) loaded() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.line
}
