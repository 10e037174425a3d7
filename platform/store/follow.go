package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
	"weak"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func asCommandError(err error, ce *mongo.CommandError) bool { return errors.As(err, ce) }

// Load reads the collection into this process's cache and starts its one follower of the
// log. A server calls it before it serves (so its health is not SERVING before the cache
// is loaded); otherwise the first call that needs the cache loads it.
func (c *Collection[T]) Load(ctx context.Context) error { return c.ready(ctx) }

// Close stops the follower, once this process's changes are materialised, and leaves a
// snapshot at its position if the log has grown by SnapshotAfter entries since the newest
// one: a process that wrote a lot and stops (a bulk loader, a server at SIGTERM) does not
// leave the next start a long log to read and its entries to check. Each step gives up
// when ctx ends (a store that is away cannot hang a stop): what is left undone is what a
// crash leaves, which the next start repairs (settle), only slower. A write committed
// during or after Close is committed all the same (the log entry is the commit point).
// DB.Close closes every collection of its database this way.
func (c *Collection[T]) Close(ctx context.Context) {
	_ = c.materialised(ctx)
	c.loadMu.Lock()
	defer c.loadMu.Unlock()
	if c.stop != nil {
		c.stop() // also ends the snapshot its follower is writing
		<-c.stopped
		c.snapWG.Wait()
		c.stop = nil
		c.snapshotAtClose(ctx)
	}
}

func (c *Collection[T]) ready(ctx context.Context) error {
	if c.loaded.Load() {
		return nil // every read asks: no lock once loaded
	}
	c.loadMu.Lock()
	defer c.loadMu.Unlock()
	if c.loaded.Load() {
		return nil
	}
	if err := c.load(ctx); err != nil {
		return failed(ctx, "load "+c.coll.Name(), err)
	}
	fctx, stop := context.WithCancel(context.Background())
	c.stop, c.stopped = stop, make(chan struct{})
	go follow(fctx, weak.Make(c), c.timing, c.committed, c.stopped)
	c.loaded.Store(true)
	opened(c)
	return nil
}

// load fills the cache for the first time and makes it catch up with the log.
func (c *Collection[T]) load(ctx context.Context) error {
	c.state = newCache[T](c.timing.Ring)
	for name, less := range c.orderDecls {
		c.state.orders[name] = &order[T]{less: less}
	}
	for name, keys := range c.indexDecls {
		c.state.indexes[name] = &index[T]{keys: keys, names: map[string]map[string]struct{}{}}
	}
	c.syncSem <- struct{}{} // nobody else uses the collection before it is loaded
	defer func() { <-c.syncSem }()
	t0 := c.now()
	ok, err := c.fromSnapshot(ctx)
	if err != nil {
		return err
	}
	if !ok {
		if c.checkAt, err = c.fill(ctx); err != nil {
			return err
		}
	}
	base := c.position()
	t1 := c.now()
	if ok {
		if err := c.readTail(ctx); err != nil {
			return err
		}
	}
	if err := c.readForward(ctx); err != nil {
		return err
	}
	c.settled(c.checkAt)
	c.state.mu.RLock()
	pos, size := c.state.pos, len(c.state.docs)
	c.state.mu.RUnlock()
	slog.Info("store: loaded", "collection", c.coll.Name(), "documents", size, "from_snapshot", ok, "base", base,
		"log_entries_after", pos-base, "base_ms", t1.Sub(t0).Milliseconds(), "log_ms", c.now().Sub(t1).Milliseconds())
	return nil
}

