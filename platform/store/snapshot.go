package store

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Snapshots of the cache ("<collection>_snap"; see the package documentation for when they
// are written and how they relate to the checkpoint and to pruning). A snapshot is the
// cache's records at one log position, as BSON documents laid end to end in chunks of about
// snapChunkBytes, each chunk one binary value in a document keyed by _id
// ("<generation>/<index>", the generation a number its writer claimed with "gen/<g>"):
// loading it is a few reads by _id, and the store decodes a few strings instead of every
// document. A head document ("head/<n>") names its chunks (a base, then deltas, possibly
// of earlier generations), its position and each chunk's checksum and record counts.
// Heads are numbered 1, 2, 3...:
// a writer takes head n+1 by inserting it (a unique _id: a compare-and-swap on every
// store), after all its chunks are written, so a head never names a chunk not yet written
// and two writers never both take n+1. The hint ("hint") is the newest head number known
// and the oldest one not yet deleted (and the same for generations), raised after the
// fact: it only saves a reader probing every head from the first.

// snapChunkBytes is the size a chunk's records are filled to (one record may take it past),
// before compression: far below MongoDB's 16 MiB document limit, whatever the compression
// achieves, and small enough that a chunk is read in one go.
const snapChunkBytes = 4 << 20

// maxUnsettled bounds the entries above the checkpoint a head lists (a few seconds of
// changes in practice); with more, the snapshot waits, as the head must stay small.
const maxUnsettled = 100_000

// snapTimeout bounds each read or write of a chunk (megabytes, not one small document).
const snapTimeout = time.Minute

// closeSnapTimeout bounds the snapshot a stopping process writes.
const closeSnapTimeout = 10 * time.Minute

// snapRetry is how long a process waits before it tries again after a failed snapshot.
const snapRetry = time.Minute

// snapHead is one snapshot: the cache at log position Seq. Its chunks are a base (every
// record at some earlier position) then deltas (the records changed since the snapshot
// before each), read in order, a record's newer state standing.
type snapHead struct {
	ID  string `bson:"_id"` // headID(N)
	N   int64  `bson:"n"`
	Gen string `bson:"gen"` // the _id prefix of the chunks this head's writer wrote
	Seq int64  `bson:"seq"`
	// Checkpoint is the writer's checkpoint, and Unsettled the entries above it up to Seq:
	// those a loading process must still settle, checking that the ones the writer did not
	// materialise itself are, as if it had read them from the log.
	// The entries the writer had materialised are listed as runs of sequence numbers in
	// Stored (their names are not needed: nothing reads them back), so a head written after
	// a bulk load stays a few hundred bytes, not one record per entry (a head of 11,000 took
	// FerretDB a quarter of a second to read at every start); Unsettled lists the others.
	Checkpoint int64       `bson:"checkpoint"`
	Unsettled  []unsettled `bson:"unsettled,omitempty"`
	Stored     []seqRun    `bson:"stored,omitempty"`
	Chunks     []chunkRef  `bson:"chunks"`
	Time       time.Time   `bson:"time"`
}

// chunkRef describes chunk i of a head: Docs documents, then Gone tombstones, whose
// encoding has the SHA-256 Sum. ID is the chunk's _id (in heads written before deltas
// existed it is empty, and the chunk is "<gen>/<i>"); Delta marks the chunks of deltas.
type chunkRef struct {
	ID    string `bson:"id,omitempty"`
	Docs  int    `bson:"docs"`
	Gone  int    `bson:"gone"`
	Sum   []byte `bson:"sum"`
	Delta bool   `bson:"delta,omitempty"`
}

// unsettled is an entry above the writer's checkpoint. Stored says the writer had
// materialised it (or a newer state of the name): the loading process settles it as the
// writer would have, without reading the document back. Heads written before the flag
// existed lack it, and their entries are checked.
type unsettled struct {
	Seq    int64  `bson:"seq"`
	Name   string `bson:"name"`
	Stored bool   `bson:"stored,omitempty"`
}

// seqRun is the entries From to To, inclusive.
type seqRun struct {
	From int64 `bson:"from"`
	To   int64 `bson:"to"`
}

// listUnsettled splits the entries above a writer's checkpoint (in sequence order) into
// those it did not materialise, listed with their names, and runs of those it did.
func listUnsettled(us []unsettled) (listed []unsettled, stored []seqRun) {
	for _, u := range us {
		switch {
		case !u.Stored:
			listed = append(listed, u)
		case len(stored) > 0 && stored[len(stored)-1].To == u.Seq-1:
			stored[len(stored)-1].To = u.Seq
		default:
			stored = append(stored, seqRun{From: u.Seq, To: u.Seq})
		}
	}
	return listed, stored
}

// unsettledOf is every entry above the writer's checkpoint head lists, in sequence order;
// those in its runs have no name.
func (h *snapHead) unsettledOf() []unsettled {
	us := slices.Clone(h.Unsettled)
	for _, r := range h.Stored {
		for seq := r.From; seq <= r.To; seq++ {
			us = append(us, unsettled{Seq: seq, Stored: true})
		}
	}
	slices.SortFunc(us, func(a, b unsettled) int { return cmp.Compare(a.Seq, b.Seq) })
	return us
}

// snapHint: every head up to N exists or existed; those below Floor are deleted. Every
// generation up to Gen was claimed; the chunks of those below GenFloor are deleted, or
// named by a head not yet deleted.
type snapHint struct {
	ID       string `bson:"_id"`
	N        int64  `bson:"n"`
	Floor    int64  `bson:"floor"`
	Gen      int64  `bson:"gen"`
	GenFloor int64  `bson:"gen_floor"`
}

const snapHintID = "hint"

// snapGen claims generation number n ("gen/<n>") for one writer's chunks: generations are
// numbered in the order they are claimed, so the chunks of every generation, published or
// not, can be found again by _id (genChunks).
type snapGen struct {
	ID   string    `bson:"_id"`
	Time time.Time `bson:"time"`
}

func genID(n int64) string  { return "gen/" + seqKey(n) }
func headID(n int64) string { return "head/" + seqKey(n) }
func (h *snapHead) chunkID(i int) string {
	if id := h.Chunks[i].ID; id != "" {
		return id
	}
	return ChunkID(h.Gen, i)
}

func (h *snapHead) chunkIDs() (ids []string) {
	for i := range h.Chunks {
		ids = append(ids, h.chunkID(i))
	}
	return ids
}

// records returns how many records h's base and its deltas hold.
func (h *snapHead) records() (base, deltas int) {
	for _, ref := range h.Chunks {
		if ref.Delta {
			deltas += ref.Docs + ref.Gone
		} else {
			base += ref.Docs + ref.Gone
		}
	}
	return base, deltas
}

// errSnapshotUnusable: the snapshot cannot be loaded (a chunk missing or corrupt); the
// collection is loaded in full instead.
var errSnapshotUnusable = errors.New("snapshot unusable")

// readHead reads head n; nil if there is none.
func (c *Collection[T]) readHead(ctx context.Context, n int64) (*snapHead, error) {
	var h snapHead
	err := c.snaps.FindOne(ctx, bson.D{{Key: "_id", Value: headID(n)}}).Decode(&h)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &h, nil
}

// latestHead returns the newest snapshot (nil if none) and the hint: from the hint's head
// on, it reads head n+1 by _id until there is none.
func (c *Collection[T]) latestHead(ctx context.Context) (*snapHead, snapHint, error) {
	var hint snapHint
	err := c.snaps.FindOne(ctx, bson.D{{Key: "_id", Value: snapHintID}}).Decode(&hint)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, hint, err
	}
	var latest *snapHead
	if hint.N > 0 {
		if latest, err = c.readHead(ctx, hint.N); err != nil {
			return nil, hint, err
		}
	}
	for {
		next, err := c.readHead(ctx, hint.N+1)
		if err != nil {
			return nil, hint, err
		}
		if next == nil {
			return latest, hint, nil
		}
		latest, hint.N = next, next.N
	}
}

