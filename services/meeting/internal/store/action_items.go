package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

// ActionItems is the action item collection.
type ActionItems struct {
	*store.Collection[domain.ActionItem]
}

// Scope selects action items by parent: one decision's, one meeting's, or (both empty)
// every meeting's.
type Scope struct {
	Meeting  string
	Decision string
}

// In returns every action item in scope, in no particular order. ListActionItems filters,
// sorts and pages them in Go: their status depends on the clock at read time, and their
// order puts items with no due time last, neither of which a stored query expresses.
func (s *ActionItems) In(ctx context.Context, sc Scope) ([]*ActionItemDoc, error) {
	q := bson.D{}
	if sc.Decision != "" {
		q = append(q, bson.E{Key: "body.decision", Value: sc.Decision})
	}
	if sc.Meeting != "" {
		q = append(q, bson.E{Key: "body.meeting", Value: sc.Meeting})
	}
	return s.Find(ctx, q, nil, 0)
}
