package store

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/apperr"
)

// dependency names the store in UNAVAILABLE errors.
const dependency = "store"

// failed classifies a failed store operation for the caller, so that the status a client
// gets tells it what to do:
//   - the caller's own deadline or cancellation ended the operation: it is reported as
//     that (DEADLINE_EXCEEDED, CANCELED), not as a fault of the service;
//   - the store could not be reached or did not answer in time: UNAVAILABLE, which a
//     retry may fix (a write retried with its request id is answered from what was
//     stored, if it landed);
//   - anything else: INTERNAL.
//
// The driver's text stays in the cause, for the log; callers never see it.
func failed(ctx context.Context, op string, err error) error {
	cause := fmt.Errorf("%s: %w", op, err)
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", op, ctx.Err())
	case mongo.IsNetworkError(err), mongo.IsTimeout(err), errors.Is(err, mongo.ErrClientDisconnected):
		return apperr.Unavailable(dependency, cause)
	}
	return apperr.Internal(cause)
}
