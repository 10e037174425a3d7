package store

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tansiq/tansiq/platform/apperr"
)

// maxGroup bounds the writes one insert of the log commits together.
const maxGroup = 128

// write is one change waiting to be committed: Create, Update, Delete, Remove and Fence
// each make one and hand it to commit.
type write[T any] struct {
	ctx  context.Context
	name string
	// key is a create's request id: two creates with one id never share a group, so each
	// is decided on a state that holds the other if it came first.
	key string
	// alone is a write decided in a group of its own, on a cache holding every change
	// before it: it reads more than its own document (CreateChecked's check) or it must
	// be the only entry decided on its state (a fence).
	alone  bool
	decide build[T]

	caughtUp bool // decided again after the cache caught up with the log
	doc      *Doc[T]
	err      error
	done     chan struct{}
}

func (w *write[T]) finish(doc *Doc[T], err error) {
	w.doc, w.err = doc, err
	close(w.done)
}

// commit is the one write path, a compare-and-swap made of _id operations only, with
// group commit. Concurrent writes to the collection in this process queue up; whichever
// caller finds the committer free takes the queue's head as a group (writes to distinct
// documents, distinct create request ids, none that must be alone) and commits it while
// the others wait for their outcome:
//
//   - each write of the group is decided on the cache's state at its position p (every
//     log entry up to p applied, none after). Writes to distinct documents do not see one
//     another, so this is the decision each would get after the ones before it;
//   - the decided entries are inserted as log entries p+1, p+2, ... with one ordered
//     insert. It succeeds only where the numbers are free, that is if no change was
//     committed since the state the decisions saw. If another process took p+k, the
//     entries before it are committed and the insert stopped there (ordered);
//   - the committed entries are applied to the cache, and only then are their writers
//     answered (read your writes); their documents are materialised later, in batches
//     (repaired by settle if this process dies first);
//   - the rest, and writes refused on a cache that may be behind (a record another
//     replica created, an etag it wrote), are decided again after the cache has read the
//     log forward: an etag the caller gave no longer matches (ABORTED), a create's request
//     id is found (its first result is returned).
//
// So the log holds every entry from 1 up without a gap, each decided on all the ones
// before it, whichever process wrote it; a write is acknowledged only once its own entry
// is known inserted. A caller whose context ends stops waiting (the write may still
// commit, as a write that timed out may have).
func (c *Collection[T]) commit(ctx context.Context, w *write[T]) (*Doc[T], error) {
	if c.journal && w.key == "" { // every create has a request id; nothing else does
		return nil, apperr.Internal(fmt.Errorf("store: change of %q in %s: a journal's documents are only created", w.name, c.coll.Name()))
	}
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	w.ctx, w.done = ctx, make(chan struct{})
	c.queueMu.Lock()
	c.queue = append(c.queue, w)
	c.queueMu.Unlock()
	select {
	case c.queued <- struct{}{}: // wake a committer gathering its group
	default:
	}
	for {
		select {
		case <-w.done:
			return w.result()
		default:
		}
		select {
		case <-w.done:
			return w.result()
		case c.commitSem <- struct{}{}:
			// The committer runs apart from the caller, so that every caller, this one
			// included, leaves at its own deadline.
			go func() {
				defer func() { <-c.commitSem }()
				c.gather()
				if group := c.takeGroup(); len(group) > 0 {
					c.commitGroup(group)
				}
			}()
		case <-ctx.Done():
			c.withdraw(w)
			select {
			case <-w.done:
				return w.result()
			default:
			}
			return nil, failed(ctx, "commit "+w.name, ctx.Err())
		}
	}
}

func (w *write[T]) result() (*Doc[T], error) {
	if w.doc == nil {
		return nil, w.err
	}
	return clone(w.doc), w.err
}

// gather waits, before a group is taken, until the queue holds as many writes as the last
// group did, for at most Timing.CommitGather. Callers that wrote together come back
// together, a little apart (each first does the rest of its call), and without the wait
// the first of them would be committed alone and the others after it: under a steady
// stream of calls each group would then hold about one write, and each write would cost
// the store a command of its own. A caller writing alone (a last group of one) waits for
// nobody, and the wait ends as soon as the writes are there.
func (c *Collection[T]) gather() {
	want := int(c.lastGroup.Load())
	if want < 2 || c.timing.CommitGather <= 0 {
		return
	}
	timer := time.NewTimer(c.timing.CommitGather)
	defer timer.Stop()
	for c.queueLen() < want {
		select {
		case <-c.queued:
		case <-timer.C:
			return
		}
	}
}

func (c *Collection[T]) queueLen() int {
	c.queueMu.Lock()
	defer c.queueMu.Unlock()
	return len(c.queue)
}

// takeGroup removes from the queue the writes the next group commits: its head, up to
// the first write that may not share the group.
func (c *Collection[T]) takeGroup() []*write[T] {
	c.queueMu.Lock()
	defer c.queueMu.Unlock()
	names, keys := map[string]bool{}, map[string]bool{}
	n := 0
	for _, w := range c.queue {
		if n == maxGroup || w.alone && n > 0 || names[w.name] || w.key != "" && keys[w.key] {
			break
		}
		n++
		if w.alone {
			break
		}
		names[w.name] = true
		if w.key != "" {
			keys[w.key] = true
		}
	}
	if n > 0 {
		c.lastGroup.Store(int32(n))
	}
	group := c.queue[:n:n]
	c.queue = append([]*write[T](nil), c.queue[n:]...)
	return group
}

