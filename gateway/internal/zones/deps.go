package zones

import (
	"context"
	"time"

	"github.com/tansiq/tansiq/gateway/internal/assess"
)

// Threats rates a zone by the incidents placed in it (the placement of incidents does).
type Threats interface {
	Threat(zone string, now time.Time) (assess.Level, string)
}

// Placer re-places incidents when a zone's area changes or the zone goes, so each
// incident stays in the zones that contain it.
type Placer interface {
	ZoneChanged(ctx context.Context, zone string) error
}

// Notifier records that a zone's operational picture changed.
type Notifier interface {
	Updated(ctx context.Context, zone string, causes ...string)
	Removed(ctx context.Context, zone string)
}

// Guard tells whether a zone may go: Blocking names a PROPOSED or ACTIVE deployment in
// the zone, or returns "" when there is none; Fence makes every proposal decided before it
// be decided again (platform/store Collection.Fence).
type Guard interface {
	Blocking(ctx context.Context, zone string) (string, error)
	Fence(ctx context.Context) error
}
