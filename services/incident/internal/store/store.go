// Package store keeps incidents in the service's own database: one document per incident,
// written atomically, with the indexes its queries and idempotency need.
package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/incident/internal/domain"
)

// Incidents is the incident collection.
type Incidents struct {
	*store.Collection[domain.Incident]
}

// Doc is a stored incident.
type Doc = store.Doc[domain.Incident]

// New returns the collection and creates its indexes.
func New(ctx context.Context, db *mongo.Database) (*Incidents, error) {
	c := store.NewCollection[domain.Incident](db, "incidents")
	err := c.EnsureIndexes(ctx, store.Index{Name: "occur_time", Keys: bson.D{
		{Key: "body.occur_time", Value: -1}, {Key: "_id", Value: -1}}})
	if err != nil {
		return nil, err
	}
	return &Incidents{c}, nil
}

// Position is where a page ends: the newest-first sort key of its last incident.
type Position struct {
	OccurTime time.Time `json:"t"`
	Name      string    `json:"n"`
}

// List returns up to limit incidents matching the filter, newest first, after pos.
func (s *Incidents) List(ctx context.Context, conds []filter.Typed, after *Position, limit int) ([]*Doc, error) {
	q := query(conds)
	if after != nil {
		q = append(q, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "body.occur_time", Value: bson.D{{Key: "$lt", Value: after.OccurTime}}}},
			bson.D{{Key: "body.occur_time", Value: after.OccurTime}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: after.Name}}}},
		}})
	}
	return s.Find(ctx, q, bson.D{{Key: "body.occur_time", Value: -1}, {Key: "_id", Value: -1}}, int64(limit))
}

// Paths maps the fields of ListIncidents filters to document paths.
var Paths = map[string]string{
	"occur_time":      "body.occur_time",
	"kind":            "body.kind",
	"state":           "body.state",
	"governorate":     "body.governorates",
	"district":        "body.district",
	"reporting_force": "body.reporting_force",
	"place.latitude":  "body.place.point.lat",
	"place.longitude": "body.place.point.lng",
}

func query(conds []filter.Typed) bson.D {
	return store.Query(conds, Paths)
}
