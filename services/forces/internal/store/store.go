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
}

// New opens the service's collections in db and creates their indexes.
func New(ctx context.Context, db *mongo.Database) (*Store, error) {
	forces, err := NewForces(ctx, db)
	if err != nil {
		return nil, err
	}
	units, err := NewUnits(ctx, db)
	if err != nil {
		return nil, err
	}
	people, err := NewPeople(ctx, db)
	if err != nil {
		return nil, err
	}
	areas, err := NewAreas(ctx, db)
	if err != nil {
		return nil, err
	}
	bindings, err := NewTakBindings(ctx, db)
	if err != nil {
		return nil, err
	}
	return &Store{Forces: forces, Units: units, People: people, Areas: areas, TakBindings: bindings}, nil
}
