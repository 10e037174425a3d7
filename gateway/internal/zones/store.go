package zones

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/store"
)

// Store is the zones collection of the gateway's database.
type Store struct {
	*store.Collection[Zone]
}

// NewStore returns the collection and creates its indexes.
func NewStore(ctx context.Context, db *mongo.Database) (*Store, error) {
	c := store.NewCollection[Zone](db, "zones")
	if err := c.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	return &Store{c}, nil
}

// All returns every stored zone, by name.
func (s *Store) All(ctx context.Context) ([]*Doc, error) {
	return s.Find(ctx, nil, nil, 0)
}
