package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

// Decisions is the decision collection.
type Decisions struct {
	*store.Collection[domain.Decision]
}

// DecisionPosition is where a page of decisions ends: the newest-first sort key of its last
// decision.
type DecisionPosition struct {
	CreateTime time.Time `json:"t"`
	Name       string    `json:"n"`
}

// DecisionPaths maps the fields of ListDecisions filters to document paths. binding values
// must be booleans.
var DecisionPaths = map[string]string{
	"kind":           "body.kind",
	"binding":        "body.binding",
	"zone":           "body.zones",
	"unit":           "body.units",
	"incident":       "body.incidents",
	"awaiting_force": "body.awaiting_forces",
}

// List returns up to limit decisions of meeting (every meeting's when it is empty)
// matching the filter, newest first, after pos.
func (s *Decisions) List(ctx context.Context, meeting string, conds []filter.Typed, after *DecisionPosition, limit int) ([]*DecisionDoc, error) {
	q := store.Query(conds, DecisionPaths)
	if meeting != "" {
		q = append(q, bson.E{Key: "body.meeting", Value: meeting})
	}
	if after != nil {
		q = append(q, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "create_time", Value: bson.D{{Key: "$lt", Value: after.CreateTime}}}},
			bson.D{{Key: "create_time", Value: after.CreateTime}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: after.Name}}}},
		}})
	}
	return s.Find(ctx, q, bson.D{{Key: "create_time", Value: -1}, {Key: "_id", Value: -1}}, int64(limit))
}

// Acknowledge applies ack to the stored decision as one compare-and-swap. When ack returns
// ErrUnchanged (the force had acknowledged already) nothing is written and the stored
// decision is returned.
func (s *Decisions) Acknowledge(ctx context.Context, ch store.Change, ack func(*DecisionDoc) error) (*DecisionDoc, error) {
	return update(ctx, s.Collection, ch, ack)
}
