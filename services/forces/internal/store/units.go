package store

import (
	"cmp"
	"context"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
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

// unitFields are the fields of ListUnits filters. A unit never reported has no position:
// no condition on it holds.
var unitFields = map[string]field[domain.Unit]{
	"echelon":     func(u *domain.Unit, v any) (int, bool) { return text(u.Echelon, v) },
	"parent_unit": func(u *domain.Unit, v any) (int, bool) { return text(u.ParentUnit, v) },
	"readiness":   func(u *domain.Unit, v any) (int, bool) { return text(u.Readiness, v) },
	"last_position.latitude": func(u *domain.Unit, v any) (int, bool) {
		if u.LastPosition == nil {
			return 0, false
		}
		return cmp.Compare(u.LastPosition.Place.Point.Lat, v.(float64)), true
	},
	"last_position.longitude": func(u *domain.Unit, v any) (int, bool) {
		if u.LastPosition == nil {
			return 0, false
		}
		return cmp.Compare(u.LastPosition.Place.Point.Lng, v.(float64)), true
	},
}

// NewUnits returns the collection with its indexes declared; Load it before serving.
func NewUnits(db *mongo.Database) *Units {
	c := newCollection[domain.Unit](db, "units")
	indexBy(c, unitIndexed)
	return &Units{c}
}

// List returns up to limit units of force ("" for all) matching the filter, by name,
// after the name after.
func (s *Units) List(ctx context.Context, force string, conds []filter.Typed, after string, limit int) ([]*UnitDoc, error) {
	sel := under[domain.Unit](recordsOf(force, domain.UnitName), after, limit, nil)
	return s.Collection.List(ctx, where(sel, conds, unitFields, unitIndexed))
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

// AChild returns the name of one unit whose parent_unit is name, or "" if there is none.
func (s *Units) AChild(ctx context.Context, name string) (string, error) {
	return firstUnder(ctx, s.Collection, unitIndexed, "parent_unit", name)
}

// ACommanded returns the name of one unit the person commands, or "" if there is none.
func (s *Units) ACommanded(ctx context.Context, person string) (string, error) {
	return firstUnder(ctx, s.Collection, unitIndexed, "commander", person)
}
