package domain

import (
	"context"
	"fmt"
)

// Exists reports whether the named record exists.
type Exists func(ctx context.Context, name string) (bool, error)

// CheckReference checks that ref, a unit or person named in a record of force (a unit's
// commander, a person's unit), is of that force and exists. An empty ref is allowed.
// field is the reference's path in the request.
func CheckReference(ctx context.Context, field, ref, force string, exists Exists) error {
	if ref == "" {
		return nil
	}
	if ForceOf(ref) != force {
		return invalid("CROSS_FORCE_REFERENCE", field, fmt.Sprintf("must be of %s, the record's own force", force))
	}
	ok, err := exists(ctx, ref)
	if err != nil {
		return err
	}
	if !ok {
		return invalid("REFERENCE_NOT_FOUND", field, fmt.Sprintf("%s does not exist", ref))
	}
	return nil
}
