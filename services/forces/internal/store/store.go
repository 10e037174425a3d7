package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/mongo"
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
