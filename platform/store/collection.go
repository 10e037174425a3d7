package store

import (
	"context"
	"fmt"
	"hash/fnv"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/reqcheck"
)

// Timing tunes a collection's follower. The zero value of a field keeps the process's
// default (SetDefaults), else the built-in one.
type Timing struct {
	// Poll is how often the follower reads the log for other processes' changes while the
	// log is changing. Default 200ms.
	Poll time.Duration
	// IdlePoll is the longest wait between two reads of a quiet log: each read that finds
	// no change doubles the wait, from Poll up to IdlePoll, and a change brings it back to
	// Poll. So an idle follower costs the store one point read per IdlePoll, and replicas
	// converge within IdlePoll (plus one read). Default 500ms, never less than Poll.
	IdlePoll time.Duration
	// Settle is how long a committed change may still be materialising in the process that
	// wrote it; the checkpoint passes a change only after that, once it has checked (and if
	// need be repaired) the materialisation. It must exceed Gather plus WriteTimeout.
	// Default 5s.
	Settle time.Duration
	// WriteTimeout bounds each write to the store. Default 4s.
	WriteTimeout time.Duration
	// Ring is how many recent changes the cache keeps for watchers; a watcher further
	// behind is dropped. Default 4096.
	Ring int
	// Keep and KeepFor bound the change log: an entry is pruned once it is materialised,
	// Keep newer entries exist and it is older than KeepFor. A watcher resuming from an
	// older position is told to list again (ErrResumeTokenExpired). Defaults 10,000 and 1h:
	// an hour covers a restart, a rolling upgrade or a network outage of a replica or a
	// client, which then resume without re-listing; 10,000 lets a quiet system's watchers
	// resume after days; and the log's size is bounded by the larger of 10,000 entries and
	// an hour's changes, not by the system's age. KeepFor is also the safety margin of
	// pruning across processes (see prune.go): it is at least twice Settle.
	Keep    int
	KeepFor time.Duration
	// PruneEvery is how often each process prunes the log. Default 1 minute.
	PruneEvery time.Duration
	// SnapshotAfter is how many changes after the newest snapshot of the cache make a
	// process write a new one (snapshot.go): a load reads at most about that many log
	// entries after the snapshot, by _id; a snapshot writes the records changed since the
	// last one (a delta), or every record once the deltas reach an eighth of them.
	// Default 1,000; never more than Keep/2.
	SnapshotAfter int
	// Gather is how long the materialiser collects committed changes before it writes
	// them (materialise.go): each write costs the store about as much as a commit, so
	// under a stream of creates fewer, bigger writes spare it. Off the call's path; a
	// change unwritten when its process dies is repaired by settle. Default 50ms.
	Gather time.Duration
	// CommitGather is the longest a group commit waits for as many writes as its last
	// group held (commit.go), so that writers who committed together keep committing
	// together, one store command per group. Only after a group of two or more, and only
	// until the writes are there. Default 6ms.
	CommitGather time.Duration
}

// defaults are the process's defaults for every collection (SetDefaults).
var defaults Timing

// SetDefaults sets the timing every collection of this process takes where its own Timing
// leaves a field zero (a server sets the log's retention from its flags). Call it before
// any collection is made.
func SetDefaults(t Timing) { defaults = t }

func (t Timing) withDefaults() Timing {
	pick := func(v, process, builtin time.Duration) time.Duration {
		switch {
		case v > 0:
			return v
		case process > 0:
			return process
		}
		return builtin
	}
	t.Poll = pick(t.Poll, defaults.Poll, 200*time.Millisecond)
	t.IdlePoll = max(pick(t.IdlePoll, defaults.IdlePoll, 500*time.Millisecond), t.Poll)
	t.WriteTimeout = pick(t.WriteTimeout, defaults.WriteTimeout, 4*time.Second)
	t.Gather = pick(t.Gather, defaults.Gather, 50*time.Millisecond)
	t.CommitGather = pick(t.CommitGather, defaults.CommitGather, 6*time.Millisecond)
	t.Settle = pick(t.Settle, defaults.Settle, 0)
	if t.Settle <= t.Gather+t.WriteTimeout {
		t.Settle = t.Gather + t.WriteTimeout + time.Second
	}
	t.Ring = int(pick(time.Duration(t.Ring), time.Duration(defaults.Ring), 4096))
	t.Keep = int(pick(time.Duration(t.Keep), time.Duration(defaults.Keep), 10000))
	t.KeepFor = max(pick(t.KeepFor, defaults.KeepFor, time.Hour), 2*t.Settle)
	t.PruneEvery = pick(t.PruneEvery, defaults.PruneEvery, time.Minute)
	t.SnapshotAfter = int(pick(time.Duration(t.SnapshotAfter), time.Duration(defaults.SnapshotAfter), 1000))
	return t
}

