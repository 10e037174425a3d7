package zones

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/store"
)

// Store is the zones collection of the gateway's database, served from this process's
// cache of it (platform/store).
type Store struct {
	*store.Collection[Zone]
}

// byName is the order the catalog loads zones in.
const byName = "name"

// NewStore returns the collection with its order declared; Load it before serving.
func NewStore(ctx context.Context, db *mongo.Database) (*Store, error) {
	c := store.NewCollection[Zone](db, "zones")
	c.OrderBy(byName, func(a, b *Doc) bool { return a.Name < b.Name })
	if err := c.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	return &Store{c}, nil
}

// All returns every stored zone, by name, from the cache.
func (s *Store) All(ctx context.Context) ([]*Doc, error) {
	return s.List(ctx, store.Selector[Zone]{Order: byName})
}
