package store

import (
	"context"
	"time"

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

// PersonSorts are the orders ListPeople serves: "name" (the default), "update_time desc"
// and "update_time".
var PersonSorts = sorts(byUpdateTime[domain.Person]()...)

// NewPeople returns the collection with its orders and indexes declared; Load it before serving.
func NewPeople(db *mongo.Database) *People {
	c := newCollection(db, "people", PersonSorts...)
	indexBy(c, personIndexed)
	return &People{c}
}

// List returns up to limit people of force ("" for all) matching the filter, in order
// (one of PersonSorts), after the cursor after.
func (s *People) List(ctx context.Context, force string, f filter.Filter, order store.Sort[domain.Person], after *store.Cursor, limit int) ([]*PersonDoc, error) {
	sel := under(recordsOf(force, domain.PersonName), order, after, limit, nil)
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

// Open reports whether the named person exists and no replica is deleting them, as the
// people log stands now: a write naming the person (a unit's commander) calls it inside
// its own compare-and-swap (see RemoveFenced). A person being deleted is
// FAILED_PRECONDITION PERSON_BEING_DELETED.
func (s *People) Open(ctx context.Context, name string) (bool, error) {
	return open(ctx, s.Collection, name, personClosing, "PERSON_BEING_DELETED")
}

// Commands are the units as a person's deletion reads them.
type Commands interface {
	Fencer
	ACommanded(ctx context.Context, person string) (string, error)
}

// RemoveFenced deletes the person r names if no unit (units) has them as commander, across
// replicas: the units log is fenced after the person is marked closing (see
// removeFenced), so a unit naming them commander through any replica either is found here
// or is refused by Open.
func (s *People) RemoveFenced(ctx context.Context, r store.Removal, units Commands) error {
	return removeFenced(ctx, s.Collection, r, personClosing, units, func(d *PersonDoc) error {
		commanded, err := units.ACommanded(ctx, d.Name)
		if err != nil {
			return err
		}
		return domain.CheckPersonRemovable(d.Name, commanded)
	})
}

func personClosing(p *domain.Person) *time.Time { return &p.ClosingUntil }

// AMember returns the name of one person serving in unit, or "" if there is none.
func (s *People) AMember(ctx context.Context, unit string) (string, error) {
	return firstUnder(ctx, s.Collection, personIndexed, "unit", unit)
}