// Collection stores resources of one type as Docs: a change log (the truth), the document
// collection (its materialisation, for queries run in the store) and this process's cache
// of both. See the package documentation for the design.
type Collection[T any] struct {
	coll     *mongo.Collection
	log      *mongo.Collection
	gone     *mongo.Collection
	counters *mongo.Collection
	snaps    *mongo.Collection
	now      func() time.Time
	timing   Timing
	journal  bool // see Journal

	state *cache[T]

	loadMu  sync.Mutex
	loaded  atomic.Bool // set, under loadMu, once the cache is loaded and followed
	stop    context.CancelFunc
	stopped chan struct{}

	commitSem chan struct{}    // one group commit at a time: they would collide on the next sequence
	queueMu   sync.Mutex       // guards queue
	queue     []*write[T]      // writes waiting for a group commit, in arrival order
	queued    chan struct{}    // signalled when a write joins the queue (commit.go's gather)
	lastGroup atomic.Int32     // how many writes the last group took
	matMu     sync.Mutex       // guards dirty, flushing and idle
	dirty     map[string]dirty // names committed here and not materialised yet
	flushing  bool             // a materialiser is running
	idle      chan struct{}    // closed when that materialiser stops
	syncSem   chan struct{}    // one reader of the log at a time; waiting for it honours the caller's deadline
	committed chan struct{}    // signalled when this process commits: its follower stops idling
	stripes   [64]sync.Mutex   // materialisations of one name, in order
	pendMu    sync.Mutex       // guards pending
	pending   []pendingEntry   // applied entries above the checkpoint, in sequence order
	checkAt   int64            // the checkpoint as last written
	freshAt   atomic.Int64     // when (unix ns) no entry after the cache's position existed
	horizon   atomic.Int64     // every log entry up to it may be pruned

	snapAt   atomic.Int64   // the position of the newest snapshot known
	loadedAt atomic.Int64   // the position of the snapshot the cache was loaded from (0: in full)
	unusable atomic.Int64   // the number of a snapshot head found unusable at load
	snapping atomic.Bool    // a snapshot is being written
	snapWait atomic.Int64   // after a failed snapshot, when (unix ns) to try again
	snapWG   sync.WaitGroup // the snapshot being written

	orderDecls map[string]func(a, b *Doc[T]) bool
	indexDecls map[string]func(*Doc[T]) []string
}

// pendingEntry is an applied log entry the checkpoint has not passed yet.
type pendingEntry struct {
	seq    int64
	name   string
	seen   time.Time
	stored bool // this process materialised it (or a newer state of the name)
}

// NewCollection returns the collection named name in db. It is loaded on first use, or by
// Load (which a server calls before it reports healthy).
func NewCollection[T any](db *mongo.Database, name string) *Collection[T] {
	cached := options.Collection().SetRegistry(Registry) // their records are held in the cache
	return &Collection[T]{coll: db.Collection(name, cached), log: db.Collection(name+"_log", cached),
		gone: db.Collection(name+"_gone", cached), counters: db.Collection("counters"), snaps: db.Collection(name + "_snap"),
		now: time.Now, timing: Timing{}.withDefaults(), state: newCache[T](0),
		commitSem:  make(chan struct{}, 1),
		queued:     make(chan struct{}, 1),
		syncSem:    make(chan struct{}, 1),
		committed:  make(chan struct{}, 1),
		orderDecls: map[string]func(a, b *Doc[T]) bool{}, indexDecls: map[string]func(*Doc[T]) []string{}}
}

// Tune sets the follower's timing; call it before the collection is used.
func (c *Collection[T]) Tune(t Timing) { c.timing = t.withDefaults() }

// Journal declares the collection a journal: its documents are only ever created, never
// updated or deleted (an audit trail), so the log entry that creates one is also its final
// state, and the log is its one stored copy. Nothing is materialised, and the checkpoint
// stays where it was, so every entry after it is kept (the log is pruned only up to the
// checkpoint) and a load in full reads them with the documents, in one query. A commit
// that is not a create is refused (INTERNAL: a bug), and Find, which reads the document
// collection, is too. Call it before the collection is used. See the package
// documentation (Journals).
func (c *Collection[T]) Journal() { c.journal = true }