// fromSnapshot loads the cache from the newest snapshot, if there is one whose log
// entries after it are all still kept. It returns false (and leaves the loading to fill)
// when there is none or it cannot be read; a failure of the store is an error. The caller
// holds syncSem.
func (c *Collection[T]) fromSnapshot(ctx context.Context) (bool, error) {
	head, _, err := c.latestHead(ctx)
	if err != nil || head == nil {
		return false, err
	}
	cp, found, err := c.readCheckpoint(ctx)
	if err != nil || !found {
		return false, err
	}
	pruned, err := c.findHorizon(ctx)
	if err != nil {
		return false, err
	}
	if head.Seq < pruned {
		// Entries after the snapshot are gone: only the materialisation has them.
		slog.Warn("store: snapshot older than the kept log; loading in full", "collection", c.coll.Name(), "snapshot", head.Seq, "pruned", pruned)
		return false, nil
	}
	docs, gone, err := c.readChunks(ctx, head)
	if errors.Is(err, errSnapshotUnusable) {
		c.unusable.Store(head.N) // to be replaced even at the same position
		slog.Warn("store: snapshot unusable; loading in full", "collection", c.coll.Name(), "snapshot", head.Seq, "error", err)
		return false, nil
	}
	if err != nil {
		return false, err
	}
	c.state.mu.Lock()
	c.state.reset(docs, gone, head.Seq)
	c.state.mu.Unlock()
	c.loadedAt.Store(head.Seq)
	c.raiseSnapAt(head.Seq)
	c.freshAt.Store(0) // as after fill: readForward checks the marks of what follows
	// Entries up to the checkpoint are materialised; the ones above it that the snapshot
	// holds are settled as the writer would have: those it did not materialise itself are
	// checked, as if read from the log here.
	c.checkAt = max(cp, head.Checkpoint)
	for _, u := range head.unsettledOf() {
		if u.Seq > c.checkAt {
			c.track(u.Seq, u.Name, u.Stored)
		}
	}
	return true, nil
}

