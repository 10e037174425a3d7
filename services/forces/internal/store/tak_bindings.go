package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
)

// TakBindings is the collection of TAK device bindings.
type TakBindings struct {
	*store.Collection[domain.TakBinding]
}

// TakBindingDoc is a stored binding.
type TakBindingDoc = store.Doc[domain.TakBinding]

// NewTakBindings returns the collection; Load it before serving.
func NewTakBindings(db *mongo.Database) *TakBindings {
	return &TakBindings{newCollection[domain.TakBinding](db, "tak_bindings")}
}

// List returns up to limit bindings of force ("" for all), by name, after the name after.
// Bindings take no filter: conds is always empty.
func (s *TakBindings) List(ctx context.Context, force string, _ filter.Filter, after string, limit int) ([]*TakBindingDoc, error) {
	return s.Collection.List(ctx, under[domain.TakBinding](recordsOf(force, domain.TakBindingName), after, limit, nil))
}
