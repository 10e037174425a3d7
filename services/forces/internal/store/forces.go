package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
)

// Forces is the force collection.
type Forces struct {
	*store.Collection[domain.Force]
}

// ForceDoc is a stored force.
type ForceDoc = store.Doc[domain.Force]

// NewForces returns the collection; Load it before serving.
func NewForces(db *mongo.Database) *Forces {
	return &Forces{newCollection[domain.Force](db, "forces")}
}

// List returns up to limit forces after the cursor after, by name.
func (s *Forces) List(ctx context.Context, after *store.Cursor, limit int) ([]*ForceDoc, error) {
	return s.Collection.List(ctx, under("", store.NameOrder[domain.Force](), after, limit, nil))
}

// Exists reports whether the named force exists.
func (s *Forces) Exists(ctx context.Context, name string) (bool, error) {
	return exists(ctx, s.Collection, name)
}