// tailWindow is how many log entries readTail has in flight at once.
const tailWindow = 64

// readTail applies the log entries after a loaded snapshot, reading up to tailWindow of
// them by _id at once (one at a time, each read would wait for the one before), in order;
// it stops at the first one missing, where readForward goes on. The caller holds syncSem.
func (c *Collection[T]) readTail(ctx context.Context) error {
	type read struct {
		e   *entry[T]
		err error
	}
	// Each read's result, in sequence order; the channel's capacity bounds the reads in
	// flight. After the end of the log, the reads already started find nothing: they are
	// waited for, not cancelled (a cancelled read closes its connection).
	reads := make(chan chan read, tailWindow)
	var stop atomic.Bool
	go func() {
		defer close(reads)
		for seq := c.position() + 1; !stop.Load(); seq++ {
			r := make(chan read, 1)
			reads <- r
			go func() {
				e, _, err := c.readEntry(ctx, seq)
				r <- read{e, err}
			}()
		}
	}()
	var err error
	for r := range reads {
		got := <-r
		if stop.Load() {
			continue // past the end (or an error): only waited for
		}
		if got.e == nil {
			err = got.err
			stop.Store(true)
			continue
		}
		c.apply(got.e)
	}
	return err
}

// settled forgets the applied entries up to seq, which are materialised: a process loaded
// from a snapshot older than the checkpoint reads those entries from the log too.
func (c *Collection[T]) settled(seq int64) {
	c.pendMu.Lock()
	defer c.pendMu.Unlock()
	c.pending = slices.DeleteFunc(c.pending, func(p pendingEntry) bool { return p.seq <= seq })
}

// readChunks reads and decodes the chunks of head, several at once, and returns their
// records in the head's order: a record in a delta comes after its older state in the
// base or an earlier delta, so the cache's reset keeps the newer.
func (c *Collection[T]) readChunks(ctx context.Context, head *snapHead) ([]*Doc[T], []tombstone, error) {
	type part struct {
		docs []*Doc[T]
		gone []tombstone
		err  error
	}
	parts := make([]part, len(head.Chunks))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, ref := range head.Chunks {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			p := &parts[i]
			rctx, cancel := context.WithTimeout(ctx, snapTimeout)
			defer cancel()
			var ch Chunk
			err := c.snaps.FindOne(rctx, bson.D{{Key: "_id", Value: head.chunkID(i)}}).Decode(&ch)
			switch {
			case errors.Is(err, mongo.ErrNoDocuments):
				p.err = fmt.Errorf("%w: chunk %d of %s missing", errSnapshotUnusable, i, head.ID)
				return
			case err != nil:
				p.err = err
				return
			}
			data, err := UnpackChunk(ch.Data, ref.Sum)
			if err != nil {
				p.err = fmt.Errorf("%w: chunk %d of %s: %v", errSnapshotUnusable, i, head.ID, err)
				return
			}
			p.docs, p.gone, p.err = decodeChunk[T](data, ref)
			if p.err != nil {
				p.err = fmt.Errorf("%w: chunk %d of %s: %v", errSnapshotUnusable, i, head.ID, p.err)
			}
		})
	}
	wg.Wait()
	var docs []*Doc[T]
	var gone []tombstone
	for _, p := range parts {
		if p.err != nil {
			return nil, nil, p.err
		}
		docs = append(docs, p.docs...)
		gone = append(gone, p.gone...)
	}
	return docs, gone, nil
}

