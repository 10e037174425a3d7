package zones

import (
	"time"

	"github.com/tansiq/tansiq/platform/localized"
	"github.com/tansiq/tansiq/platform/store"
)

// Zone is a stored zone. Kind holds the API's ZoneKind name; the area is kept as the
// GeoJSON text the API returns (a bare Polygon or MultiPolygon, counter-clockwise
// exterior rings), so stored documents read as the API does.
type Zone struct {
	DisplayName  localized.Name `bson:"display_name"`
	Kind         string         `bson:"kind"`
	GeoJSON      string         `bson:"geojson"`
	Governorates []string       `bson:"governorates,omitempty"`
	Description  string         `bson:"description,omitempty"`
	// ClosingUntil is set while the zone is being deleted: until then no deployment may be
	// proposed in it (see Store.RemoveGuarded). Not part of the API.
	ClosingUntil time.Time `bson:"closing_until,omitempty"`
}

// Doc is a stored zone with its bookkeeping; Owner is the owning force.
type Doc = store.Doc[Zone]
