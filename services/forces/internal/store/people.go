package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
)

// People is the person collection.
type People struct {
	*store.Collection[domain.Person]
}

// PersonDoc is a stored person.
type PersonDoc = store.Doc[domain.Person]

// NewPeople returns the collection and creates its indexes.
func NewPeople(ctx context.Context, db *mongo.Database) (*People, error) {
	c := store.NewCollection[domain.Person](db, "people")
	err := c.EnsureIndexes(ctx,
		store.Index{Name: "owner_name", Keys: bson.D{{Key: "owner", Value: 1}, {Key: "_id", Value: 1}}},
		store.Index{Name: "unit", Keys: bson.D{{Key: "body.unit", Value: 1}}},
	)
	if err != nil {
		return nil, err
	}
	return &People{c}, nil
}

// PersonPaths maps the fields of ListPeople filters to document paths.
var PersonPaths = map[string]string{
	"unit": "body.unit",
	"rank": "body.rank",
}

// List returns up to limit people of force ("" for all) matching the filter, by name,
// after the name after.
func (s *People) List(ctx context.Context, force string, conds []filter.Typed, after string, limit int) ([]*PersonDoc, error) {
	q := afterName(ofForce(store.Query(conds, PersonPaths), force), after)
	return s.Find(ctx, q, byName, int64(limit))
}

// BatchGet returns the named people that exist, by name, in one query.
func (s *People) BatchGet(ctx context.Context, names []string) (map[string]*PersonDoc, error) {
	out := map[string]*PersonDoc{}
	if len(names) == 0 {
		return out, nil
	}
	docs, err := s.Find(ctx, inNames(names), nil, 0)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		out[d.Name] = d
	}
	return out, nil
}

// Exists reports whether the named person exists.
func (s *People) Exists(ctx context.Context, name string) (bool, error) {
	n, err := firstName(ctx, s.Mongo(), bson.D{{Key: "_id", Value: name}})
	return n != "", err
}

// AMember returns the name of one person serving in unit, or "" if there is none.
func (s *People) AMember(ctx context.Context, unit string) (string, error) {
	return firstName(ctx, s.Mongo(), bson.D{{Key: "body.unit", Value: unit}})
}
