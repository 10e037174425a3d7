package store

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

// TestTimeBoundsListWhatAFullScanFinds: a bound on the time leading a List order starts or
// ends the walk early; every bound, alone, in pairs and with a page cursor, must return
// exactly what checking every record finds. Records share times so the name order counts,
// and some action items have no due time.
func TestTimeBoundsListWhatAFullScanFinds(t *testing.T) {
	s, ctx := newStore(t)
	at := func(h int) time.Time { return time.Date(2021, 12, 6, h, 0, 0, 0, time.UTC) }
	var items []*ActionItemDoc
	for i := range 12 {
		m := fmt.Sprintf("meetings/m%02d", i)
		if _, err := s.Meetings.Create(ctx, &MeetingDoc{Name: m, Owner: army, Body: meeting(army, at(i%4), pesh)}); err != nil {
			t.Fatal(err)
		}
		body := domain.ActionItem{Meeting: m, Decision: m + "/decisions/d", Title: "t", Owner: army, OwnerForce: army}
		if i%5 != 0 {
			body.DueTime = at(i % 4)
		}
		d, err := s.ActionItems.Create(ctx, &ActionItemDoc{Name: m + "/decisions/d/actionItems/a", Owner: army, Body: body})
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, d)
	}
	var bounds [][]filter.Typed
	for _, op := range filter.Ordered {
		for h := range 5 {
			c := filter.Typed{Op: op, Value: at(h)}
			bounds = append(bounds, []filter.Typed{c}, []filter.Typed{c, {Op: filter.Lt, Value: at(3)}}, []filter.Typed{{Op: filter.Gt, Value: at(0)}, c})
		}
	}
	field := func(conds []filter.Typed, name string) []filter.Typed {
		out := slices.Clone(conds)
		for i := range out {
			out[i].Field = name
		}
		return out
	}
	for _, b := range bounds {
		conds := field(b, "start_time")
		for _, order := range MeetingSorts {
			all, err := s.Meetings.List(ctx, filter.Filter{}, order, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			want := slices.DeleteFunc(all, func(d *MeetingDoc) bool {
				return !selector(store.Selector[domain.Meeting]{}, meetingFields, filter.All(conds...)).Match(d)
			})
			got, err := s.Meetings.List(ctx, filter.All(conds...), order, nil, 0)
			if err != nil || !slices.Equal(names(got), names(want)) {
				t.Errorf("meetings %v by %s: %v, want %v (%v)", b, order.OrderBy, names(got), names(want), err)
			}
			if len(want) > 1 {
				cur := order.CursorOf(want[0])
				next, err := s.Meetings.List(ctx, filter.All(conds...), order, &cur, 0)
				if err != nil || !slices.Equal(names(next), names(want[1:])) {
					t.Errorf("meetings %v by %s after %s: %v, want %v (%v)", b, order.OrderBy, want[0].Name, names(next), names(want[1:]), err)
				}
			}
		}
		conds = field(b, "due_time")
		for _, order := range ActionItemSorts {
			all, err := s.ActionItems.List(ctx, Scope{}, filter.Filter{}, time.Now(), order, nil, 0)
			if err != nil || len(all) != len(items) {
				t.Fatalf("action items by %s: %d, %v", order.OrderBy, len(all), err)
			}
			wantItems := slices.DeleteFunc(all, func(d *ActionItemDoc) bool {
				return !selector(store.Selector[domain.ActionItem]{}, actionItemFields(time.Now()), filter.All(conds...)).Match(d)
			})
			gotItems, err := s.ActionItems.List(ctx, Scope{}, filter.All(conds...), time.Now(), order, nil, 0)
			if err != nil || !slices.Equal(itemNames(gotItems), itemNames(wantItems)) {
				t.Errorf("action items %v by %s: %v, want %v (%v)", b, order.OrderBy, itemNames(gotItems), itemNames(wantItems), err)
			}
		}
	}
}

func itemNames(docs []*ActionItemDoc) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.Name)
	}
	return out
}
