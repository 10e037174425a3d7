package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tansiq/tansiq/platform/apperr"
)

// Collection stores resources of one type as Docs.
type Collection[T any] struct {
	coll     *mongo.Collection
	counters *mongo.Collection
	requests *mongo.Collection
	engine   *engine
	now      func() time.Time
}

// NewCollection returns the collection named name in db. Call EnsureIndexes at start-up.
func NewCollection[T any](db *mongo.Database, name string) *Collection[T] {
	return &Collection[T]{coll: db.Collection(name), counters: db.Collection("counters"),
		requests: db.Collection(name + "_requests"), engine: &engine{}, now: time.Now}
}

// Mongo exposes the underlying collection for queries specific to a service.
func (c *Collection[T]) Mongo() *mongo.Collection { return c.coll }

// Index describes one index of a collection.
type Index struct {
	Name   string
	Keys   bson.D
	Unique bool
}

// EnsureIndexes creates, idempotently, the indexes every resource collection needs
// (unique request ids; the change sequence) and any extra ones.
func (c *Collection[T]) EnsureIndexes(ctx context.Context, extra ...Index) error {
	indexes := append([]Index{
		{Name: "request_id_unique", Keys: bson.D{{Key: "request_id", Value: 1}}, Unique: true},
		// Unique, so a sequence number taken twice fails loudly instead of hiding a change.
		{Name: "seq_unique", Keys: bson.D{{Key: "seq", Value: 1}}, Unique: true},
	}, extra...)
	return EnsureIndexes(ctx, c.coll, indexes...)
}

// EnsureIndexes creates the indexes of coll that do not exist yet. Only the missing ones:
// FerretDB 1.24 fails when asked to create an existing index.
func EnsureIndexes(ctx context.Context, coll *mongo.Collection, indexes ...Index) error {
	have, err := indexNames(ctx, coll)
	if err != nil {
		return err
	}
	for _, ix := range indexes {
		if have[ix.Name] {
			continue
		}
		m := mongo.IndexModel{Keys: ix.Keys, Options: options.Index().SetName(ix.Name).SetUnique(ix.Unique)}
		if _, err := coll.Indexes().CreateOne(ctx, m); err != nil {
			return fmt.Errorf("index %s on %s: %w", ix.Name, coll.Name(), err)
		}
	}
	return nil
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

// writeTimeout bounds each write after its sequence number is taken, so change-feed
// readers can tell how long an earlier sequence number may still be in flight.
const writeTimeout = 4 * time.Second

// nextSeq takes the next change sequence number of the collection, atomically.
func (c *Collection[T]) nextSeq(ctx context.Context) (int64, error) {
	mu := lockFor(c.counters)
	mu.Lock()
	defer mu.Unlock()
	var out struct {
		Seq int64 `bson:"seq"`
	}
	for attempt := 0; ; attempt++ {
		err := c.counters.FindOneAndUpdate(ctx,
			bson.D{{Key: "_id", Value: c.coll.Name()}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "seq", Value: int64(1)}}}},
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After),
		).Decode(&out)
		// Concurrent first upserts race on the counter's _id; the loser retries and increments.
		if mongo.IsDuplicateKeyError(err) && attempt < 3 {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("next seq: %w", err)
		}
		return out.Seq, nil
	}
}

// CurrentSeq is the latest sequence number taken (0 if none).
func (c *Collection[T]) CurrentSeq(ctx context.Context) (int64, error) {
	var out struct {
		Seq int64 `bson:"seq"`
	}
	err := c.counters.FindOne(ctx, bson.D{{Key: "_id", Value: c.coll.Name()}}).Decode(&out)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	return out.Seq, err
}

// Create stores d. If a document with the same request id exists, the call is a retry:
// the stored document is returned when the request matches, and REQUEST_ID_REUSED when it
// does not. A different document with the same name is ALREADY_EXISTS.
func (c *Collection[T]) Create(ctx context.Context, d *Doc[T]) (*Doc[T], error) {
	given := d.RequestID != ""
	if !given {
		d.RequestID = NewID()
	} else if prior, err := c.priorByRequest(ctx, d.RequestID); err == nil {
		return replay(prior, d)
	} else if !apperr.IsKind(err, apperr.KindNotFound) {
		return nil, err
	}
	mu := lockFor(c.coll)
	mu.Lock()
	defer mu.Unlock()
	now := c.now().UTC().Truncate(time.Millisecond)
	d.CreateTime, d.UpdateTime = now, now
	d.Etag = NewID()
	if d.Change == "" {
		d.Change = "created"
	}
	seq, err := c.nextSeq(ctx)
	if err != nil {
		return nil, failed(ctx, "create "+d.Name, err)
	}
	d.Seq = seq
	wctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	_, err = c.coll.InsertOne(wctx, d)
	if mongo.IsDuplicateKeyError(err) {
		// A concurrent retry won the race, or the name is taken.
		if prior, perr := c.byRequestID(ctx, d.RequestID); perr == nil {
			return replay(prior, d)
		}
		return nil, apperr.AlreadyExists(d.Name)
	}
	if err != nil {
		return nil, failed(ctx, "insert "+d.Name, err)
	}
	if given {
		c.rememberRequest(ctx, d.RequestID, d.Name)
	}
	return d, nil
}

