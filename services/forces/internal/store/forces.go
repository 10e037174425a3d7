package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
)

// Forces is the force collection.
type Forces struct {
	*store.Collection[domain.Force]
}

// ForceDoc is a stored force.
type ForceDoc = store.Doc[domain.Force]

// NewForces returns the collection and creates its indexes.
func NewForces(ctx context.Context, db *mongo.Database) (*Forces, error) {
	c := store.NewCollection[domain.Force](db, "forces")
	if err := c.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	return &Forces{c}, nil
}

// List returns up to limit forces after the name after, by name.
func (s *Forces) List(ctx context.Context, after string, limit int) ([]*ForceDoc, error) {
	return s.Find(ctx, afterName(nil, after), byName, int64(limit))
}

// Exists reports whether the named force exists.
func (s *Forces) Exists(ctx context.Context, name string) (bool, error) {
	_, err := s.Get(ctx, name)
	if apperr.IsKind(err, apperr.KindNotFound) {
		return false, nil
	}
	return err == nil, err
}