// Mongo exposes the document collection (the materialisation) for queries run in the store,
// once this process's own changes are materialised there (see Find).
func (c *Collection[T]) Mongo() *mongo.Collection {
	ctx, cancel := context.WithTimeout(context.Background(), c.timing.WriteTimeout)
	defer cancel()
	_ = c.materialised(ctx)
	return c.coll
}

// Index describes one index of a collection.
type Index struct {
	Name   string
	Keys   bson.D
	Unique bool
}

// EnsureIndexes creates, idempotently, extra indexes of the document collection (for
// queries run in the store). The log needs none: it is read by _id only.
func (c *Collection[T]) EnsureIndexes(ctx context.Context, extra ...Index) error {
	return EnsureIndexes(ctx, c.coll, extra...)
}

// EnsureIndexes creates the indexes of coll that do not exist yet. Only the missing ones:
// FerretDB 1.24 fails when asked to create an existing index.
func EnsureIndexes(ctx context.Context, coll *mongo.Collection, indexes ...Index) error {
	if len(indexes) == 0 {
		return nil
	}
	have, err := indexNames(ctx, coll)
	if err != nil {
		return err
	}
	for _, ix := range indexes {
		if have[ix.Name] {
			continue
		}
		m := mongo.IndexModel{Keys: ix.Keys, Options: options.Index().SetName(ix.Name).SetUnique(ix.Unique)}
		if _, err := coll.Indexes().CreateOne(ctx, m); err != nil && !isIndexExists(err) {
			return fmt.Errorf("index %s on %s: %w", ix.Name, coll.Name(), err)
		}
	}
	return nil
}

// isIndexExists: another process created the same index between our listing and our create.
func isIndexExists(err error) bool {
	var ce mongo.CommandError
	if ok := asCommandError(err, &ce); ok {
		return ce.Code == 85 || ce.Code == 86 || ce.Code == 68
	}
	return false
}

func indexNames(ctx context.Context, coll *mongo.Collection) (map[string]bool, error) {
	cur, err := coll.Indexes().List(ctx)
	if err != nil {
		return nil, fmt.Errorf("list indexes of %s: %w", coll.Name(), err)
	}
	var specs []struct {
		Name string `bson:"name"`
	}
	if err := cur.All(ctx, &specs); err != nil {
		return nil, fmt.Errorf("list indexes of %s: %w", coll.Name(), err)
	}
	have := map[string]bool{}
	for _, s := range specs {
		have[s.Name] = true
	}
	return have, nil
}

// CurrentSeq is the sequence number of the latest change (0 if none).
func (c *Collection[T]) CurrentSeq(ctx context.Context) (int64, error) {
	if err := c.ready(ctx); err != nil {
		return 0, err
	}
	if err := c.catchUp(ctx); err != nil {
		return 0, failed(ctx, "read log of "+c.coll.Name(), err)
	}
	c.state.mu.RLock()
	defer c.state.mu.RUnlock()
	return c.state.pos, nil
}

// Create stores d. If a create with the same request id was made, the call is a retry: the
// stored document is returned when the request matches, and REQUEST_ID_REUSED when it does
// not. A different document with the same name is ALREADY_EXISTS.
func (c *Collection[T]) Create(ctx context.Context, d *Doc[T]) (*Doc[T], error) {
	return c.CreateChecked(ctx, d, nil)
}

// CreateChecked is Create under a rule over the whole collection (no two deployments book
// one unit at once, say): check runs inside the compare-and-swap, after the retry and
// ALREADY_EXISTS answers, on this process's cache holding at least every change before
// the one the create commits after. It reads the cache through List or Get and refuses
// with an error. Since a create commits only if no change came in between, whichever
// process made it, two creates that each pass check on their own never both commit when
// together they break the rule: the second is decided again and refused.
func (c *Collection[T]) CreateChecked(ctx context.Context, d *Doc[T], check func(context.Context) error) (*Doc[T], error) {
	given := d.RequestID != ""
	if !given {
		d.RequestID = NewID()
	}
	if d.Change == "" {
		d.Change = "created"
	}
	return c.commit(ctx, &write[T]{name: d.Name, key: d.RequestID, alone: check != nil, decide: func(cur *Doc[T], exists bool) (*entry[T], *Doc[T], error) {
		c.state.mu.RLock()
		priorName, retried := c.state.requests[d.RequestID]
		prior := c.state.docs[priorName]
		c.state.mu.RUnlock()
		if given && retried {
			if prior == nil {
				return nil, nil, apperr.NotFound(priorName)
			}
			r, err := replay(prior, d)
			return nil, r, err
		}
		if exists {
			return nil, nil, apperr.AlreadyExists(d.Name)
		}
		if check != nil {
			if err := check(ctx); err != nil {
				return nil, nil, err
			}
		}
		nd := *d
		now := reqcheck.Stored(c.now())
		nd.CreateTime, nd.UpdateTime = now, now
		nd.Etag = NewID()
		return &entry[T]{Doc: &nd, created: true}, nil, nil
	}})
}