// fill (re)loads the cache from the materialised collection: the checkpoint first (every
// log entry up to it is materialised), then the documents and tombstones; readForward then
// applies the log after it, in order (a document materialised at a state newer than an
// entry keeps it). It returns the position loaded. The caller holds syncSem.
func (c *Collection[T]) fill(ctx context.Context) (int64, error) {
	base, found, err := c.readCheckpoint(ctx)
	if err != nil {
		return 0, err
	}
	pruned, err := c.findHorizon(ctx)
	if err != nil {
		return 0, err
	}
	var docs []*Doc[T]
	cur, err := c.coll.Find(ctx, bson.D{})
	if err != nil {
		return 0, err
	}
	if err := cur.All(ctx, &docs); err != nil {
		return 0, err
	}
	var gone []tombstone
	cur, err = c.gone.Find(ctx, bson.D{})
	if err != nil {
		return 0, err
	}
	if err := cur.All(ctx, &gone); err != nil {
		return 0, err
	}
	if !found {
		// A store written before the log existed: its log starts after the highest
		// sequence its documents hold. The checkpoint is written before any entry is.
		for _, d := range docs {
			base = max(base, d.Seq)
		}
		_, err := c.counters.InsertOne(ctx, checkpoint{ID: c.checkpointID(), Seq: base})
		if mongo.IsDuplicateKeyError(err) {
			base, _, err = c.readCheckpoint(ctx)
		}
		if err != nil {
			return 0, err
		}
	}
	// Pruning passes only materialised entries, so the horizon is materialised too (the
	// stored checkpoint may have been left below it by two raises at once).
	base = max(base, pruned)
	var after []*entry[T]
	if c.journal {
		// Its documents after the checkpoint are only in its log: read them in one query
		// too, not one by one. readForward reads on from the first one missing.
		cur, err := c.log.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: seqKey(base)}}}})
		if err != nil {
			return 0, err
		}
		if err := cur.All(ctx, &after); err != nil {
			return 0, err
		}
		slices.SortFunc(after, func(a, b *entry[T]) int { return cmp.Compare(a.Seq, b.Seq) })
	}
	c.state.mu.Lock()
	c.state.reset(docs, gone, base)
	c.state.mu.Unlock()
	for _, e := range after {
		if e.Seq != c.position()+1 {
			break
		}
		c.apply(e)
	}
	c.loadedAt.Store(0)
	// Until readForward has seen the end of the log, the entries after base may be being
	// pruned: it checks their mark.
	c.freshAt.Store(0)
	return base, nil
}

// catchUp applies the log entries after the cache's position, reading them by _id until
// the first that does not exist. Entries are dense: a writer takes sequence n+1 only after
// it has seen n, so no later entry exists when n+1 does not (unless n+1 was pruned: see
// readForward).
func (c *Collection[T]) catchUp(ctx context.Context) error {
	// Not a mutex: the follower may hold it while the store is away, and a caller waiting
	// behind it must still give up at its own deadline.
	select {
	case c.syncSem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-c.syncSem }()
	return c.readForward(ctx)
}

// Sync makes the cache hold every change committed more than within ago: it reads the log
// forward first, unless this process saw its end less than within ago. A collection whose
// follower is tuned to poll seldom (a long IdlePoll: the audit trail, read rarely) calls it
// before a read, so the read converges as fast as on a collection polled every within.
func (c *Collection[T]) Sync(ctx context.Context, within time.Duration) error {
	if err := c.ready(ctx); err != nil {
		return err
	}
	if c.seenEnd(within) {
		return nil
	}
	select {
	case c.syncSem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-c.syncSem }()
	if c.seenEnd(within) { // another read or the follower caught up meanwhile
		return nil
	}
	if err := c.readForward(ctx); err != nil {
		return failed(ctx, "read log of "+c.coll.Name(), err)
	}
	return nil
}

// seenEnd reports whether this process saw the end of the log less than d ago.
func (c *Collection[T]) seenEnd(d time.Duration) bool {
	at := c.freshAt.Load()
	return at != 0 && c.now().Sub(time.Unix(0, at)) < d
}

// maxRefills bounds the reloads of one catch-up (each needs pruning to overtake the load).
const maxRefills = 3

