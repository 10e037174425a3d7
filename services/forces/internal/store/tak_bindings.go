package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
)

// TakBindings is the collection of TAK device bindings.
type TakBindings struct {
	*store.Collection[domain.TakBinding]
}

// TakBindingDoc is a stored binding.
type TakBindingDoc = store.Doc[domain.TakBinding]

// NewTakBindings returns the collection and creates its indexes.
func NewTakBindings(ctx context.Context, db *mongo.Database) (*TakBindings, error) {
	c := store.NewCollection[domain.TakBinding](db, "tak_bindings")
	if err := c.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	return &TakBindings{c}, nil
}

// List returns up to limit bindings of force ("" for all), by name, after the name after.
func (s *TakBindings) List(ctx context.Context, force, after string, limit int) ([]*TakBindingDoc, error) {
	return s.Find(ctx, afterName(ofForce(bson.D{}, force), after), byName, int64(limit))
}
