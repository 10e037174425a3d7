package store

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Materialisation runs after the call, in batches. A committed entry is acknowledged once
// it is in the log and the cache; the document collection, which only a load and queries
// run in the store read, is brought up to date by one materialiser per collection and
// process: it gathers what is committed here for Timing.Gather (50ms), then writes the
// cache's current state of every name committed since its last write, so the writes of a
// stream of calls cost one materialisation per Gather, and a name changed twice in
// between is written once. It runs only while there is something to
// write. What it fails to write, or what a process dying first leaves unwritten, settle
// repairs before the checkpoint passes it (see follow.go).
//
// A name this process created since the last write is inserted, the others replaced: on
// FerretDB's SQLite backend one insert of n documents is one SQLite transaction (one sync
// of its file), while a bulk of n replacements is n of them, each a read and a write, so
// materialising creates by replacement cost the store more than committing them. A
// created name the collection holds already (a re-creation whose deletion is not
// materialised yet, a repair by another replica) makes its insert fail as a duplicate and
// is replaced instead.

// dirty is a name committed here and not materialised yet.
type dirty struct {
	seq     int64 // its latest change
	created bool  // created since the last materialisation: written with an insert
}

// materialiseLater schedules the materialisation of committed entries.
func (c *Collection[T]) materialiseLater(entries []any) {
	if c.journal {
		return // its log is its one copy
	}
	c.matMu.Lock()
	defer c.matMu.Unlock()
	if c.dirty == nil {
		c.dirty = map[string]dirty{}
	}
	for _, x := range entries {
		if e := x.(*entry[T]); !e.Fence {
			d := c.dirty[e.Doc.Name]
			c.dirty[e.Doc.Name] = dirty{seq: max(d.seq, e.Seq), created: d.created || e.created}
		}
	}
	if !c.flushing && len(c.dirty) > 0 {
		c.flushing = true
		c.idle = make(chan struct{})
		go c.materialiser()
	}
}

// materialiser writes what is dirty until nothing is, each time after gathering changes
// for Timing.Gather.
func (c *Collection[T]) materialiser() {
	for {
		time.Sleep(c.timing.Gather)
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

// materialiseNames writes the cache's current state of each name: the created ones with
// one insert, the others (and created ones found stored already) with one bulk of
// replacements, a deletion on its own (a tombstone, then the removal). It holds their
// stripes so that no repair of those names interleaves, and marks them stored at the
// given sequence.
func (c *Collection[T]) materialiseNames(names map[string]dirty) {
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
	var inserts []any
	var inserted, replaced, deleted []string
	docs := map[string]*Doc[T]{} // the state each live name is written at
	c.state.mu.RLock()
	for name, d := range names {
		cur := c.state.docs[name]
		switch {
		case cur == nil:
			deleted = append(deleted, name)
			continue
		case d.created:
			inserts = append(inserts, cur)
			inserted = append(inserted, name)
		default:
			replaced = append(replaced, name)
		}
		docs[name] = cur
	}
	c.state.mu.RUnlock()
	stored := map[string]int64{}
	if len(inserts) > 0 {
		ok, dup := c.insertDocs(ctx, inserts)
		for i, name := range inserted {
			if ok[i] {
				stored[name] = names[name].seq
			} else if dup[i] {
				replaced = append(replaced, name)
			}
		}
	}
	if len(replaced) > 0 {
		models := make([]mongo.WriteModel, len(replaced))
		for i, name := range replaced {
			models[i] = mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: name}}).SetReplacement(docs[name]).SetUpsert(true)
		}
		if _, err := c.coll.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err == nil {
			for _, name := range replaced {
				stored[name] = names[name].seq
			}
		}
	}
	for _, name := range deleted {
		if c.storeLocked(ctx, name) == nil {
			stored[name] = names[name].seq
		}
	}
	c.markStored(stored)
}

// insertDocs inserts docs with one unordered insert and says of each whether it is now
// stored, or refused because a document with its _id is (a duplicate). What the store
// did not answer is neither.
func (c *Collection[T]) insertDocs(ctx context.Context, docs []any) (ok, dup []bool) {
	ok, dup = make([]bool, len(docs)), make([]bool, len(docs))
	_, err := c.coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	switch {
	case err == nil:
		for i := range ok {
			ok[i] = true
		}
	case errors.As(err, &bwe) && bwe.WriteConcernError == nil:
		for i := range ok {
			ok[i] = true
		}
		for _, we := range bwe.WriteErrors {
			if we.Index >= 0 && we.Index < len(docs) {
				ok[we.Index] = false
				dup[we.Index] = mongo.IsDuplicateKeyError(we.WriteError)
			}
		}
	}
	return ok, dup
}
