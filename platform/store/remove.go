package store

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/apperr"
)

// Removal names a document to delete, as a Delete request does (AIP-135 with AIP-155).
type Removal struct {
	// Name of the document.
	Name string
	// Etag, when set, must match the stored etag (else ABORTED).
	Etag string
	// RequestID, when set, makes the deletion idempotent: a retry with the same id
	// succeeds again instead of answering NOT_FOUND, and the same id with a different
	// request (RequestHash) is REQUEST_ID_REUSED.
	RequestID   string
	RequestHash string
}

// receipt remembers an idempotent deletion, in the database's "removals" collection. It
// cannot live in the deleted document, which is gone.
type receipt struct {
	Key  string    `bson:"_id"` // collection + "/" + request id
	Name string    `bson:"name"`
	Hash string    `bson:"hash"`
	Time time.Time `bson:"time"`
}

// receiptsKept is how long a deletion's retry is answered from its receipt: retries come
// within minutes; older receipts are pruned.
const receiptsKept = 24 * time.Hour

// Remove deletes the named document, after check (when not nil) accepts it: check may
// refuse, e.g. with FAILED_PRECONDITION while other records depend on the document, and
// then nothing is deleted. check must not write to this collection.
//
// Without transactions the receipt is written before the document is deleted, so a crash
// between the two leaves a receipt and the document: a retry then finds the document and
// deletes it, rather than claiming a deletion that did not happen.
func (c *Collection[T]) Remove(ctx context.Context, r Removal, check func(*Doc[T]) error) error {
	receipts := c.coll.Database().Collection("removals")
	key := c.coll.Name() + "/" + r.RequestID
	retry := false
	if r.RequestID != "" {
		var prior receipt
		err := receipts.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&prior)
		switch {
		case err == nil:
			if prior.Hash != r.RequestHash {
				return apperr.RequestIDReused(r.RequestID)
			}
			retry = true
		case !errors.Is(err, mongo.ErrNoDocuments):
			return failed(ctx, "find removal "+key, err)
		}
	}
	_, err := c.commit(ctx, &write[T]{name: r.Name, decide: func(cur *Doc[T], exists bool) (*entry[T], *Doc[T], error) {
		if !exists {
			if retry {
				return nil, nil, nil
			}
			return nil, nil, apperr.NotFound(r.Name)
		}
		if r.Etag != "" && r.Etag != cur.Etag {
			return nil, nil, apperr.EtagMismatch(r.Name)
		}
		if check != nil {
			if err := check(cur); err != nil {
				return nil, nil, err
			}
		}
		if r.RequestID != "" && !retry {
			if err := c.writeReceipt(ctx, receipts, receipt{Key: key, Name: r.Name, Hash: r.RequestHash, Time: c.now().UTC()}); err != nil {
				return nil, nil, err
			}
			retry = true // written: a second round of this loop must not write it again
		}
		return deletion(cur, c.now()), nil, nil
	}})
	return err
}

func (c *Collection[T]) writeReceipt(ctx context.Context, receipts *mongo.Collection, rec receipt) error {
	_, err := receipts.InsertOne(ctx, rec)
	if mongo.IsDuplicateKeyError(err) {
		// A concurrent retry of the same request (on another replica) wrote it first.
		var prior receipt
		if err := receipts.FindOne(ctx, bson.D{{Key: "_id", Value: rec.Key}}).Decode(&prior); err != nil {
			return failed(ctx, "find removal "+rec.Key, err)
		}
		if prior.Hash != rec.Hash {
			return apperr.RequestIDReused(rec.Key)
		}
		return nil
	}
	if err != nil {
		return failed(ctx, "write removal "+rec.Key, err)
	}
	// Pruning is best effort: a receipt left behind only answers a very late retry.
	_, _ = receipts.DeleteMany(ctx, bson.D{{Key: "time", Value: bson.D{{Key: "$lt", Value: rec.Time.Add(-receiptsKept)}}}})
	return nil
}
