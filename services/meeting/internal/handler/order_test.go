package handler

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
)

// listedItem is one record of a list page: its name and the times it may be sorted by.
type listedItem struct {
	name  string
	times map[string]time.Time
}

func (l listedItem) String() string { return l.name[strings.LastIndex(l.name, "/")+1:] }

// listPage lists one page in orderBy.
type listPage func(orderBy, token string, size int32) ([]listedItem, string, error)

func walkOrder(list listPage, orderBy string, size int32) ([]listedItem, error) {
	var all []listedItem
	token := ""
	for range 50 {
		page, next, err := list(orderBy, token, size)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if token = next; token == "" {
			return all, nil
		}
	}
	return nil, fmt.Errorf("more than 50 pages")
}

// checkOrders pages through a list in each of orders (its default first), at several page
// sizes, and checks every record comes once, sorted by the order's time, ties broken on the
// name in the same direction; then that a token of one order is refused under another,
// and that orders the list does not serve are refused on order_by.
func checkOrders(t *testing.T, list listPage, orders ...string) {
	t.Helper()
	all, err := walkOrder(list, "", 500)
	if err != nil || len(all) < 3 {
		t.Fatalf("list: %v (%d records)", err, len(all))
	}
	for _, orderBy := range append([]string{""}, orders...) {
		field, desc := strings.CutSuffix(cmp.Or(orderBy, orders[0]), " desc")
		want := slices.Clone(all)
		slices.SortFunc(want, func(a, b listedItem) int {
			c := cmp.Or(a.times[field].Compare(b.times[field]), strings.Compare(a.name, b.name))
			if desc {
				return -c
			}
			return c
		})
		for _, size := range []int32{1, 2, 500} {
			if got, err := walkOrder(list, orderBy, size); err != nil || !slices.Equal(names(got), names(want)) {
				t.Errorf("order_by %q, pages of %d: %v (%v), want %v", orderBy, size, got, err, want)
			}
		}
	}
	_, next, err := list(orders[1], "", 1)
	if err != nil || next == "" {
		t.Fatalf("first page by %s: %v", orders[1], err)
	}
	if _, _, err := list(orders[0], next, 1); !failureOf(t, err).equal(invalid("page_token")) {
		t.Errorf("a token replayed under another order: %v", err)
	}
	for _, bad := range []string{"title", "update_time sideways", "update_time, name", "update_time desc;"} {
		if _, _, err := list(bad, "", 1); !failureOf(t, err).equal(invalid("order_by")) {
			t.Errorf("order_by %q: %v, want a violation on order_by", bad, err)
		}
	}
}

func names(items []listedItem) []string {
	var out []string
	for _, i := range items {
		out = append(out, i.name)
	}
	return out
}

func timeOf(ts *timestamppb.Timestamp) time.Time { return ts.AsTime() }

func TestListMeetingsOrderBy(t *testing.T) {
	e := meetingScenario(t)
	list := func(filter string) listPage {
		return func(orderBy, token string, size int32) ([]listedItem, string, error) {
			resp, err := e.client.ListMeetings(testCtx(t), &meetingv1.ListMeetingsRequest{Filter: filter, OrderBy: orderBy, PageToken: token, PageSize: size})
			var out []listedItem
			for _, m := range resp.GetMeetings() {
				out = append(out, listedItem{m.GetName(), map[string]time.Time{"start_time": timeOf(m.GetStartTime()), "update_time": timeOf(m.GetUpdateTime())}})
			}
			return out, resp.GetNextPageToken(), err
		}
	}
	checkOrders(t, list(""), "start_time desc", "start_time", "update_time desc", "update_time")
	checkOrders(t, list(`host_force = "forces/peshmerga" OR level = MEETING_LEVEL_WORKING`), "start_time desc", "start_time", "update_time desc", "update_time")
	// Oldest first, bounded by a start_time range: the walk starts and ends at its bounds.
	got, err := walkOrder(list(`start_time >= "2021-12-01T00:00:00Z" AND start_time < "2021-12-08T00:00:00Z"`), "start_time", 1)
	if fmt.Sprint(got) != "[kirkuk makhmour]" || err != nil {
		t.Errorf("oldest first in a range: %v (%v), want [kirkuk makhmour]", got, err)
	}
}

func TestListDecisionsOrderBy(t *testing.T) {
	e := newEnv(t)
	e.heldMeeting(t, "makhmour")
	for _, id := range []string{"joint-deployment", "intel-sharing", "kulajo-operation"} {
		e.createDecision(t, "meetings/makhmour", id, jointDeployment())
		time.Sleep(2 * time.Millisecond) // stored times are kept to the millisecond
	}
	// The first decision changes last.
	if _, err := e.client.AcknowledgeDecision(as(testCtx(t), army, shammari),
		&meetingv1.AcknowledgeDecisionRequest{Name: "meetings/makhmour/decisions/joint-deployment"}); err != nil {
		t.Fatal(err)
	}
	for _, parent := range []string{"meetings/-", "meetings/makhmour"} {
		checkOrders(t, func(orderBy, token string, size int32) ([]listedItem, string, error) {
			resp, err := e.client.ListDecisions(testCtx(t), &meetingv1.ListDecisionsRequest{Parent: parent, OrderBy: orderBy, PageToken: token, PageSize: size})
			var out []listedItem
			for _, d := range resp.GetDecisions() {
				out = append(out, listedItem{d.GetName(), map[string]time.Time{"create_time": timeOf(d.GetCreateTime()), "update_time": timeOf(d.GetUpdateTime())}})
			}
			return out, resp.GetNextPageToken(), err
		}, "create_time desc", "create_time", "update_time desc", "update_time")
	}
}

func TestListActionItemsOrderBy(t *testing.T) {
	e := itemScenario(t)
	// Items without a due time come last in the due_time order.
	noDue := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	checkOrders(t, func(orderBy, token string, size int32) ([]listedItem, string, error) {
		resp, err := e.client.ListActionItems(testCtx(t), &meetingv1.ListActionItemsRequest{Parent: allItems, OrderBy: orderBy, PageToken: token, PageSize: size})
		var out []listedItem
		for _, a := range resp.GetActionItems() {
			due := noDue
			if a.GetDueTime() != nil {
				due = timeOf(a.GetDueTime())
			}
			out = append(out, listedItem{a.GetName(), map[string]time.Time{"due_time": due, "update_time": timeOf(a.GetUpdateTime())}})
		}
		return out, resp.GetNextPageToken(), err
	}, "due_time", "update_time desc", "update_time")
}
