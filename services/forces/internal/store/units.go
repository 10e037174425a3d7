package store

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

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

// NewUnits returns the collection and creates its indexes.
func NewUnits(ctx context.Context, db *mongo.Database) (*Units, error) {
	c := store.NewCollection[domain.Unit](db, "units")
	err := c.EnsureIndexes(ctx,
		store.Index{Name: "owner_name", Keys: bson.D{{Key: "owner", Value: 1}, {Key: "_id", Value: 1}}},
		store.Index{Name: "parent_unit", Keys: bson.D{{Key: "body.parent_unit", Value: 1}}},
		store.Index{Name: "commander", Keys: bson.D{{Key: "body.commander", Value: 1}}},
	)
	if err != nil {
		return nil, err
	}
	return &Units{c}, nil
}

// UnitPaths maps the fields of ListUnits filters to document paths.
var UnitPaths = map[string]string{
	"echelon":                 "body.echelon",
	"parent_unit":             "body.parent_unit",
	"readiness":               "body.readiness",
	"last_position.latitude":  "body.last_position.place.point.lat",
	"last_position.longitude": "body.last_position.place.point.lng",
}

// List returns up to limit units of force ("" for all) matching the filter, by name,
// after the name after. The position histories are left out.
func (s *Units) List(ctx context.Context, force string, conds []filter.Typed, after string, limit int) ([]*UnitDoc, error) {
	q := afterName(ofForce(store.Query(conds, UnitPaths), force), after)
	return s.findLight(ctx, q, byName, int64(limit))
}

// BatchGet returns the named units that exist, by name, in one query. The position
// histories are left out.
func (s *Units) BatchGet(ctx context.Context, names []string) (map[string]*UnitDoc, error) {
	out := map[string]*UnitDoc{}
	if len(names) == 0 {
		return out, nil
	}
	docs, err := s.findLight(ctx, inNames(names), nil, 0)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		out[d.Name] = d
	}
	return out, nil
}

// ParentOf returns the parent_unit of the named unit, reading nothing else.
func (s *Units) ParentOf(ctx context.Context, name string) (string, bool, error) {
	var d struct {
		Body struct {
			ParentUnit string `bson:"parent_unit"`
		} `bson:"body"`
	}
	err := s.Mongo().FindOne(ctx, bson.D{{Key: "_id", Value: name}},
		options.FindOne().SetProjection(bson.D{{Key: "body.parent_unit", Value: 1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", false, nil
	}
	if err != nil {
		return "", false, apperr.Internal(fmt.Errorf("parent of %s: %w", name, err))
	}
	return d.Body.ParentUnit, true, nil
}

// Exists reports whether the named unit exists.
func (s *Units) Exists(ctx context.Context, name string) (bool, error) {
	_, found, err := s.ParentOf(ctx, name)
	return found, err
}

// AChild returns the name of one unit whose parent_unit is name, or "" if there is none.
func (s *Units) AChild(ctx context.Context, name string) (string, error) {
	return firstName(ctx, s.Mongo(), bson.D{{Key: "body.parent_unit", Value: name}})
}

// ACommanded returns the name of one unit the person commands, or "" if there is none.
func (s *Units) ACommanded(ctx context.Context, person string) (string, error) {
	return firstName(ctx, s.Mongo(), bson.D{{Key: "body.commander", Value: person}})
}

// findLight is Find without the position histories, which lists and batch reads never
// return and which are the bulk of a reported unit's document.
func (s *Units) findLight(ctx context.Context, q, sort bson.D, limit int64) ([]*UnitDoc, error) {
	if q == nil {
		q = bson.D{}
	}
	opts := options.Find().SetProjection(bson.D{{Key: "body.positions", Value: 0}})
	if sort != nil {
		opts.SetSort(sort)
	}
	if limit > 0 {
		opts.SetLimit(limit)
	}
	cur, err := s.Mongo().Find(ctx, q, opts)
	if err != nil {
		return nil, apperr.Internal(fmt.Errorf("find units: %w", err))
	}
	var out []*UnitDoc
	if err := cur.All(ctx, &out); err != nil {
		return nil, apperr.Internal(fmt.Errorf("read units: %w", err))
	}
	return out, nil
}
