package store

import (
	"context"

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

// personIndexed are the people's indexed fields: the ListPeople filter's equalities, and
// the unit a person serves in for DeleteUnit's check.
var personIndexed = map[string]func(*domain.Person) string{
	"unit": func(p *domain.Person) string { return p.Unit },
	"rank": func(p *domain.Person) string { return p.Rank },
}

// PersonSchema is the filter ListPeople accepts, as its request documents.
var PersonSchema = filter.Schema{
	"unit": {Type: filter.String},
	"rank": {Type: filter.String},
}

// personRecord gives the ListPeople filter a person's fields.
func personRecord(p *domain.Person) filter.Record {
	return func(field string) any {
		switch field {
		case "unit":
			return p.Unit
		case "rank":
			return p.Rank
		}
		return nil
	}
}

// NewPeople returns the collection with its indexes declared; Load it before serving.
func NewPeople(db *mongo.Database) *People {
	c := newCollection[domain.Person](db, "people")
	indexBy(c, personIndexed)
	return &People{c}
}

// List returns up to limit people of force ("" for all) matching the filter, by name,
// after the name after.
func (s *People) List(ctx context.Context, force string, f filter.Filter, after string, limit int) ([]*PersonDoc, error) {
	sel := under[domain.Person](recordsOf(force, domain.PersonName), after, limit, nil)
	return s.Collection.List(ctx, where(sel, f, personRecord, personIndexed))
}

// BatchGet returns the named people that exist, by name.
func (s *People) BatchGet(ctx context.Context, names []string) (map[string]*PersonDoc, error) {
	return batchGet(ctx, s.Collection, names)
}

// Exists reports whether the named person exists.
func (s *People) Exists(ctx context.Context, name string) (bool, error) {
	return exists(ctx, s.Collection, name)
}

// AMember returns the name of one person serving in unit, or "" if there is none.
func (s *People) AMember(ctx context.Context, unit string) (string, error) {
	return firstUnder(ctx, s.Collection, personIndexed, "unit", unit)
}
