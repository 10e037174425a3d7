package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
)

// Units is the unit collection.
type Units struct {
	*store.Collection[domain.Unit]
}

// UnitDoc is a stored unit.
type UnitDoc = store.Doc[domain.Unit]

// unitIndexed are the units' indexed fields: the ListUnits filter's equalities, and the
// commander for DeletePerson's check.
var unitIndexed = map[string]func(*domain.Unit) string{
	"echelon":     func(u *domain.Unit) string { return u.Echelon },
	"parent_unit": func(u *domain.Unit) string { return u.ParentUnit },
	"readiness":   func(u *domain.Unit) string { return u.Readiness },
	"commander":   func(u *domain.Unit) string { return u.Commander },
}

// UnitSchema is the filter ListUnits accepts, as its request documents; unitRecord gives it
// a unit's fields.
var UnitSchema = filter.Schema{
	"echelon":                 {Type: filter.Enum, Values: filter.EnumNames(forcesv1.Echelon_name)},
	"parent_unit":             {Type: filter.String},
	"readiness":               {Type: filter.Enum, Values: filter.EnumNames(forcesv1.Readiness_name)},
	"last_position.latitude":  {Type: filter.Number, Ops: filter.Ordered},
	"last_position.longitude": {Type: filter.Number, Ops: filter.Ordered},
}

// unitRecord gives the ListUnits filter a unit's fields. A unit never reported has no
// position: no comparison with it holds.
func unitRecord(u *domain.Unit) filter.Record {
	return func(field string) any {
		switch field {
		case "echelon":
			return u.Echelon
		case "parent_unit":
			return u.ParentUnit
		case "readiness":
			return u.Readiness
		}
		if u.LastPosition == nil {
			return nil
		}
		switch field {
		case "last_position.latitude":
			return u.LastPosition.Place.Point.Lat
		case "last_position.longitude":
			return u.LastPosition.Place.Point.Lng
		}
		return nil
	}
}

// UnitSorts are the orders ListUnits serves: "name" (the default), "update_time desc" and
// "update_time". Not by report time: that would tell the other force which withheld units
// reported lately.
var UnitSorts = sorts(byUpdateTime[domain.Unit]()...)

// NewUnits returns the collection with its orders and indexes declared; Load it before serving.
func NewUnits(db *mongo.Database) *Units {
	c := newCollection(db, "units", UnitSorts...)
	indexBy(c, unitIndexed)
	return &Units{c}
}

// List returns up to limit units of force ("" for all) matching the filter, in order (one
// of UnitSorts), after the cursor after.
func (s *Units) List(ctx context.Context, force string, f filter.Filter, order store.Sort[domain.Unit], after *store.Cursor, limit int) ([]*UnitDoc, error) {
	sel := under(recordsOf(force, domain.UnitName), order, after, limit, nil)
	return s.Collection.List(ctx, where(sel, f, unitRecord, unitIndexed))
}

// BatchGet returns the named units that exist, by name.
func (s *Units) BatchGet(ctx context.Context, names []string) (map[string]*UnitDoc, error) {
	return batchGet(ctx, s.Collection, names)
}

// ParentOf returns the parent_unit of the named unit.
func (s *Units) ParentOf(ctx context.Context, name string) (string, bool, error) {
	d, err := s.Get(ctx, name)
	if apperr.IsKind(err, apperr.KindNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return d.Body.ParentUnit, true, nil
}

// Exists reports whether the named unit exists.
func (s *Units) Exists(ctx context.Context, name string) (bool, error) {
	return exists(ctx, s.Collection, name)
}

// Open reports whether the named unit exists and no replica is deleting it, as the units
// log stands now: a write naming the unit (a person's unit, a TAK binding's, an area's)
// calls it inside its own compare-and-swap (see RemoveFenced). A unit being deleted is
// FAILED_PRECONDITION UNIT_BEING_DELETED.
func (s *Units) Open(ctx context.Context, name string) (bool, error) {
	return open(ctx, s.Collection, name, unitClosing, "UNIT_BEING_DELETED")
}

// Referrers are the collections besides the units whose records may name a unit, as a
// unit's deletion reads them: Fence fences each of their logs, Naming finds one record of
// each kind naming the unit.
type Referrers interface {
	Fencer
	Naming(ctx context.Context, unit string) (domain.UnitReferrers, error)
}

// RemoveFenced deletes the unit r names if no sub-unit and no record of refs (a person, a
// TAK binding, an area) names it, across replicas: refs' logs are fenced after the unit is
// marked closing (see removeFenced), so a record naming it written through any replica
// either is found here or is refused by Open.
func (s *Units) RemoveFenced(ctx context.Context, r store.Removal, refs Referrers) error {
	return removeFenced(ctx, s.Collection, r, unitClosing, refs, func(d *UnitDoc) error {
		named, err := refs.Naming(ctx, d.Name)
		if err != nil {
			return err
		}
		if named.Child, err = s.AChild(ctx, d.Name); err != nil {
			return err
		}
		return domain.CheckUnitRemovable(d.Name, named)
	})
}

func unitClosing(u *domain.Unit) *time.Time { return &u.ClosingUntil }

// AChild returns the name of one unit whose parent_unit is name, or "" if there is none.
func (s *Units) AChild(ctx context.Context, name string) (string, error) {
	return firstUnder(ctx, s.Collection, unitIndexed, "parent_unit", name)
}

// ACommanded returns the name of one unit the person commands, or "" if there is none.
func (s *Units) ACommanded(ctx context.Context, person string) (string, error) {
	return firstUnder(ctx, s.Collection, unitIndexed, "commander", person)
}
