package store

import (
	"context"
	"errors"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/apperr"
)

// requestEntry maps a create's request_id to the resource it made. The resource document
// holds its request_id too (with a unique index: the source of truth); this collection only
// makes the retry look-up a read by _id, which FerretDB serves from SQLite's primary key
// where a query on any other field reads the whole collection.
type requestEntry struct {
	RequestID string `bson:"_id"`
	Name      string `bson:"name"`
}

// priorByRequest returns the document an earlier create with this request id made, or
// NOT_FOUND. A missing entry (the process died between the two writes) is caught later by
// the unique index on request_id, whose handler falls back to a full look-up.
func (c *Collection[T]) priorByRequest(ctx context.Context, id string) (*Doc[T], error) {
	var e requestEntry
	err := c.requests.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&e)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, apperr.NotFound(id)
	}
	if err != nil {
		return nil, failed(ctx, "find request "+id, err)
	}
	return c.Get(ctx, e.Name)
}

// rememberRequest records the entry; a failure only costs the next retry a slower look-up.
func (c *Collection[T]) rememberRequest(ctx context.Context, id, name string) {
	_, _ = c.requests.InsertOne(context.WithoutCancel(ctx), requestEntry{RequestID: id, Name: name})
}

// engine tells MongoDB from FerretDB once per client.
type engine struct {
	once   sync.Once
	ferret bool
}

// isFerret reports whether the store is FerretDB, whose updates read the whole collection
// unless filtered on _id alone. Writes to one collection are serialised in the process
// (locks.go), and on FerretDB one process owns each database, so there the etag check made
// under the lock is enough and the write can filter on _id; MongoDB gets the etag in the
// filter, which keeps the compare-and-swap atomic across replicas.
func (c *Collection[T]) isFerret(ctx context.Context) bool {
	c.engine.once.Do(func() {
		var info bson.M
		if err := c.coll.Database().RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err == nil {
			_, c.engine.ferret = info["ferretdbVersion"]
		}
	})
	return c.engine.ferret
}

// casFilter selects the document named name only if its etag is still etag (when given).
func (c *Collection[T]) casFilter(ctx context.Context, name, etag string) bson.D {
	if etag == "" || c.isFerret(ctx) {
		return bson.D{{Key: "_id", Value: name}}
	}
	return bson.D{{Key: "_id", Value: name}, {Key: "etag", Value: etag}}
}
