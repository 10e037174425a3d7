package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
)

// Areas is the collection of units' areas of responsibility.
type Areas struct {
	*store.Collection[domain.Area]
}

// AreaDoc is a stored area.
type AreaDoc = store.Doc[domain.Area]

// NewAreas returns the collection; Load it before serving.
func NewAreas(db *mongo.Database) *Areas {
	return &Areas{newCollection[domain.Area](db, "areas")}
}

// List returns up to limit areas of unit (or, when unit is "", of force; "" for all) for
// which match holds, by name, after the cursor after. An area is named under its unit, and
// a unit under its force.
func (s *Areas) List(ctx context.Context, force, unit string, after *store.Cursor, limit int, match func(*AreaDoc) bool) ([]*AreaDoc, error) {
	prefix := recordsOf(force, domain.UnitName)
	if unit != "" {
		prefix = unit + "/areas/"
	}
	return s.Collection.List(ctx, under(prefix, store.NameOrder[domain.Area](), after, limit, match))
}

// AnArea returns the name of one area drawn for unit, ended or not, or "" if there is
// none. It first reads the log forward, so an area another replica has just drawn is seen.
func (s *Areas) AnArea(ctx context.Context, unit string) (string, error) {
	if _, err := s.CurrentSeq(ctx); err != nil {
		return "", err
	}
	docs, err := s.List(ctx, "", unit, nil, 1, nil)
	if err != nil || len(docs) == 0 {
		return "", err
	}
	return docs[0].Name, nil
}
