package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
)

func batchOf(prefix string, n int) []*store.Doc[note] {
	docs := make([]*store.Doc[note], n)
	for i := range docs {
		docs[i] = &store.Doc[note]{Name: fmt.Sprintf("notes/%s-%d", prefix, i), RequestID: fmt.Sprintf("%s-%d", prefix, i), RequestHash: "h", Body: note{prefix}}
	}
	return docs
}

// TestCreateManyBesideAnotherReplica: batches committed on one replica while another
// creates one at a time: every document is stored once, both caches and the document
// collection end up holding all of them, and loading a batch again stores nothing. What it
// checks does not depend on the machine's speed: writes get a timeout no working store
// exceeds, the caches are read to the log's end (CurrentSeq) before they are looked at, and
// the wait for the document collection (which settle repairs after Settle where a batch's
// first entries were committed before a conflict) is only a guard against a hang.
func TestCreateManyBesideAnotherReplica(t *testing.T) {
	ctx := context.Background()
	began := time.Now()
	patient := store.Timing{Poll: 20 * time.Millisecond, WriteTimeout: 10 * time.Second, Settle: 11 * time.Second}
	rs := replicas(t, 2, patient)
	const singles = 60
	singlesDone := make(chan error, 1)
	go func() {
		for i := range singles {
			if _, err := rs[1].Create(ctx, &store.Doc[note]{Name: fmt.Sprintf("notes/single-%d", i), RequestID: fmt.Sprintf("single-%d", i)}); err != nil {
				singlesDone <- fmt.Errorf("single %d: %w", i, err)
				return
			}
		}
		singlesDone <- nil
	}()
	stored := 0
	var batchErr error
	for b := range 6 {
		n, err := rs[0].CreateMany(ctx, batchOf(fmt.Sprintf("batch%d", b), 50))
		if err != nil {
			batchErr = fmt.Errorf("batch %d: %w", b, err)
			break
		}
		stored += n
	}
	if err := errors.Join(batchErr, <-singlesDone); err != nil {
		t.Fatal(err)
	}
	if stored != 300 {
		t.Fatalf("CreateMany stored %d, want 300", stored)
	}
	want := 300 + singles
	t.Logf("written in %v", time.Since(began).Round(time.Millisecond))
	for i, r := range rs {
		if seq, err := r.CurrentSeq(ctx); err != nil || seq != int64(want) {
			t.Fatalf("replica %d: log at %d (%v), want %d entries with no gap", i, seq, err, want)
		}
		if all, err := r.List(ctx, store.Selector[note]{Order: "by_name"}); err != nil || len(all) != want {
			t.Fatalf("replica %d: cache holds %d documents (%v) at the log's end, want %d", i, len(all), err, want)
		}
	}
	var found int
	for deadline := time.Now().Add(2 * time.Minute); found != want; time.Sleep(100 * time.Millisecond) {
		all, err := rs[1].Find(ctx, nil, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if found = len(all); found != want && time.Now().After(deadline) {
			t.Fatalf("the document collection holds %d documents 2 minutes after the writes, want %d", found, want)
		}
	}
	t.Logf("materialised after %v", time.Since(began).Round(time.Millisecond))
	if n, err := rs[1].CreateMany(ctx, batchOf("batch3", 50)); err != nil || n != 0 {
		t.Fatalf("loading a batch again stored %d (%v), want 0", n, err)
	}
}

// TestCreateManyRefusesWholeBatch: a taken name or a reused request id refuses the batch
// before any of it is written.
func TestCreateManyRefusesWholeBatch(t *testing.T) {
	ctx := context.Background()
	c := replicas(t, 1, fast)[0]
	if _, err := c.Create(ctx, &store.Doc[note]{Name: "notes/x-3", RequestID: "other", RequestHash: "h"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateMany(ctx, batchOf("x", 5)); !apperr.IsKind(err, apperr.KindAlreadyExists) {
		t.Fatalf("batch with a taken name: %v, want ALREADY_EXISTS", err)
	}
	reused := batchOf("y", 5)
	reused[4].RequestID, reused[4].RequestHash = "other", "different"
	if _, err := c.CreateMany(ctx, reused); !apperr.IsKind(err, apperr.KindInvalidArgument) {
		t.Fatalf("batch reusing a request id: %v, want REQUEST_ID_REUSED", err)
	}
	if seq, err := c.CurrentSeq(ctx); err != nil || seq != 1 {
		t.Fatalf("log at %d (%v) after refused batches, want 1", seq, err)
	}
}
