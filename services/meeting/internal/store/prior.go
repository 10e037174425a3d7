package store

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
)

// Prior returns the document that a create with requestID stored: nil when there is none,
// REQUEST_ID_REUSED when a different request (hash) stored it. Handlers ask it before
// calling the forces service, so that a retry is answered from what is stored, as AIP-155
// wants, even while the forces service is down or after a person it named was removed.
// store.Collection.Create makes the same check again at insert time, for concurrent retries.
func Prior[T any](ctx context.Context, c *store.Collection[T], requestID, hash string) (*store.Doc[T], error) {
	if requestID == "" {
		return nil, nil
	}
	var d store.Doc[T]
	err := c.Mongo().FindOne(ctx, bson.D{{Key: "request_id", Value: requestID}}).Decode(&d)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return nil, nil
	case err != nil:
		return nil, apperr.Internal(fmt.Errorf("find request %s: %w", requestID, err))
	case d.RequestHash != hash:
		return nil, apperr.RequestIDReused(requestID)
	}
	return &d, nil
}

// Replayed reports whether d already took the change made by requestID, for the same
// reasons as Prior; REQUEST_ID_REUSED when a different request used the id.
// store.Collection.Update makes the same check again at write time.
func Replayed[T any](d *store.Doc[T], requestID, hash string) (bool, error) {
	if requestID == "" {
		return false, nil
	}
	for _, a := range d.Applied {
		if a.RequestID == requestID {
			if a.RequestHash != hash {
				return false, apperr.RequestIDReused(requestID)
			}
			return true, nil
		}
	}
	return false, nil
}