func replay[T any](prior, d *Doc[T]) (*Doc[T], error) {
	if prior.RequestHash != d.RequestHash {
		return nil, apperr.RequestIDReused(d.RequestID)
	}
	return prior, nil
}

func (c *Collection[T]) byRequestID(ctx context.Context, id string) (*Doc[T], error) {
	return c.findOne(ctx, bson.D{{Key: "request_id", Value: id}}, id)
}

// Get returns the document named name, or NOT_FOUND.
func (c *Collection[T]) Get(ctx context.Context, name string) (*Doc[T], error) {
	return c.findOne(ctx, bson.D{{Key: "_id", Value: name}}, name)
}

func (c *Collection[T]) findOne(ctx context.Context, filter bson.D, what string) (*Doc[T], error) {
	var d Doc[T]
	err := c.coll.FindOne(ctx, filter).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, apperr.NotFound(what)
	}
	if err != nil {
		return nil, failed(ctx, "find "+what, err)
	}
	return &d, nil
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
const maxConflictRetries = 8

// Update applies mutate to the stored document as one compare-and-swap on its etag:
// concurrent writers never lose each other's changes. mutate may refuse with an error,
// and then nothing is written. A retry of an applied RequestID returns the stored
// document without applying mutate again.
func (c *Collection[T]) Update(ctx context.Context, ch Change, mutate func(*Doc[T]) error) (*Doc[T], error) {
	mu := lockFor(c.coll)
	mu.Lock()
	defer mu.Unlock()
	for attempt := 0; ; attempt++ {
		d, err := c.Get(ctx, ch.Name)
		if err != nil {
			return nil, err
		}
		if ch.RequestID != "" {
			if a, ok := d.applied(ch.RequestID); ok {
				if a.RequestHash != ch.RequestHash {
					return nil, apperr.RequestIDReused(ch.RequestID)
				}
				return d, nil
			}
		}
		if ch.Etag != "" && ch.Etag != d.Etag {
			return nil, apperr.EtagMismatch(ch.Name)
		}
		old := d.Etag
		if err := mutate(d); err != nil {
			return nil, err
		}
		d.remember(ch.RequestID, ch.RequestHash)
		d.Etag = NewID()
		d.Change = ch.Verb
		d.UpdateTime = c.now().UTC().Truncate(time.Millisecond)
		if d.Seq, err = c.nextSeq(ctx); err != nil {
			return nil, failed(ctx, "update "+ch.Name, err)
		}
		wctx, cancel := context.WithTimeout(ctx, writeTimeout)
		res, err := c.coll.ReplaceOne(wctx, c.casFilter(ctx, ch.Name, old), d)
		cancel()
		if err != nil {
			return nil, failed(ctx, "replace "+ch.Name, err)
		}
		if res.MatchedCount == 1 {
			return d, nil
		}
		// Someone changed it between our read and write.
		if ch.Etag != "" {
			return nil, apperr.EtagMismatch(ch.Name)
		}
		if attempt >= maxConflictRetries {
			return nil, apperr.New(apperr.KindAborted, "CONCURRENT_CHANGE", "%s is changing too often: retry", ch.Name)
		}
	}
}

// Delete removes the document if etag (when set) matches.
func (c *Collection[T]) Delete(ctx context.Context, name, etag string) error {
	mu := lockFor(c.coll)
	mu.Lock()
	defer mu.Unlock()
	if etag != "" {
		d, err := c.Get(ctx, name)
		if err != nil {
			return err
		}
		if d.Etag != etag {
			return apperr.EtagMismatch(name)
		}
	}
	res, err := c.coll.DeleteOne(ctx, c.casFilter(ctx, name, etag))
	if err != nil {
		return failed(ctx, "delete "+name, err)
	}
	if res.DeletedCount == 0 {
		if _, err := c.Get(ctx, name); err != nil {
			return err
		}
		return apperr.EtagMismatch(name)
	}
	return nil
}

// Find returns the documents matching filter in the given order, at most limit.
func (c *Collection[T]) Find(ctx context.Context, filter bson.D, sort bson.D, limit int64) ([]*Doc[T], error) {
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
