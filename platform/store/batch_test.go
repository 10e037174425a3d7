package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

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
// collection end up holding all of them, and loading a batch again stores nothing.
func TestCreateManyBesideAnotherReplica(t *testing.T) {
	ctx := context.Background()
	rs := replicas(t, 2, fast)
	var wg sync.WaitGroup
	singles := 60
	wg.Go(func() {
		for i := range singles {
			if _, err := rs[1].Create(ctx, &store.Doc[note]{Name: fmt.Sprintf("notes/single-%d", i), RequestID: fmt.Sprintf("single-%d", i)}); err != nil {
				t.Error(err)
			}
		}
	})
	stored := 0
	for b := range 6 {
		n, err := rs[0].CreateMany(ctx, batchOf(fmt.Sprintf("batch%d", b), 50))
		if err != nil {
			t.Fatal(err)
		}
		stored += n
	}
	wg.Wait()
	if stored != 300 {
		t.Fatalf("CreateMany stored %d, want 300", stored)
	}
	want := 300 + singles
	for i, r := range rs {
		waitFor(t, func() bool {
			all, err := r.List(ctx, store.Selector[note]{Order: "by_name"})
			return err == nil && len(all) == want
		})
		if seq, err := r.CurrentSeq(ctx); err != nil || seq != int64(want) {
			t.Errorf("replica %d: log at %d (%v), want %d entries with no gap", i, seq, err, want)
		}
	}
	waitFor(t, func() bool {
		all, err := rs[1].Find(ctx, nil, nil, 0)
		return err == nil && len(all) == want
	})
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
