package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
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

// NewAreas returns the collection and creates its indexes.
func NewAreas(ctx context.Context, db *mongo.Database) (*Areas, error) {
	c := store.NewCollection[domain.Area](db, "areas")
	if err := c.EnsureIndexes(ctx, store.Index{Name: "unit", Keys: bson.D{{Key: "body.unit", Value: 1}}}); err != nil {
		return nil, err
	}
	return &Areas{c}, nil
}

// List returns the areas of unit ("" for any) of force ("" for all), by name, after
// the name after.
func (s *Areas) List(ctx context.Context, force, unit, after string) ([]*AreaDoc, error) {
	q := afterName(ofForce(bson.D{}, force), after)
	if unit != "" {
		q = append(q, bson.E{Key: "body.unit", Value: unit})
	}
	return s.Find(ctx, q, byName, 0)
}