// withdraw takes w out of the queue if no group has taken it yet.
func (c *Collection[T]) withdraw(w *write[T]) {
	c.queueMu.Lock()
	defer c.queueMu.Unlock()
	for i, q := range c.queue {
		if q == w {
			c.queue = append(c.queue[:i:i], c.queue[i+1:]...)
			return
		}
	}
}

// commitGroup decides and commits the writes of group (see commit) until each is
// answered. The caller holds commitSem.
func (c *Collection[T]) commitGroup(group []*write[T]) {
	ctx, cancel := groupContext(group)
	defer cancel()
	failAll := func(op string, err error) {
		for _, w := range group {
			w.finish(nil, failed(w.ctx, op, err))
		}
	}
	if err := c.refresh(ctx); err != nil {
		failAll("read log of "+c.coll.Name(), err)
		return
	}
	for round := 0; len(group) > 0; round++ {
		if round > maxConflictRetries {
			for _, w := range group {
				w.finish(nil, apperr.New(apperr.KindAborted, "CONCURRENT_CHANGE", "%s is changing too often: retry", w.name))
			}
			return
		}
		var again []*write[T] // decided again after the cache has caught up
		c.state.mu.RLock()
		pos := c.state.pos
		curs := make([]*Doc[T], len(group))
		for i, w := range group {
			curs[i] = c.state.docs[w.name]
		}
		c.state.mu.RUnlock()
		var entries []any
		var writers []*write[T]
		now := c.now().UTC()
		for i, w := range group {
			e, answer, err := w.decide(curs[i], curs[i] != nil)
			switch {
			case err != nil && !w.caughtUp:
				// The refusal may come from a cache behind another replica's change.
				w.caughtUp = true
				again = append(again, w)
				continue
			case err != nil || e == nil:
				w.finish(answer, err)
				continue
			}
			e.Seq = pos + 1 + int64(len(entries))
			e.ID = seqKey(e.Seq)
			e.Time = now
			if e.Doc != nil {
				e.Doc.Seq = e.Seq
			}
			entries = append(entries, e)
			writers = append(writers, w)
		}
		if len(entries) > 0 {
			wctx, cancel := context.WithTimeout(ctx, c.timing.WriteTimeout)
			_, err := c.log.InsertMany(wctx, entries, options.InsertMany().SetOrdered(true))
			cancel()
			n := committed(err, len(entries))
			c.applyCommitted(entries[:n], err == nil)
			for i, w := range writers[:n] {
				w.finish(entries[i].(*entry[T]).Doc, nil)
			}
			if err != nil && !mongo.IsDuplicateKeyError(err) {
				for _, w := range writers[n:] {
					w.finish(nil, failed(w.ctx, "commit "+w.name, err))
				}
			} else if err != nil {
				// Taken: by a change this cache has not seen yet. Decide the rest again.
				for _, w := range writers[n:] {
					w.caughtUp = true
				}
				again = append(again, writers[n:]...)
			}
		}
		group = again
		if len(group) == 0 {
			return
		}
		if err := c.catchUp(ctx); err != nil {
			failAll("read log of "+c.coll.Name(), err)
			return
		}
	}
}

// groupContext is the context of a group's store operations: it ends once every writer
// of the group has stopped waiting (each at its own deadline), not with the first. It
// carries the first writer's values, so the store's spans join that call's trace (a write
// alone in its group, the common case when calls are few, is traced whole).
func groupContext[T any](group []*write[T]) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(group[0].ctx))
	var left atomic.Int32
	stops := make([]func() bool, len(group))
	for i, w := range group {
		stops[i] = context.AfterFunc(w.ctx, func() {
			if int(left.Add(1)) == len(group) {
				cancel()
			}
		})
	}
	return ctx, func() {
		for _, stop := range stops {
			stop()
		}
		cancel()
	}
}

// committed is how many of n entries an ordered insert that returned err committed: all
// of them, or those before the first refused one; none is counted when it is not known
// (the store did not answer), and those writers are not acknowledged.
func committed(err error, n int) int {
	if err == nil {
		return n
	}
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && len(bwe.WriteErrors) > 0 && bwe.WriteConcernError == nil {
		return min(bwe.WriteErrors[0].Index, n)
	}
	return 0
}

// applyCommitted applies committed log entries to the cache, in order, and schedules
// their materialisation; all says the insert succeeded as a whole: no entry after the
// last existed when it did.
func (c *Collection[T]) applyCommitted(entries []any, all bool) {
	if len(entries) == 0 {
		return
	}
	for _, e := range entries {
		c.apply(e.(*entry[T]))
	}
	if all {
		c.fresh(entries[0].(*entry[T]).Time) // the next entry, if written, was decided after these existed
	}
	c.materialiseLater(entries)
	select { // the follower settles and snapshots them from its next poll: at once, not after an idle wait
	case c.committed <- struct{}{}:
	default:
	}
}