func replay[T any](prior, d *Doc[T]) (*Doc[T], error) {
	if prior.RequestHash != d.RequestHash {
		return nil, apperr.RequestIDReused(d.RequestID)
	}
	return prior, nil
}

// Get returns the document named name, or NOT_FOUND. It is answered from the cache; a name
// the cache does not hold is looked for in the log first, so a record another replica
// has just created is found. The document is the cache's own (a change replaces it, never
// modifies it), shared with every reader: the caller must not modify it. A read costs no
// copy (TestGetSharesTheCachedDocument).
func (c *Collection[T]) Get(ctx context.Context, name string) (*Doc[T], error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	if d := c.lookup(name); d != nil {
		return d, nil
	}
	if err := c.catchUp(ctx); err != nil {
		return nil, failed(ctx, "read log of "+c.coll.Name(), err)
	}
	if d := c.lookup(name); d != nil {
		return d, nil
	}
	return nil, apperr.NotFound(name)
}

func (c *Collection[T]) lookup(name string) *Doc[T] {
	c.state.mu.RLock()
	defer c.state.mu.RUnlock()
	return c.state.docs[name]
}

// Change describes one change to a stored document.
type Change struct {
	// Name of the document.
	Name string
	// Etag, when set, must match the stored etag (else ABORTED).
	Etag string
	// RequestID and RequestHash make the change idempotent when RequestID is set.
	RequestID   string
	RequestHash string
	// Verb names the change for the feed ("updated", "confirmed"...).
	Verb string
}

// maxConflictRetries bounds the compare-and-swap loop under contention.
const maxConflictRetries = 16

// Update applies mutate to the stored document as one compare-and-swap: concurrent writers,
// in this process or any other on the same store, never lose each other's changes. mutate
// may refuse with an error, and then nothing is written. A retry of an applied RequestID
// returns the stored document without applying mutate again.
func (c *Collection[T]) Update(ctx context.Context, ch Change, mutate func(*Doc[T]) error) (*Doc[T], error) {
	return c.UpdateAuthorized(ctx, ch, nil, mutate)
}

// UpdateAuthorized is Update for a caller who must be allowed to change the document:
// authorize runs first on the very version the compare-and-swap replaces (before the
// etag, a replayed request or mutate are looked at, so a refused caller learns nothing),
// and on the stored version when a retry of an applied request is answered. A refusal
// writes nothing.
func (c *Collection[T]) UpdateAuthorized(ctx context.Context, ch Change, authorize, mutate func(*Doc[T]) error) (*Doc[T], error) {
	return c.commit(ctx, &write[T]{name: ch.Name, decide: func(cur *Doc[T], exists bool) (*entry[T], *Doc[T], error) {
		if !exists {
			return nil, nil, apperr.NotFound(ch.Name)
		}
		if authorize != nil {
			if err := authorize(cur); err != nil {
				return nil, nil, err
			}
		}
		if ch.RequestID != "" {
			if a, ok := cur.applied(ch.RequestID); ok {
				if a.RequestHash != ch.RequestHash {
					return nil, nil, apperr.RequestIDReused(ch.RequestID)
				}
				return nil, cur, nil
			}
		}
		if ch.Etag != "" && ch.Etag != cur.Etag {
			return nil, nil, apperr.EtagMismatch(ch.Name)
		}
		d := clone(cur)
		if err := mutate(d); err != nil {
			return nil, nil, err
		}
		d.Name, d.CreateTime, d.RequestID = cur.Name, cur.CreateTime, cur.RequestID
		d.remember(ch.RequestID, ch.RequestHash)
		d.Etag = NewID()
		d.Change = ch.Verb
		d.UpdateTime = reqcheck.Stored(c.now())
		return &entry[T]{Doc: d}, nil, nil
	}})
}

