package deployments

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
)

// Store is the deployments collection of the gateway's database.
type Store struct {
	*store.Collection[Deployment]
	now func() time.Time
}

// NewStore returns the collection and creates its indexes.
func NewStore(ctx context.Context, db *mongo.Database) (*Store, error) {
	c := store.NewCollection[Deployment](db, "deployments")
	err := c.EnsureIndexes(ctx,
		store.Index{Name: "start_time", Keys: bson.D{{Key: "body.start_time", Value: -1}, {Key: "_id", Value: -1}}},
		store.Index{Name: "zone", Keys: bson.D{{Key: "body.zone", Value: 1}}})
	if err != nil {
		return nil, err
	}
	return &Store{Collection: c, now: time.Now}, nil
}

// byStart is the order of ListDeployments: latest start first.
var byStart = bson.D{{Key: "body.start_time", Value: -1}, {Key: "_id", Value: -1}}

// Booking returns the deployments that hold their units (see Books) over a window
// overlapping w.
func (s *Store) Booking(ctx context.Context, w Window) ([]*Doc, error) {
	q := bson.D{
		{Key: "body.state", Value: bson.D{{Key: "$in", Value: bson.A{StateProposed, StateActive}}}},
		{Key: "body.end_key", Value: bson.D{{Key: "$gt", Value: w.Start}}},
	}
	if !w.End.IsZero() {
		q = append(q, bson.E{Key: "body.start_time", Value: bson.D{{Key: "$lt", Value: w.End}}})
	}
	return s.Find(ctx, q, byStart, 0)
}

// InZones returns the deployments in the given zones (nil: in every zone) that start
// before the given time, latest start first.
func (s *Store) InZones(ctx context.Context, zones []string, before time.Time) ([]*Doc, error) {
	q := bson.D{{Key: "body.start_time", Value: bson.D{{Key: "$lt", Value: before}}}}
	if zones != nil {
		q = append(q, bson.E{Key: "body.zone", Value: bson.D{{Key: "$in", Value: zones}}})
	}
	return s.Find(ctx, q, byStart, 0)
}

// Blocking names a deployment in zone that is PROPOSED or ACTIVE as read now, or
// returns "" when there is none: such a zone may not be deleted.
func (s *Store) Blocking(ctx context.Context, zone string) (string, error) {
	docs, err := s.Find(ctx, bson.D{{Key: "body.zone", Value: zone},
		{Key: "body.state", Value: bson.D{{Key: "$in", Value: bson.A{StateProposed, StateActive}}}}}, byStart, 0)
	if err != nil {
		return "", err
	}
	now := s.now()
	for _, d := range docs {
		if st := d.Body.StateAt(now); st == StateProposed || st == StateActive {
			return d.Name, nil
		}
	}
	return "", nil
}

// ByRequestID returns the deployment proposed with request id, if any.
func (s *Store) ByRequestID(ctx context.Context, id string) (*Doc, bool, error) {
	docs, err := s.Find(ctx, bson.D{{Key: "request_id", Value: id}}, nil, 1)
	if err != nil || len(docs) == 0 {
		return nil, false, err
	}
	return docs[0], true, nil
}

// Position is where a page ends: the latest-start-first sort key of its last deployment.
type Position struct {
	StartTime time.Time `json:"t"`
	Name      string    `json:"n"`
}

// listBatch is how many documents List reads at a time while it filters by state.
const listBatch = 200

// List returns up to limit deployments after pos that match the store conditions and
// keep (the conditions on what is computed when read), latest start first.
func (s *Store) List(ctx context.Context, conds []filter.Typed, keep func(*Doc) bool, after *Position, limit int) ([]*Doc, error) {
	var out []*Doc
	for {
		q := query(conds)
		if after != nil {
			q = append(q, bson.E{Key: "$or", Value: bson.A{
				bson.D{{Key: "body.start_time", Value: bson.D{{Key: "$lt", Value: after.StartTime}}}},
				bson.D{{Key: "body.start_time", Value: after.StartTime}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: after.Name}}}},
			}})
		}
		batch := max(limit, listBatch)
		docs, err := s.Find(ctx, q, byStart, int64(batch))
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			after = &Position{StartTime: d.Body.StartTime, Name: d.Name}
			if keep(d) {
				if out = append(out, d); len(out) == limit {
					return out, nil
				}
			}
		}
		if len(docs) < batch {
			return out, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, apperr.Internal(err)
		}
	}
}

// paths maps the ListDeployments filter fields the store evaluates to document paths;
// state is computed when read and checked in memory.
var paths = map[string]string{
	"zone":            "body.zone",
	"force":           "body.forces",
	"lead_force":      "body.lead_force",
	"proposing_force": "body.proposing_force",
	"unit":            "body.units",
	"mandate":         "body.mandate",
	"start_time":      "body.start_time",
	"end_time":        "body.end_key",
}

// query puts each condition in its own $and clause: store.Query merges conditions on one
// field into one operator document, which FerretDB refuses for a repeated operator.
func query(conds []filter.Typed) bson.D {
	var and bson.A
	for _, c := range conds {
		if _, ok := paths[c.Field]; ok {
			and = append(and, store.Query([]filter.Typed{c}, paths))
		}
	}
	if len(and) == 0 {
		return bson.D{}
	}
	return bson.D{{Key: "$and", Value: and}}
}
