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

// bindingIndexed are the bindings' indexed fields: the unit, for DeleteUnit's check.
var bindingIndexed = map[string]func(*domain.TakBinding) string{
	"unit": func(b *domain.TakBinding) string { return b.Unit },
}

// NewTakBindings returns the collection with its index declared; Load it before serving.
func NewTakBindings(db *mongo.Database) *TakBindings {
	c := newCollection(db, "tak_bindings", TakBindingSorts...)
	indexBy(c, bindingIndexed)
	return &TakBindings{c}
}

// TakBindingSorts are the orders ListTakBindings serves: by name only (a force binds few devices).
var TakBindingSorts = sorts[domain.TakBinding]()

// List returns up to limit bindings of force ("" for all), in order, after the cursor
// after. Bindings take no filter: f is always empty.
func (s *TakBindings) List(ctx context.Context, force string, _ filter.Filter, order store.Sort[domain.TakBinding], after *store.Cursor, limit int) ([]*TakBindingDoc, error) {
	return s.Collection.List(ctx, under(recordsOf(force, domain.TakBindingName), order, after, limit, nil))
}

// ABinding returns the name of one binding whose device reports for unit, or "" if there
// is none.
func (s *TakBindings) ABinding(ctx context.Context, unit string) (string, error) {
	return firstUnder(ctx, s.Collection, bindingIndexed, "unit", unit)
}
