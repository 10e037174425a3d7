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

// soonestDue is the order of ListActionItems: soonest due first, items with no due time
// last, then by name.
const soonestDue = "soonest_due"

// The indexes of action items by parent.
const (
	byDecision    = "decision"
	byItemMeeting = "meeting"
)

func newActionItems(db *mongo.Database) *ActionItems {
	c := store.NewCollection[domain.ActionItem](db, "action_items")
	c.OrderBy(soonestDue, func(a, b *ActionItemDoc) bool {
		return ActionItemPositionOf(a).before(ActionItemPositionOf(b))
	})
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

// ActionItemPosition is where a page of action items ends: the sort key of its last item.
type ActionItemPosition struct {
	NoDue bool      `json:"z,omitempty"`
	Due   time.Time `json:"t"`
	Name  string    `json:"n"`
}

// ActionItemPositionOf is d's position in the soonest-due order.
func ActionItemPositionOf(d *ActionItemDoc) ActionItemPosition {
	return ActionItemPosition{NoDue: d.Body.DueTime.IsZero(), Due: d.Body.DueTime, Name: d.Name}
}

// before orders items soonest due first, those with no due time last, then by name.
func (p ActionItemPosition) before(q ActionItemPosition) bool {
	switch {
	case p.NoDue != q.NoDue:
		return q.NoDue
	case !p.Due.Equal(q.Due):
		return p.Due.Before(q.Due)
	}
	return p.Name < q.Name
}

// List returns up to limit action items in scope matching the filter, their status taken
// at now, soonest due first, after pos. A bound on due_time says where the walk starts (a
// lower one) and ends (an upper one: items with no due time come last and match none).
func (s *ActionItems) List(ctx context.Context, sc Scope, flt filter.Filter, now time.Time, after *ActionItemPosition, limit int) ([]*ActionItemDoc, error) {
	sel := store.Selector[domain.ActionItem]{Order: soonestDue, Limit: limit}
	probe := func(t time.Time, name string) *ActionItemDoc {
		return &ActionItemDoc{Name: name, Body: domain.ActionItem{DueTime: t}}
	}
	if after != nil {
		due := after.Due
		if after.NoDue {
			due = time.Time{}
		}
		sel.After = []*ActionItemDoc{probe(due, after.Name)}
	}
	fields := actionItemFields(now)
	sel = bounded(sel, fields, flt, "due_time", false, probe)
	var scope []filter.Typed
	if sc.Decision != "" {
		scope = append(scope, filter.Typed{Field: byDecision, Op: filter.Eq, Value: sc.Decision})
	}
	if sc.Meeting != "" {
		scope = append(scope, filter.Typed{Field: byItemMeeting, Op: filter.Eq, Value: sc.Meeting})
	}
	return s.Collection.List(ctx, selector(sel, fields, flt, scope...))
}