// decodeChunk decodes ref.Docs documents then ref.Gone tombstones, each a BSON document
// (which starts with its own length).
func decodeChunk[T any](data []byte, ref chunkRef) ([]*Doc[T], []tombstone, error) {
	next := func() ([]byte, error) {
		if len(data) < 5 {
			return nil, errors.New("truncated")
		}
		n := int(binary.LittleEndian.Uint32(data))
		if n < 5 || n > len(data) {
			return nil, errors.New("bad record length")
		}
		rec := data[:n]
		data = data[n:]
		return rec, nil
	}
	docs := make([]*Doc[T], 0, ref.Docs)
	for range ref.Docs {
		rec, err := next()
		if err != nil {
			return nil, nil, err
		}
		d := new(Doc[T])
		if err := Unmarshal(rec, d); err != nil {
			return nil, nil, err
		}
		docs = append(docs, d)
	}
	gone := make([]tombstone, ref.Gone)
	for i := range gone {
		rec, err := next()
		if err != nil {
			return nil, nil, err
		}
		if err := Unmarshal(rec, &gone[i]); err != nil {
			return nil, nil, err
		}
	}
	if len(data) != 0 {
		return nil, nil, errors.New("trailing bytes")
	}
	return docs, gone, nil
}

// capture is what a snapshot is written from: the cache's records at pos (the documents
// are never modified once cached, so they are read after the lock is released) and the
// entries above the checkpoint.
type capture[T any] struct {
	pos        int64
	docs       []*Doc[T]
	gone       []tombstone
	checkpoint int64
	unsettled  []unsettled
}

// snapFraction bounds the deltas of a snapshot: a new snapshot is a delta on the newest
// one (the records changed since) while all its deltas hold fewer than 1/snapFraction of
// its base's records, and a new base of every record after that. Writing a delta costs
// the store about the changes since the last snapshot; a base, every record, once per
// base/snapFraction changed records: so about snapFraction+1 records written per change,
// whatever the size, and a load reads at most 1/snapFraction more records than there are.
const snapFraction = 8

// snapshotDue reports whether the log has grown by snapshotAfter entries since the newest
// snapshot this process knows of (the one it loaded, or none after a full load: so a start
// that read a long log writes one at once).
func (c *Collection[T]) snapshotDue() bool {
	return c.position()-c.snapAt.Load() >= c.snapshotAfter()
}

// snapshotAfter is how many changes after the newest snapshot make a new one due:
// Timing.SnapshotAfter, never more than Keep/2.
func (c *Collection[T]) snapshotAfter() int64 {
	return max(1, min(int64(c.timing.SnapshotAfter), int64(c.timing.Keep)/2))
}

// maybeSnapshot starts writing a snapshot in the background when one is due (the
// follower calls it after settle, so the checkpoint it records is current); the follower
// goes on following meanwhile.
func (c *Collection[T]) maybeSnapshot(ctx context.Context) {
	if c.snapping.Load() || c.now().UnixNano() < c.snapWait.Load() {
		return
	}
	if !c.snapshotDue() {
		return
	}
	cp := c.capture(c.checkAt)
	if len(cp.unsettled) > maxUnsettled || !c.snapping.CompareAndSwap(false, true) {
		return
	}
	c.snapWG.Go(func() {
		defer c.snapping.Store(false)
		if err := c.writeSnapshot(ctx, cp); err != nil {
			c.snapWait.Store(c.now().Add(snapRetry).UnixNano())
			if ctx.Err() == nil {
				slog.Warn("store: writing a snapshot failed", "collection", c.coll.Name(), "position", cp.pos, "error", err)
			}
		}
	})
}

