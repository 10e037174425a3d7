package store

import (
	"context"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
)

// Prior returns the document that a create with requestID stored: nil when there is none,
// REQUEST_ID_REUSED when a different request (hash) stored it. Handlers ask it before
// calling the forces service, so that a retry is answered from what is stored, as AIP-155
// wants, even while the forces service is down or after a person it named was removed.
// It is a look-up in the collection's cache (store.Collection.Prior), not a scan.
func Prior[T any](ctx context.Context, c *store.Collection[T], requestID, hash string) (*store.Doc[T], error) {
	return c.Prior(ctx, requestID, hash)
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
