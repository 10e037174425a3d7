package store

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tansiq/tansiq/platform/apperr"
)

// Pruning the change log. Readers of the log are the processes' followers (and a commit's
// catch-up) and a load, which replays it from the checkpoint; watchers are served from the
// cache. An entry may go once every reader can do without it: it is materialised (at or
// below the checkpoint), at least Timing.Keep newer entries exist, and it is older than
// Timing.KeepFor. Every process prunes, every Timing.PruneEvery; two pruning at once
// delete the same entries, which is harmless.
//
// The log is pruned in blocks of pruneBlock entries, from the oldest. Before it deletes a
// block, a pruner inserts the block's mark ("<collection>/log/pruned/<last seq>") in
// "counters": an insert with a unique _id is atomic on every store, so a reader that finds
// the mark knows the block may be gone. Marks are never deleted (one small document per
// pruneBlock changes). The hint ("<collection>/log/pruned") is the highest block end known
// pruned, raised after the fact: it only saves a process probing every mark from the start.
//
// A missing entry p+1 then means either "not written yet" or "pruned". A process that saw
// p+1 missing less than KeepFor/2 ago knows which: an entry written since is younger than
// that, so nobody may have pruned it. A process that did not (it was cut off from the
// store, or stopped, for that long) reads the block's mark, and if it is there reloads the
// cache from the materialised collection before it decides or inserts anything: so it
// never re-inserts a pruned sequence number, and converges. This rests on clocks agreeing
// to within KeepFor/2 and on no process stalling for KeepFor/2 inside one write.
const pruneBlock = 64

// ErrResumeTokenExpired ends a watch resumed from a position older than the log keeps: the
// client starts again from a snapshot (a watch without a token), as a Kubernetes client
// re-lists on the watch cache's 410 Gone.
var ErrResumeTokenExpired = &apperr.Error{Kind: apperr.KindOutOfRange, Reason: "RESUME_TOKEN_EXPIRED",
	Message: "resume_token is older than the changes kept: watch again without it, from a fresh snapshot"}

func (c *Collection[T]) hintID() string { return c.checkpointID() + "/pruned" }

// markID names the mark of the block whose last entry is end.
func (c *Collection[T]) markID(end int64) string { return c.hintID() + "/" + seqKey(end) }

// blockEnd is the last sequence number of the block holding seq.
func blockEnd(seq int64) int64 { return (seq + pruneBlock - 1) / pruneBlock * pruneBlock }

// prunedAt reports whether the block holding seq has been (or is being) pruned.
func (c *Collection[T]) prunedAt(ctx context.Context, seq int64) (bool, error) {
	err := c.counters.FindOne(ctx, bson.D{{Key: "_id", Value: c.markID(blockEnd(seq))}}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	return err == nil, err
}

// stale reports whether this process last saw the end of the log KeepFor/2 ago or more:
// entries after its position may have been pruned since.
func (c *Collection[T]) stale() bool {
	return c.now().Sub(time.Unix(0, c.freshAt.Load())) >= c.timing.KeepFor/2
}

// refresh makes a stale process read the log forward before it decides a commit, so that
// the sequence number it takes next is not a pruned one.
func (c *Collection[T]) refresh(ctx context.Context) error {
	if !c.stale() {
		return nil
	}
	return c.catchUp(ctx)
}

// fresh records that at t no entry after this process's position existed.
func (c *Collection[T]) fresh(t time.Time) { c.freshAt.Store(t.UnixNano()) }

// findHorizon returns the highest sequence number known pruned: the hint or this
// process's own knowledge, then the marks above it, by _id.
func (c *Collection[T]) findHorizon(ctx context.Context) (int64, error) {
	h := c.horizon.Load()
	var hint checkpoint
	err := c.counters.FindOne(ctx, bson.D{{Key: "_id", Value: c.hintID()}}).Decode(&hint)
	switch {
	case err == nil:
		h = max(h, hint.Seq)
	case !errors.Is(err, mongo.ErrNoDocuments):
		return 0, err
	}
	for {
		marked, err := c.prunedAt(ctx, h+1)
		if err != nil {
			return 0, err
		}
		if !marked {
			break
		}
		h += pruneBlock
	}
	c.raiseHorizon(h)
	return h, nil
}

func (c *Collection[T]) raiseHorizon(h int64) {
	for {
		cur := c.horizon.Load()
		if h <= cur || c.horizon.CompareAndSwap(cur, h) {
			return
		}
	}
}

// prune deletes the blocks of the log that every reader can do without (see above). It
// runs in the follower, which alone moves checkAt.
func (c *Collection[T]) prune(ctx context.Context) error {
	// Nothing after the newest snapshot this process knows of: a load from it needs them.
	c.state.mu.RLock()
	limit := min(c.checkAt, c.state.pos-int64(c.timing.Keep), c.snapAt.Load())
	c.state.mu.RUnlock()
	if limit < c.horizon.Load()+pruneBlock {
		return nil // not one block beyond what is known pruned: nothing to read in the store
	}
	h, err := c.findHorizon(ctx)
	if err != nil {
		return err
	}
	cutoff := c.now().Add(-c.timing.KeepFor)
	start := h
	for end := h + pruneBlock; end <= limit; end += pruneBlock {
		last, found, err := c.readEntry(ctx, end)
		if err != nil {
			return err
		}
		if found && !last.Time.Before(cutoff) {
			break // entries are in time order, give or take the clocks: the rest is younger
		}
		if _, err := c.counters.InsertOne(ctx, checkpoint{ID: c.markID(end), Seq: end}); err != nil && !mongo.IsDuplicateKeyError(err) {
			return err
		}
		h = end
		c.raiseHorizon(h) // from now on the block may be gone
		dels := make([]mongo.WriteModel, 0, pruneBlock)
		for seq := end - pruneBlock + 1; seq <= end; seq++ {
			dels = append(dels, mongo.NewDeleteOneModel().SetFilter(bson.D{{Key: "_id", Value: seqKey(seq)}}))
		}
		if _, err := c.log.BulkWrite(ctx, dels, options.BulkWrite().SetOrdered(false)); err != nil {
			return err
		}
	}
	if h == start {
		return nil
	}
	_, err = c.counters.UpdateOne(ctx, bson.D{{Key: "_id", Value: c.hintID()}},
		bson.D{{Key: "$max", Value: bson.D{{Key: "seq", Value: h}}}}, options.UpdateOne().SetUpsert(true))
	return err
}
