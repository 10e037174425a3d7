package store

import (
	"context"
	"errors"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

// Decisions is the decision collection.
type Decisions struct {
	*store.Collection[domain.Decision]
}

// DecisionSorts are the orders ListDecisions serves: "create_time desc" (the default:
// newest first), "create_time", "update_time desc" and "update_time".
var DecisionSorts = store.Sorts[domain.Decision]{
	{OrderBy: "create_time desc", Key: store.ByTime(store.CreateTime[domain.Decision])},
	{OrderBy: "create_time", Key: store.ByTime(store.CreateTime[domain.Decision])},
	{OrderBy: "update_time desc", Key: store.ByTime(store.UpdateTime[domain.Decision])},
	{OrderBy: "update_time", Key: store.ByTime(store.UpdateTime[domain.Decision])},
}

// byMeeting is the index of decisions by parent meeting.
const byMeeting = "meeting"

// decisionFields are the fields of ListDecisions filters; binding reads "true" or "false".
var decisionFields = fields[domain.Decision]{
	"kind":           func(d *DecisionDoc) any { return d.Body.Kind },
	"binding":        func(d *DecisionDoc) any { return strconv.FormatBool(d.Body.Binding) },
	"zone":           func(d *DecisionDoc) any { return d.Body.Zones },
	"unit":           func(d *DecisionDoc) any { return d.Body.Units },
	"incident":       func(d *DecisionDoc) any { return d.Body.Incidents },
	"awaiting_force": func(d *DecisionDoc) any { return d.Body.AwaitingForces },
	byMeeting:        func(d *DecisionDoc) any { return d.Body.Meeting },
}

func newDecisions(db *mongo.Database) *Decisions {
	c := store.NewCollection[domain.Decision](db, "decisions")
	DecisionSorts.Declare(c)
	indexAll(c, decisionFields, byMeeting, "kind", "binding", "zone", "unit", "incident", "awaiting_force")
	return &Decisions{c}
}

// List returns up to limit decisions of meeting (every meeting's when it is empty)
// matching the filter, in order (one of DecisionSorts), after the cursor after.
func (s *Decisions) List(ctx context.Context, meeting string, flt filter.Filter, order store.Sort[domain.Decision], after *store.Cursor, limit int) ([]*DecisionDoc, error) {
	sel := order.Selector(after, limit)
	var scope []filter.Typed
	if meeting != "" {
		scope = append(scope, filter.Typed{Field: byMeeting, Op: filter.Eq, Value: meeting})
	}
	return s.Collection.List(ctx, selector(sel, decisionFields, flt, scope...))
}

// Acknowledge applies ack to the stored decision as one compare-and-swap, for a caller
// authorize allows (checked on the version it replaces, and on the stored one when a
// retry is answered). When ack returns ErrUnchanged (the force had acknowledged already)
// nothing is written and the stored decision is returned.
func (s *Decisions) Acknowledge(ctx context.Context, ch store.Change, authorize, ack func(*DecisionDoc) error) (*DecisionDoc, error) {
	d, err := s.UpdateAuthorized(ctx, ch, authorize, ack)
	if errors.Is(err, ErrUnchanged) {
		return s.Get(ctx, ch.Name)
	}
	return d, err
}

// ErrUnchanged is returned by an acknowledgement that found nothing to change. Acknowledge
// then writes nothing and returns the stored decision as it is, so acknowledging twice
// keeps the record's etag and update time.
var ErrUnchanged = errors.New("nothing to change")