// readForward is catchUp's loop; the caller holds syncSem. A missing entry ends it, unless
// this process is stale (prune.go) and the entry's block is marked pruned: then the cache
// is reloaded from the materialised collection and the log read on from there.
func (c *Collection[T]) readForward(ctx context.Context) error {
	for refills := 0; ; {
		start := c.now()
		c.state.mu.RLock()
		next := c.state.pos + 1
		c.state.mu.RUnlock()
		e, ok, err := c.readEntry(ctx, next)
		if err != nil {
			return err
		}
		if ok {
			c.apply(e)
			continue
		}
		if c.stale() {
			pruned, err := c.prunedAt(ctx, next)
			if err != nil {
				return err
			}
			if pruned {
				if refills++; refills > maxRefills {
					return fmt.Errorf("log of %s: pruned faster than it can be loaded", c.coll.Name())
				}
				if _, err := c.fill(ctx); err != nil {
					return err
				}
				continue
			}
		}
		c.fresh(start)
		return nil
	}
}

// apply adds e to the cache if it is the next entry, and remembers it for the checkpoint
// (under the cache's lock, so pending stays in sequence order).
func (c *Collection[T]) apply(e *entry[T]) {
	c.state.mu.Lock()
	defer c.state.mu.Unlock()
	if c.state.apply(e) && !e.Fence {
		c.track(e.Seq, e.Doc.Name, false)
	}
}

// follow is the collection's one follower: it reads the log every Poll while it changes,
// backing off to IdlePoll while it is quiet (nextPoll), moves the checkpoint and, every
// PruneEvery, prunes the log, until ctx ends or the collection is garbage (it holds the
// collection only weakly between polls, so a collection dropped without Close, as in
// tests, stops costing the store anything). A commit of this process (committed) cuts an
// idle wait short to Poll: with a long IdlePoll, its entries are still settled and
// snapshotted as soon as on a collection polled often.
func follow[T any](ctx context.Context, wc weak.Pointer[Collection[T]], timing Timing, committed <-chan struct{}, done chan struct{}) {
	defer close(done)
	wait := timing.Poll
	timer := time.NewTimer(wait)
	defer timer.Stop()
	pruned := time.Now()
	seen := int64(-1)
	for {
		select {
		case <-ctx.Done():
			return
		case <-committed:
			if wait > timing.Poll {
				wait = timing.Poll
				timer.Reset(wait)
			}
			continue
		case <-timer.C:
		}
		c := wc.Value()
		if c == nil {
			return
		}
		// A failure (the store is away) is retried at the next poll. A snapshot does not
		// wait for settle: it records the checkpoint and the entries above it as they are.
		if c.catchUp(ctx) == nil {
			settled := c.settle(ctx) == nil
			c.maybeSnapshot(ctx)
			if settled && time.Since(pruned) >= timing.PruneEvery {
				pruned = time.Now()
				_ = c.prune(ctx)
			}
		}
		pos := c.position()
		wait = nextPoll(wait, pos != seen, timing)
		seen = pos
		timer.Reset(wait)
	}
}

// nextPoll is the follower's next wait: Poll after a change (this process's own commits
// count: replicas are busy too), else twice the last wait, up to IdlePoll.
func nextPoll(last time.Duration, changed bool, timing Timing) time.Duration {
	if changed {
		return timing.Poll
	}
	return min(2*last, timing.IdlePoll)
}

// position is the cache's log position: every entry up to it is applied.
func (c *Collection[T]) position() int64 {
	c.state.mu.RLock()
	defer c.state.mu.RUnlock()
	return c.state.pos
}

// track remembers an applied entry until the checkpoint passes it; stored if it is known
// materialised already (a snapshot's writer materialised it).
func (c *Collection[T]) track(seq int64, name string, stored bool) {
	if c.journal {
		return // nothing to materialise: the checkpoint stays, and the log after it is kept
	}
	c.pendMu.Lock()
	defer c.pendMu.Unlock()
	c.pending = append(c.pending, pendingEntry{seq: seq, name: name, seen: c.now(), stored: stored})
}

