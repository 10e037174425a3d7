package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tansiq/tansiq/platform/apperr"
)

// maxBatchRetries bounds a batch's compare-and-swap loop: a batch takes longer to insert
// than a single change, so under a steady stream of other writers it loses more often.
const maxBatchRetries = 4 * maxConflictRetries

// CreateMany stores docs, each under its own request id (required), as if by Create one
// after another, but commits them with one insert of consecutive log entries and
// materialises them in bulk: for loading archives, where a round trip per
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
		n := committed(err, len(entries))
		c.applyCommitted(entries[:n], err == nil)
		stored += n
		if err == nil {
			<-c.commitSem
			return stored, nil
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
		// and decide the rest again.
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
		entries = append(entries, &entry[T]{ID: seqKey(pos), Seq: pos, Time: now, Doc: &nd, created: true})
	}
	return entries, nil
}
