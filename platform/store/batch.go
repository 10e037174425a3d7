package store

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tansiq/tansiq/platform/apperr"
)

// maxBatchRetries bounds a batch's compare-and-swap loop: a batch takes longer to insert
// than a single change, so under a steady stream of other writers it loses more often.
const maxBatchRetries = 4 * maxConflictRetries

// CreateMany stores docs, each under its own request id (required), as if by Create one
// after another, but commits them with one insert of consecutive log entries and
// materialises them with one bulk write: for loading archives, where a round trip per
// document would take too long. It returns how many it stored; a document whose request
// id is stored already (by an earlier load, say) is skipped, and one whose request id was
// stored for a different request is REQUEST_ID_REUSED.
//
// The compare-and-swap is Create's: the batch is decided on the cache at position p and
// inserted as entries p+1, p+2, ... in order. If another process took one of them, the
// entries before it are committed (the log stays dense), the cache catches up and the
// rest is decided again. A document whose name exists fails the batch with ALREADY_EXISTS
// before anything of it is written.
func (c *Collection[T]) CreateMany(ctx context.Context, docs []*Doc[T]) (int, error) {
	for i, d := range docs {
		if d.RequestID == "" {
			var v apperr.Violations
			v.Add(apperr.Index("request_id", i), "every document of a batch needs a request id")
			return 0, v.Err()
		}
		if d.Change == "" {
			d.Change = "created"
		}
	}
	if err := c.ready(ctx); err != nil {
		return 0, err
	}
	select {
	case c.commitSem <- struct{}{}:
	case <-ctx.Done():
		return 0, failed(ctx, "commit batch", ctx.Err())
	}
	if err := c.refresh(ctx); err != nil {
		<-c.commitSem
		return 0, failed(ctx, "read log of "+c.coll.Name(), err)
	}
	stored := 0
	for attempt := 0; ; attempt++ {
		entries, err := c.decideBatch(docs)
		if err != nil || len(entries) == 0 {
			<-c.commitSem
			return stored, err
		}
		wctx, cancel := context.WithTimeout(ctx, c.timing.WriteTimeout)
		_, err = c.log.InsertMany(wctx, entries, options.InsertMany().SetOrdered(true))
		cancel()
		if err == nil {
			for _, e := range entries {
				c.apply(e.(*entry[T]))
			}
			c.fresh(entries[0].(*entry[T]).Time) // as in commit
			<-c.commitSem
			c.materialiseBatch(ctx, entries)
			return stored + len(entries), nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			<-c.commitSem
			return stored, failed(ctx, "commit batch", err)
		}
		if attempt >= maxBatchRetries {
			<-c.commitSem
			return stored, apperr.New(apperr.KindAborted, "CONCURRENT_CHANGE", "the collection is changing too often for a batch: retry")
		}
		// Another process took an entry: those before it are ours and committed. Catch up
		// (which applies them) and decide the rest again.
		var bwe mongo.BulkWriteException
		if errors.As(err, &bwe) && len(bwe.WriteErrors) > 0 {
			stored += bwe.WriteErrors[0].Index
		}
		if err := c.catchUp(ctx); err != nil {
			<-c.commitSem
			return stored, failed(ctx, "read log of "+c.coll.Name(), err)
		}
	}
}

// decideBatch returns the log entries that create the documents of docs not yet stored,
// numbered from the cache's position on.
func (c *Collection[T]) decideBatch(docs []*Doc[T]) ([]any, error) {
	c.state.mu.RLock()
	defer c.state.mu.RUnlock()
	pos := c.state.pos
	now := c.now().UTC()
	names := map[string]bool{}
	var entries []any
	for _, d := range docs {
		if priorName, ok := c.state.requests[d.RequestID]; ok {
			if prior := c.state.docs[priorName]; prior != nil && prior.RequestHash != d.RequestHash {
				return nil, apperr.RequestIDReused(d.RequestID)
			}
			continue
		}
		if _, exists := c.state.docs[d.Name]; exists || names[d.Name] {
			return nil, apperr.AlreadyExists(d.Name)
		}
		names[d.Name] = true
		nd := *d
		nd.CreateTime = now.Truncate(time.Millisecond)
		nd.UpdateTime = nd.CreateTime
		nd.Etag = NewID()
		pos++
		nd.Seq = pos
		entries = append(entries, &entry[T]{ID: seqKey(pos), Seq: pos, Time: now, Doc: &nd})
	}
	return entries, nil
}

// materialiseBatch writes the cache's current state of each name the committed entries
// created with one bulk write, holding their stripes so that no other materialisation of
// those names interleaves; what fails is left to settle, which repairs it.
func (c *Collection[T]) materialiseBatch(ctx context.Context, entries []any) {
	locked := map[*sync.Mutex]bool{}
	for i := range c.stripes { // in one order, so two batches never wait on each other
		for _, e := range entries {
			if mu := c.stripe(e.(*entry[T]).Doc.Name); mu == &c.stripes[i] && !locked[mu] {
				mu.Lock()
				locked[mu] = true
			}
		}
	}
	defer func() {
		for mu := range locked {
			mu.Unlock()
		}
	}()
	models := make([]mongo.WriteModel, 0, len(entries))
	c.state.mu.RLock()
	for _, e := range entries {
		if cur := c.state.docs[e.(*entry[T]).Doc.Name]; cur != nil {
			models = append(models, mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: cur.Name}}).SetReplacement(cur).SetUpsert(true))
		}
	}
	c.state.mu.RUnlock()
	if len(models) == 0 {
		return
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timing.WriteTimeout)
	defer cancel()
	if _, err := c.coll.BulkWrite(wctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
		return
	}
	for _, e := range entries {
		en := e.(*entry[T])
		c.markStored(en.Doc.Name, en.Seq)
	}
}
