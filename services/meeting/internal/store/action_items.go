package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

// ActionItems is the action item collection.
type ActionItems struct {
	*store.Collection[domain.ActionItem]
}

// ActionItemSorts are the orders ListActionItems serves: "due_time" (the default: soonest
// due first, items with no due time last), "update_time desc" and "update_time".
var ActionItemSorts = store.Sorts[domain.ActionItem]{
	{OrderBy: "due_time", Key: store.ByTime(dueTime)},
	{OrderBy: "update_time desc", Key: store.ByTime(store.UpdateTime[domain.ActionItem])},
	{OrderBy: "update_time", Key: store.ByTime(store.UpdateTime[domain.ActionItem])},
}

// noDue sorts an item with no due time after every due one.
var noDue = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

func dueTime(d *ActionItemDoc) time.Time {
	if d.Body.DueTime.IsZero() {
		return noDue
	}
	return d.Body.DueTime
}

// The indexes of action items by parent.
const (
	byDecision    = "decision"
	byItemMeeting = "meeting"
)

func newActionItems(db *mongo.Database) *ActionItems {
	c := store.NewCollection[domain.ActionItem](db, "action_items")
	ActionItemSorts.Declare(c)
	// The status is left out: it depends on the clock at read time.
	indexAll(c, actionItemFields(time.Time{}), byItemMeeting, byDecision, "owner_force", "owner", "zone")
	return &ActionItems{c}
}

// actionItemFields are the fields of ListActionItems filters, the status taken at now. An
// item with no due time has no due_time: it matches no condition on it.
func actionItemFields(now time.Time) fields[domain.ActionItem] {
	return fields[domain.ActionItem]{
		"owner_force": func(d *ActionItemDoc) any { return d.Body.OwnerForce },
		"owner":       func(d *ActionItemDoc) any { return d.Body.Owner },
		"status":      func(d *ActionItemDoc) any { return d.Body.Status(now) },
		"zone":        func(d *ActionItemDoc) any { return d.Body.Zones },
		"due_time": func(d *ActionItemDoc) any {
			if d.Body.DueTime.IsZero() {
				return nil
			}
			return d.Body.DueTime
		},
		byItemMeeting: func(d *ActionItemDoc) any { return d.Body.Meeting },
		byDecision:    func(d *ActionItemDoc) any { return d.Body.Decision },
	}
}

// Scope selects action items by parent: one decision's, one meeting's, or (both empty)
// every meeting's.
type Scope struct {
	Meeting  string
	Decision string
}

// List returns up to limit action items in scope matching the filter, their status taken
// at now, in order (one of ActionItemSorts), after the cursor after. In the due_time order
// a bound on due_time says where the walk starts (a lower one) and ends (an upper one:
// items with no due time come last and match none).
func (s *ActionItems) List(ctx context.Context, sc Scope, flt filter.Filter, now time.Time, order store.Sort[domain.ActionItem], after *store.Cursor, limit int) ([]*ActionItemDoc, error) {
	sel := order.Selector(after, limit)
	fields := actionItemFields(now)
	sel = bounded(sel, fields, flt, "due_time", order, func(t time.Time, name string) *ActionItemDoc {
		return &ActionItemDoc{Name: name, Body: domain.ActionItem{DueTime: t}}
	})
	var scope []filter.Typed
	if sc.Decision != "" {
		scope = append(scope, filter.Typed{Field: byDecision, Op: filter.Eq, Value: sc.Decision})
	}
	if sc.Meeting != "" {
		scope = append(scope, filter.Typed{Field: byItemMeeting, Op: filter.Eq, Value: sc.Meeting})
	}
	return s.Collection.List(ctx, selector(sel, fields, flt, scope...))
}