// settleAll waits until the newest applied entry is Settle old, then settles every entry;
// best effort, within ctx.
func (c *Collection[T]) settleAll(ctx context.Context) {
	for {
		c.pendMu.Lock()
		n := len(c.pending)
		var newest time.Time
		if n > 0 {
			newest = c.pending[n-1].seen
		}
		c.pendMu.Unlock()
		if n == 0 {
			return
		}
		select {
		case <-time.After(newest.Add(c.timing.Settle).Sub(c.now())):
		case <-ctx.Done():
			return
		}
		if c.settle(ctx) != nil {
			return
		}
	}
}

// settleDue settles the entries applied Settle ago or more, without waiting for the
// others; best effort, within ctx.
func (c *Collection[T]) settleDue(ctx context.Context) {
	for {
		c.pendMu.Lock()
		n := len(c.pending)
		c.pendMu.Unlock()
		if n == 0 || c.settle(ctx) != nil {
			return
		}
		c.pendMu.Lock()
		left := len(c.pending)
		c.pendMu.Unlock()
		if left == n {
			return
		}
	}
}

// changedSince counts the records of cp changed after seq.
func (cp capture[T]) changedSince(seq int64) (n int) {
	for _, d := range cp.docs {
		if d.Seq > seq {
			n++
		}
	}
	for _, t := range cp.gone {
		if t.Seq > seq {
			n++
		}
	}
	return n
}

// closeSnapshotAfter is how many changes after the newest snapshot make a stopping process
// write one: more than the next start reads in one round (tailWindow), or snapshotAfter if
// that is less. A longer tail costs that start a point read per entry in rounds (300
// entries of the audit trail, left by the creates after its last snapshot, took the
// incident service and the gateway half a second each at every start on FerretDB).
func closeSnapshotAfter(snapshotAfter int64) int64 { return min(snapshotAfter, tailWindow+1) }

// snapshotAtClose writes a snapshot at the cache's position when the log has grown by
// closeSnapshotAfter since the newest snapshot known; the follower is stopped and the
// materialiser has flushed. It settles the entries that are due and does not wait for the
// others (a server stopping at SIGTERM would wait out the settle window): the head lists
// them, this process's own marked materialised, so the next start reads none of those
// back. Only if they are more than a head lists (a bulk load that outran settle) does it
// wait out the window and settle them all first. It gives up when ctx ends.
func (c *Collection[T]) snapshotAtClose(ctx context.Context) {
	if c.position()-c.snapAt.Load() < closeSnapshotAfter(c.snapshotAfter()) {
		return
	}
	sctx, cancel := context.WithTimeout(ctx, snapTimeout)
	c.settleDue(sctx)
	cp := c.capture(c.checkAt)
	if len(cp.unsettled) > maxUnsettled {
		c.settleAll(sctx)
		cp = c.capture(c.checkAt)
	}
	cancel()
	if ctx.Err() != nil || len(cp.unsettled) > maxUnsettled {
		return
	}
	// Each chunk has snapTimeout; the whole, on a busy store and a large collection, may
	// take longer.
	ctx, cancel = context.WithTimeout(ctx, closeSnapTimeout)
	defer cancel()
	if err := c.writeSnapshot(ctx, cp); err != nil {
		slog.Warn("store: writing a snapshot at close failed", "collection", c.coll.Name(), "position", cp.pos, "error", err)
	}
}

// capture takes what a snapshot is written from, with checkpoint the checkpoint known to
// this process (the follower's).
func (c *Collection[T]) capture(checkpoint int64) capture[T] {
	c.state.mu.RLock()
	defer c.state.mu.RUnlock()
	cp := capture[T]{pos: c.state.pos, checkpoint: checkpoint,
		docs: make([]*Doc[T], 0, len(c.state.docs)), gone: make([]tombstone, 0, len(c.state.gone))}
	for _, d := range c.state.docs {
		cp.docs = append(cp.docs, d)
	}
	for _, t := range c.state.gone {
		cp.gone = append(cp.gone, t)
	}
	// Under the cache's lock, pending holds every applied entry above the checkpoint.
	c.pendMu.Lock()
	defer c.pendMu.Unlock()
	for _, p := range c.pending {
		if p.seq <= cp.pos {
			cp.unsettled = append(cp.unsettled, unsettled{Seq: p.seq, Name: p.name, Stored: p.stored})
		}
	}
	return cp
}

