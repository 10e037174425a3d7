package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// entry is one committed change in a collection's log ("<collection>_log"). Its _id is
// the change's sequence number, so following the log is a read by _id per change; it
// carries the whole new state, so the log alone is the truth and the document collection
// a materialisation of it.
type entry[T any] struct {
	ID      string    `bson:"_id"` // seqKey(Seq)
	Seq     int64     `bson:"seq"`
	Deleted bool      `bson:"deleted,omitempty"`
	Fence   bool      `bson:"fence,omitempty"` // changes no document (Doc is nil): see Fence
	Time    time.Time `bson:"time"`
	Doc     *Doc[T]   `bson:"doc"`
	// created says the entry makes a document that did not exist on the cache it was
	// decided on, so its materialisation is most likely an insert (see materialise.go).
	// Only the writer knows it; it is not stored.
	created bool
}

// seqKey is the _id of the log entry with sequence seq: a string, because FerretDB's
// SQLite backend serves only string (and ObjectID) _id equality from its primary key,
// zero-padded so that keys sort as numbers.
func seqKey(seq int64) string { return fmt.Sprintf("%020d", seq) }

// tombstone is what remains of a deleted document ("<collection>_gone"): enough for a
// loaded cache to answer a retried create of it and to tell watchers it was deleted.
type tombstone struct {
	Name      string `bson:"_id"`
	Owner     string `bson:"owner"`
	Etag      string `bson:"etag"`
	Seq       int64  `bson:"seq"`
	RequestID string `bson:"request_id"`
}

// checkpoint is the log position below which every entry is materialised in the document
// collection: a load replays the log from there.
type checkpoint struct {
	ID  string `bson:"_id"`
	Seq int64  `bson:"seq"`
}

// readEntry reads the entry with sequence seq; found is false if there is none (yet).
func (c *Collection[T]) readEntry(ctx context.Context, seq int64) (*entry[T], bool, error) {
	var e entry[T]
	err := c.log.FindOne(ctx, bson.D{{Key: "_id", Value: seqKey(seq)}}).Decode(&e)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return &e, true, nil
}

// checkpointID names the collection's checkpoint in the database's "counters" collection.
func (c *Collection[T]) checkpointID() string { return c.coll.Name() + "/log" }

func (c *Collection[T]) readCheckpoint(ctx context.Context) (int64, bool, error) {
	var cp checkpoint
	err := c.counters.FindOne(ctx, bson.D{{Key: "_id", Value: c.checkpointID()}}).Decode(&cp)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return cp.Seq, true, nil
}

// raiseCheckpoint moves the checkpoint up to seq. Concurrent raises may leave the lower
// value (FerretDB evaluates $max as a read then a write): that only makes a later load
// replay more of the log.
func (c *Collection[T]) raiseCheckpoint(ctx context.Context, seq int64) error {
	_, err := c.counters.UpdateOne(ctx, bson.D{{Key: "_id", Value: c.checkpointID()}},
		bson.D{{Key: "$max", Value: bson.D{{Key: "seq", Value: seq}}}}, options.UpdateOne().SetUpsert(true))
	return err
}