// markStored records that each name is materialised at a state at least as new as its
// sequence.
func (c *Collection[T]) markStored(names map[string]int64) {
	if len(names) == 0 {
		return
	}
	c.pendMu.Lock()
	defer c.pendMu.Unlock()
	for i := range c.pending {
		if seq, ok := names[c.pending[i].name]; ok && c.pending[i].seq <= seq {
			c.pending[i].stored = true
		}
	}
}

// settleBatch bounds the entries one settle passes, so that after a bulk load the follower
// still reads the log (and snapshots) between the checks, which are a read each.
const settleBatch = 1024

// settle moves the checkpoint past the entries applied at least Settle ago: the process
// that wrote each has finished materialising it or died. An entry this process did not
// materialise itself is checked against the document collection, and repaired there if
// the materialisation is missing or older (its writer died, or a late write of an older
// state overtook it).
func (c *Collection[T]) settle(ctx context.Context) error {
	c.pendMu.Lock()
	cutoff := c.now().Add(-c.timing.Settle)
	n := 0
	for n < len(c.pending) && n < settleBatch && c.pending[n].seen.Before(cutoff) {
		n++
	}
	due := append([]pendingEntry(nil), c.pending[:n]...)
	c.pendMu.Unlock()
	if n == 0 {
		return nil
	}
	check := map[string]int64{} // name -> the latest due change this process did not store
	for _, p := range due {
		if !p.stored {
			check[p.name] = max(check[p.name], p.seq)
		}
	}
	for name, seq := range check {
		if err := c.verify(ctx, name, seq); err != nil {
			return err
		}
	}
	top := due[len(due)-1].seq
	if top > c.checkAt {
		if err := c.raiseCheckpoint(ctx, top); err != nil {
			return err
		}
		c.checkAt = top
	}
	c.pendMu.Lock()
	c.pending = c.pending[n:]
	c.pendMu.Unlock()
	return nil
}

// verify makes sure the document collection holds name at a state at least as new as seq.
func (c *Collection[T]) verify(ctx context.Context, name string, seq int64) error {
	var stored struct {
		Seq int64 `bson:"seq"`
	}
	err := c.coll.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&stored)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		var t tombstone
		err = c.gone.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&t)
		if err == nil && t.Seq >= seq {
			return nil
		}
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return err
		}
	case err != nil:
		return err
	case stored.Seq >= seq:
		return nil
	}
	return c.store(ctx, name)
}

// store writes the cache's current state of name to the document collection (or removes
// it there and keeps its tombstone). Writes for one name are made one at a time in this
// process, each with the newest state, so they cannot overtake one another here.
func (c *Collection[T]) store(ctx context.Context, name string) error {
	mu := c.stripe(name)
	mu.Lock()
	defer mu.Unlock()
	return c.storeLocked(ctx, name)
}

// storeLocked is store for a caller holding name's stripe.
func (c *Collection[T]) storeLocked(ctx context.Context, name string) error {
	c.state.mu.RLock()
	cur, tomb, ok := c.state.current(name)
	c.state.mu.RUnlock()
	if !ok {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, c.timing.WriteTimeout)
	defer cancel()
	if cur != nil {
		_, err := c.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: name}}, cur, options.Replace().SetUpsert(true))
		if err != nil {
			return fmt.Errorf("materialise %s: %w", name, err)
		}
		return nil
	}
	if _, err := c.gone.ReplaceOne(ctx, bson.D{{Key: "_id", Value: name}}, tomb, options.Replace().SetUpsert(true)); err != nil {
		return fmt.Errorf("materialise deletion of %s: %w", name, err)
	}
	if _, err := c.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: name}}); err != nil {
		return fmt.Errorf("materialise deletion of %s: %w", name, err)
	}
	return nil
}