// writeSnapshot writes cp under a new generation and makes it the newest snapshot by
// inserting the next head; if another process took that head first, its snapshot stands
// and this one's chunks are deleted. The snapshot is a delta on the newest one (its chunks
// plus the records changed since) unless the deltas would reach 1/snapFraction of the
// base's records: then it is a new base of every record. The heads before the previous
// one, and the chunks no kept head names, are deleted after.
func (c *Collection[T]) writeSnapshot(ctx context.Context, cp capture[T]) error {
	latest, hint, err := c.latestHead(ctx)
	if err != nil {
		return err
	}
	usable := latest != nil && latest.N != c.unusable.Load()
	if usable && latest.Seq >= cp.pos {
		c.raiseSnapAt(latest.Seq)
		return nil
	}
	gen, err := c.claimGen(ctx, hint)
	if err != nil {
		return err
	}
	head := &snapHead{ID: headID(hint.N + 1), N: hint.N + 1, Gen: seqKey(gen), Seq: cp.pos,
		Checkpoint: cp.checkpoint, Time: c.now().UTC()}
	head.Unsettled, head.Stored = listUnsettled(cp.unsettled)
	since := int64(-1) // a base: every record
	if usable {
		base, deltas := latest.records()
		if changed := cp.changedSince(latest.Seq); (deltas+changed)*snapFraction < base {
			since = latest.Seq
			for i, ref := range latest.Chunks {
				ref.ID = latest.chunkID(i)
				head.Chunks = append(head.Chunks, ref)
			}
		}
	}
	own := len(head.Chunks) // the chunks from here on are this writer's
	if err := c.writeChunks(ctx, head, cp, since); err != nil {
		c.deleteChunks(ctx, head.chunkIDs()[own:])
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, snapTimeout) // it lists the unsettled entries: it may be large
	_, err = c.snaps.InsertOne(wctx, head)
	cancel()
	if mongo.IsDuplicateKeyError(err) {
		// Another process took this head: its snapshot is the newest.
		c.deleteChunks(ctx, head.chunkIDs()[own:])
		return nil
	}
	if err != nil {
		return err // the head may have been written: its chunks stay
	}
	c.raiseSnapAt(head.Seq)
	// The hint and the deletions are best effort: a reader probes past a stale hint, and
	// what is not deleted now is deleted by the next writer.
	if _, err := c.snaps.UpdateOne(ctx, bson.D{{Key: "_id", Value: snapHintID}},
		bson.D{{Key: "$max", Value: bson.D{{Key: "n", Value: head.N}}}}, options.UpdateOne().SetUpsert(true)); err != nil {
		return err
	}
	// Keep the previous head, and every chunk it or this one names: a process may be
	// loading it right now.
	keep := map[string]bool{}
	keepGens := map[string]bool{}
	for _, h := range []*snapHead{latest, head} {
		if h == nil {
			continue
		}
		for _, id := range h.chunkIDs() {
			keep[id] = true
			keepGens[id[:strings.LastIndexByte(id, '/')]] = true
		}
	}
	for n := hint.Floor; n < head.N-1; n++ {
		old, err := c.readHead(ctx, n)
		if err != nil {
			return err
		}
		if old == nil {
			continue
		}
		c.deleteChunks(ctx, slices.DeleteFunc(old.chunkIDs(), func(id string) bool { return keep[id] }))
		if _, err := c.snaps.DeleteOne(ctx, bson.D{{Key: "_id", Value: old.ID}}); err != nil {
			return err
		}
	}
	// Every generation claimed before this one is either named by a head (the kept ones;
	// the chunks of older ones are deleted above) or was left by a writer that lost the
	// race for a head or died while writing: none of those can take a head any more (it
	// would be this one or an older one), so their chunks are deleted. A crash leaves
	// chunks that no head names only until the next snapshot.
	for n := max(hint.GenFloor, 1); n < gen; n++ {
		if !keepGens[seqKey(n)] {
			c.deleteGen(ctx, seqKey(n))
		}
	}
	_, err = c.snaps.UpdateOne(ctx, bson.D{{Key: "_id", Value: snapHintID}},
		bson.D{{Key: "$max", Value: bson.D{{Key: "floor", Value: head.N - 1}, {Key: "gen_floor", Value: gen}}}}, options.UpdateOne().SetUpsert(true))
	return err
}

