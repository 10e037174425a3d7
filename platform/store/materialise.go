package store

import (
	"context"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Materialisation runs after the call, in batches. A committed entry is acknowledged once
// it is in the log and the cache; the document collection, which only a load and queries
// run in the store read, is brought up to date by one materialiser per collection and
// process: it takes every name committed here since its last write and writes the cache's
// current state of each with one bulk write, so c concurrent writes cost about one
// materialisation, and a name changed twice in between is written once. It runs only while
// there is something to write. What it fails to write, or what a process dying first
// leaves unwritten, settle repairs before the checkpoint passes it (see follow.go).

// materialiseLater schedules the materialisation of committed entries.
func (c *Collection[T]) materialiseLater(entries []any) {
	c.matMu.Lock()
	defer c.matMu.Unlock()
	if c.dirty == nil {
		c.dirty = map[string]int64{}
	}
	for _, x := range entries {
		if e := x.(*entry[T]); !e.Fence {
			c.dirty[e.Doc.Name] = max(c.dirty[e.Doc.Name], e.Seq)
		}
	}
	if !c.flushing && len(c.dirty) > 0 {
		c.flushing = true
		c.idle = make(chan struct{})
		go c.materialiser()
	}
}

// materialiser writes what is dirty until nothing is.
func (c *Collection[T]) materialiser() {
	for {
		c.matMu.Lock()
		batch := c.dirty
		c.dirty = nil
		if len(batch) == 0 {
			c.flushing = false
			close(c.idle)
			c.matMu.Unlock()
			return
		}
		c.matMu.Unlock()
		c.materialiseNames(batch)
	}
}

// materialised waits until this process's committed changes are materialised (or their
// writes have failed, for settle to repair).
func (c *Collection[T]) materialised(ctx context.Context) error {
	c.matMu.Lock()
	busy, idle := c.flushing, c.idle
	c.matMu.Unlock()
	if !busy {
		return nil
	}
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// materialiseNames writes the cache's current state of each name with one bulk write (a
// deletion on its own: a tombstone, then the removal), holding their stripes so that no
// repair of those names interleaves, and marks them stored at the given sequence.
func (c *Collection[T]) materialiseNames(names map[string]int64) {
	locked := map[*sync.Mutex]bool{}
	for i := range c.stripes { // in one order, so two lockers never wait on each other
		for name := range names {
			if mu := c.stripe(name); mu == &c.stripes[i] && !locked[mu] {
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
	ctx, cancel := context.WithTimeout(context.Background(), c.timing.WriteTimeout)
	defer cancel()
	var models []mongo.WriteModel
	var live, deleted []string
	c.state.mu.RLock()
	for name := range names {
		if cur := c.state.docs[name]; cur != nil {
			models = append(models, mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: name}}).SetReplacement(cur).SetUpsert(true))
			live = append(live, name)
		} else {
			deleted = append(deleted, name)
		}
	}
	c.state.mu.RUnlock()
	stored := map[string]int64{}
	if len(models) > 0 {
		if _, err := c.coll.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err == nil {
			for _, name := range live {
				stored[name] = names[name]
			}
		}
	}
	for _, name := range deleted {
		if c.storeLocked(ctx, name) == nil {
			stored[name] = names[name]
		}
	}
	c.markStored(stored)
}
