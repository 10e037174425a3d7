package store

import (
	"context"
	"time"
)

// LoadedFrom is the position of the snapshot c's cache was loaded from, 0 if it was
// loaded in full from the materialised collection.
func LoadedFrom[T any](c *Collection[T]) int64 { return c.loadedAt.Load() }

// SnapshotAt is the position of the newest snapshot of c's collection, 0 if there is none.
func SnapshotAt[T any](ctx context.Context, c *Collection[T]) (int64, error) {
	h, _, err := c.latestHead(ctx)
	if h == nil {
		return 0, err
	}
	return h.Seq, err
}

// Snapshot writes a snapshot of c's cache now, as its follower does when one is due,
// unless the newest one is at its position already. It takes the follower's turn (the
// snapping flag): one the follower is writing ends first, and none starts meanwhile, so
// no snapshot of an older position is written after it by this process.
func Snapshot[T any](ctx context.Context, c *Collection[T]) error {
	if err := c.ready(ctx); err != nil {
		return err
	}
	for !c.snapping.CompareAndSwap(false, true) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
	defer c.snapping.Store(false)
	cp, _, err := c.readCheckpoint(ctx)
	if err != nil {
		return err
	}
	// Entries up to the stored checkpoint are materialised, and pending holds every applied
	// entry above the one this process last wrote, which the stored one is at least.
	return c.writeSnapshot(ctx, c.capture(cp))
}

// WriteOrphanChunks writes the chunks of a snapshot of c's cache and no head, as a writer
// that dies before it takes its head leaves them.
func WriteOrphanChunks[T any](ctx context.Context, c *Collection[T]) error {
	if err := c.ready(ctx); err != nil {
		return err
	}
	_, hint, err := c.latestHead(ctx)
	if err != nil {
		return err
	}
	gen, err := c.claimGen(ctx, hint)
	if err != nil {
		return err
	}
	cp := c.capture(0)
	return c.writeChunks(ctx, &snapHead{Gen: seqKey(gen)}, cp, -1)
}

// Timing is c's timing, defaults applied.
func (c *Collection[T]) Timing() Timing { return c.timing }

// HoldSnapshots keeps c's follower from starting a snapshot for d, as after a failed one.
func HoldSnapshots[T any](c *Collection[T], d time.Duration) {
	c.snapWait.Store(c.now().Add(d).UnixNano())
}

// Queued is how many writes wait in c's queue for a group commit.
func Queued[T any](c *Collection[T]) int { return c.queueLen() }

// Unsettled is how many applied entries c keeps above its checkpoint, and how many of
// those its settle will read back from the document collection (it did not materialise
// them, nor did the writer of the snapshot it loaded them from).
func Unsettled[T any](c *Collection[T]) (pending, unchecked int) {
	c.pendMu.Lock()
	defer c.pendMu.Unlock()
	for _, p := range c.pending {
		if !p.stored {
			unchecked++
		}
	}
	return len(c.pending), unchecked
}

// Pings is how many pings db's Ready sent.
func Pings(db *DB) int64 { return db.pings.Load() }

// HeadLists is what the newest head of c lists above its writer's checkpoint: entries
// with their names, and runs of entries its writer had materialised; and its checkpoint
// and position.
func HeadLists[T any](ctx context.Context, c *Collection[T]) (named, runs int, checkpoint, seq int64, err error) {
	head, _, err := c.latestHead(ctx)
	if err != nil || head == nil {
		return 0, 0, 0, 0, err
	}
	return len(head.Unsettled), len(head.Stored), head.Checkpoint, head.Seq, nil
}