// claimGen takes the next free generation number by inserting its claim (a unique _id),
// from the newest the hint knows of.
func (c *Collection[T]) claimGen(ctx context.Context, hint snapHint) (int64, error) {
	for n := max(hint.Gen+1, hint.GenFloor, 1); ; n++ {
		wctx, cancel := context.WithTimeout(ctx, c.timing.WriteTimeout)
		_, err := c.snaps.InsertOne(wctx, snapGen{ID: genID(n), Time: c.now().UTC()})
		cancel()
		if mongo.IsDuplicateKeyError(err) {
			continue
		}
		if err != nil {
			return 0, err
		}
		// Best effort, like the rest of the hint: the next writer probes past a stale one.
		_, _ = c.snaps.UpdateOne(ctx, bson.D{{Key: "_id", Value: snapHintID}},
			bson.D{{Key: "$max", Value: bson.D{{Key: "gen", Value: n}}}}, options.UpdateOne().SetUpsert(true))
		return n, nil
	}
}

// deleteGen deletes the chunks of generation gen, from the first until one is missing
// (chunks are written in order, and deleteChunks deletes the last first), best effort.
func (c *Collection[T]) deleteGen(ctx context.Context, gen string) {
	for i := 0; ; i++ {
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timing.WriteTimeout)
		res, err := c.snaps.DeleteOne(wctx, bson.D{{Key: "_id", Value: ChunkID(gen, i)}})
		cancel()
		if err != nil || res.DeletedCount == 0 {
			return
		}
	}
}

// writeChunks encodes cp's documents then its tombstones into chunks of about
// snapChunkBytes under head's generation, inserting each as it is filled and appending it
// to head's chunks: every record, or with since >= 0 only those changed after since (a
// delta).
func (c *Collection[T]) writeChunks(ctx context.Context, head *snapHead, cp capture[T], since int64) error {
	var buf []byte
	delta := since >= 0
	ref := chunkRef{Delta: delta}
	var packed []byte
	written := 0
	flush := func() error {
		packed, ref.Sum = PackChunk(buf, packed)
		ref.ID = ChunkID(head.Gen, written)
		written++
		wctx, cancel := context.WithTimeout(ctx, snapTimeout)
		defer cancel()
		head.Chunks = append(head.Chunks, ref) // recorded first, so a failed insert is cleaned up too
		if _, err := c.snaps.InsertOne(wctx, Chunk{ID: ref.ID, Data: packed}); err != nil {
			return err
		}
		buf, ref = buf[:0], chunkRef{Delta: delta}
		return nil
	}
	add := func(v any, gone bool) error {
		rec, err := bson.Marshal(v)
		if err != nil {
			return err
		}
		buf = append(buf, rec...)
		if gone {
			ref.Gone++
		} else {
			ref.Docs++
		}
		if len(buf) >= snapChunkBytes {
			return flush()
		}
		return nil
	}
	for _, d := range cp.docs {
		if d.Seq > since {
			if err := add(d, false); err != nil {
				return err
			}
		}
	}
	for i := range cp.gone {
		if cp.gone[i].Seq > since {
			if err := add(&cp.gone[i], true); err != nil {
				return err
			}
		}
	}
	if len(buf) > 0 || written == 0 {
		return flush()
	}
	return nil
}

// deleteChunks deletes chunks by _id, last first, best effort: what it leaves behind is
// the first chunks of the generation, which the next writer deletes (deleteGen).
func (c *Collection[T]) deleteChunks(ctx context.Context, ids []string) {
	for _, id := range slices.Backward(ids) {
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timing.WriteTimeout)
		_, _ = c.snaps.DeleteOne(wctx, bson.D{{Key: "_id", Value: id}})
		cancel()
	}
}

// raiseSnapAt records a snapshot known at seq.
func (c *Collection[T]) raiseSnapAt(seq int64) {
	for {
		cur := c.snapAt.Load()
		if seq <= cur || c.snapAt.CompareAndSwap(cur, seq) {
			return
		}
	}
}
