package store

import (
	"context"

	"github.com/tansiq/tansiq/platform/access"
)

// OwnerMayChange is the authorization most records have: the caller in ctx may change a
// document only as an operator of the force that owns it (access.Change). Pass it to
// UpdateAuthorized.
func OwnerMayChange[T any](ctx context.Context) func(*Doc[T]) error {
	return func(d *Doc[T]) error { return access.Change(ctx, d.Name, d.Owner) }
}
