package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/services/forces/internal/domain"
)

// Store is the service's collections.
type Store struct {
	Forces *Forces
	Units  *Units
	People *People
	Areas  *Areas
	// TakBindings are the TAK devices bound to units.
	TakBindings *TakBindings
	// Positions are the units' report histories.
	Positions *Positions
}

// New returns the service's collections in db, with their orders and indexes declared.
func New(db *mongo.Database) *Store {
	return &Store{Forces: NewForces(db), Units: NewUnits(db), People: NewPeople(db), Areas: NewAreas(db),
		TakBindings: NewTakBindings(db), Positions: NewPositions(db)}
}

// Load reads every collection into this process's cache and starts their followers. A
// server calls it before it serves, so its health is not SERVING before the caches are
// loaded.
func (s *Store) Load(ctx context.Context) error {
	for _, load := range []func(context.Context) error{s.Forces.Load, s.Units.Load, s.People.Load, s.Areas.Load, s.TakBindings.Load, s.Positions.Load} {
		if err := load(ctx); err != nil {
			return err
		}
	}
	return nil
}

// UnitReferrers are the people, TAK bindings and areas as a unit's deletion reads them
// (Units.RemoveFenced): the records that may name a unit besides its sub-units.
type UnitReferrers struct {
	People      *People
	TakBindings *TakBindings
	Areas       *Areas
}

// UnitReferrers returns s's collections whose records may name a unit.
func (s *Store) UnitReferrers() UnitReferrers {
	return UnitReferrers{People: s.People, TakBindings: s.TakBindings, Areas: s.Areas}
}

// Fence fences the people's, the TAK bindings' and the areas' logs, one after another:
// every write to them decided before its log's fence is decided again after it.
func (r UnitReferrers) Fence(ctx context.Context) error {
	for _, f := range []Fencer{r.People, r.TakBindings, r.Areas} {
		if err := f.Fence(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Naming returns one person serving in unit, one TAK binding reporting for it and one
// area drawn for it ("" for none of a kind).
func (r UnitReferrers) Naming(ctx context.Context, unit string) (domain.UnitReferrers, error) {
	var named domain.UnitReferrers
	var err error
	if named.Member, err = r.People.AMember(ctx, unit); err != nil {
		return named, err
	}
	if named.Binding, err = r.TakBindings.ABinding(ctx, unit); err != nil {
		return named, err
	}
	named.Area, err = r.Areas.AnArea(ctx, unit)
	return named, err
}