// Delete removes the document if etag (when set) matches.
func (c *Collection[T]) Delete(ctx context.Context, name, etag string) error {
	_, err := c.commit(ctx, &write[T]{name: name, decide: func(cur *Doc[T], exists bool) (*entry[T], *Doc[T], error) {
		if !exists {
			return nil, nil, apperr.NotFound(name)
		}
		if etag != "" && etag != cur.Etag {
			return nil, nil, apperr.EtagMismatch(name)
		}
		return deletion(cur, c.now()), nil, nil
	}})
	return err
}

// Fence commits an entry that changes no document. Every commit to the collection decided
// before the fence, in any process, then fails its insert and is decided again after it.
// A rule spanning two collections rests on it: a writer marks one collection (a zone
// being deleted), fences the other, then reads it; a commit to the fenced collection
// either is in what the writer reads, or was decided after the fence and so sees the mark.
func (c *Collection[T]) Fence(ctx context.Context) error {
	_, err := c.commit(ctx, &write[T]{alone: true, decide: func(*Doc[T], bool) (*entry[T], *Doc[T], error) {
		return &entry[T]{Fence: true}, nil, nil
	}})
	return err
}

// deletion is the entry that deletes cur: its last state under a new (tombstone) etag.
func deletion[T any](cur *Doc[T], now time.Time) *entry[T] {
	d := *cur
	d.Etag = NewID()
	d.Change = "deleted"
	d.UpdateTime = reqcheck.Stored(now)
	return &entry[T]{Deleted: true, Doc: &d}
}

// build decides a change from the current state of the named document (cur; exists says
// whether it is live). It returns the entry to commit, or a document to answer with
// unchanged (a replayed request), or an error.
type build[T any] func(cur *Doc[T], exists bool) (*entry[T], *Doc[T], error)

// clone returns a deep copy of d: what a change mutates, and what a write returns.
func clone[T any](d *Doc[T]) *Doc[T] {
	b, err := bson.Marshal(d)
	if err != nil {
		panic(fmt.Sprintf("store: encode %s: %v", d.Name, err))
	}
	var out Doc[T]
	if err := bson.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("store: decode %s: %v", d.Name, err))
	}
	return &out
}

// stripe serialises the materialisations of one name in this process.
func (c *Collection[T]) stripe(name string) *sync.Mutex {
	h := fnv.New32a()
	_, _ = h.Write([]byte(name))
	return &c.stripes[h.Sum32()%uint32(len(c.stripes))]
}

// Find returns the documents of the document collection matching filter in the given
// order, at most limit: a query run in the store, for collections not yet listed from the
// cache. It reads the whole collection on FerretDB unless filter is _id equality. It waits
// for this process's own changes to be materialised first.
func (c *Collection[T]) Find(ctx context.Context, filter bson.D, sort bson.D, limit int64) ([]*Doc[T], error) {
	if c.journal {
		return nil, apperr.Internal(fmt.Errorf("store: find in %s: a journal's documents are not materialised", c.coll.Name()))
	}
	if err := c.materialised(ctx); err != nil {
		return nil, failed(ctx, "materialise "+c.coll.Name(), err)
	}
	if filter == nil {
		filter = bson.D{}
	}
	opts := options.Find()
	if sort != nil {
		opts.SetSort(sort)
	}
	if limit > 0 {
		opts.SetLimit(limit)
	}
	cur, err := c.coll.Find(ctx, filter, opts)
	if err != nil {
		return nil, failed(ctx, "find in "+c.coll.Name(), err)
	}
	var out []*Doc[T]
	if err := cur.All(ctx, &out); err != nil {
		return nil, failed(ctx, "read "+c.coll.Name(), err)
	}
	return out, nil
}

// Prior returns the document a create with requestID stored: nil when there is none,
// REQUEST_ID_REUSED when a different request (hash) stored it. It is answered from the
// cache, after reading the log forward (a create made through another replica is found).
// Create makes the same check again when it commits.
func (c *Collection[T]) Prior(ctx context.Context, requestID, hash string) (*Doc[T], error) {
	if requestID == "" {
		return nil, nil
	}
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	if err := c.catchUp(ctx); err != nil {
		return nil, failed(ctx, "read log of "+c.coll.Name(), err)
	}
	c.state.mu.RLock()
	d := c.state.docs[c.state.requests[requestID]]
	c.state.mu.RUnlock()
	switch {
	case d == nil:
		return nil, nil
	case d.RequestHash != hash:
		return nil, apperr.RequestIDReused(requestID)
	}
	return clone(d), nil
}
