package handler

import (
	"context"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	forcesstore "github.com/tansiq/tansiq/services/forces/internal/store"
)

// visibleUnit is a unit as the caller may see it: without its last position when the
// unit's force withholds its positions and the caller speaks for the other force. Every
// read of units answers through it.
func visibleUnit(ctx context.Context, d *forcesstore.UnitDoc) *forcesv1.Unit {
	u := unitToProto(d)
	if !positionsVisible(ctx, d) {
		u.LastPosition = nil
	}
	return u
}

// positionsVisible reports whether the caller may see where the unit is: always when its
// force releases its positions; otherwise only a caller of that force, or a service (the
// CoT bridge, which passes positions on to TAK devices under the same rule; the gateway
// forwards people's own tokens, so it is never the caller for a person).
func positionsVisible(ctx context.Context, d *forcesstore.UnitDoc) bool {
	if !d.Body.PositionsWithheld() {
		return true
	}
	force := access.Caller(ctx).Force
	return force == "" || force == d.Owner
}

// errWithheld refuses the other force a withheld unit's position history.
func errWithheld(name string) error {
	return &apperr.Error{Kind: apperr.KindPermissionDenied, Reason: "POSITION_WITHHELD",
		Message:  "the unit's force does not release its positions to yours",
		Metadata: map[string]string{"resource": name}}
}
