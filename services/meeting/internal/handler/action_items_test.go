package handler

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/apperr"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

// dec15 is the clock of the action item scenario.
var dec15 = time.Date(2021, 12, 15, 0, 0, 0, 0, time.UTC)

func day(d int) *timestamppb.Timestamp {
	return timestamppb.New(time.Date(2021, 12, d, 0, 0, 0, 0, time.UTC))
}

// itemScenario records two held meetings with a decision each, and six action items:
//
//	makhmour/joint:  a3 pesh due 10 (done), a2 front due 13, a1 shammari due 20, a4 army no due
//	kifri/intel:     b1 army due 14, b2 sirwan due 16
//
// With the clock at 15 December: a2 and b1 are overdue, a3 done, the rest open.
func itemScenario(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	e.setNow(dec15)
	e.heldMeeting(t, "makhmour")
	e.heldMeeting(t, "kifri")
	e.createDecision(t, "meetings/makhmour", "joint", jointDeployment())
	e.createDecision(t, "meetings/kifri", "intel", &meetingv1.Decision{Text: "Share reports on ISIS cells in Garmiyan.",
		Kind: meetingv1.DecisionKind_DECISION_KIND_INTELLIGENCE_SHARING, Zones: []string{"zones/kifri"}})
	items := []struct {
		decision, id, owner string
		due                 *timestamppb.Timestamp
	}{
		{"meetings/makhmour/decisions/joint", "a1-plan", shammari, day(20)},
		{"meetings/makhmour/decisions/joint", "a2-liaison", front, day(13)},
		{"meetings/makhmour/decisions/joint", "a3-checkpoint", pesh, day(10)},
		{"meetings/makhmour/decisions/joint", "a4-budget", army, nil},
		{"meetings/kifri/decisions/intel", "b1-reports", army, day(14)},
		{"meetings/kifri/decisions/intel", "b2-patrols", sirwan, day(16)},
	}
	for _, it := range items {
		_, err := e.client.CreateActionItem(testCtx(t), &meetingv1.CreateActionItemRequest{Parent: it.decision, ActionItemId: it.id,
			ActionItem: &meetingv1.ActionItem{Title: "Task " + it.id, Owner: it.owner, DueTime: it.due}})
		if err != nil {
			t.Fatalf("CreateActionItem(%s): %v", it.id, err)
		}
	}
	_, err := e.client.AddActionItemUpdate(as(testCtx(t), pesh, jamal), &meetingv1.AddActionItemUpdateRequest{
		Name: "meetings/makhmour/decisions/joint/actionItems/a3-checkpoint", Note: "Checkpoint manned", MarkDone: true})
	if err != nil {
		t.Fatal(err)
	}
	e.dir.Calls()
	return e
}

// itemIDs lists the ids of the action items listed under parent with filter, one page.
func (e *env) itemIDs(t *testing.T, parent, filter string) []string {
	t.Helper()
	resp, err := e.client.ListActionItems(testCtx(t), &meetingv1.ListActionItemsRequest{Parent: parent, Filter: filter, PageSize: 500})
	if err != nil {
		t.Fatalf("ListActionItems(%q, %q): %v", parent, filter, err)
	}
	return itemIDsOf(resp.GetActionItems())
}

func itemIDsOf(items []*meetingv1.ActionItem) []string {
	out := []string{}
	for _, a := range items {
		out = append(out, a.GetName()[strings.LastIndex(a.GetName(), "/")+1:])
	}
	return out
}

const allItems = "meetings/-/decisions/-"

func TestListActionItemsFilters(t *testing.T) {
	e := itemScenario(t)
	tests := []struct {
		parent, filter string
		want           []string
	}{
		{allItems, ``, []string{"a3-checkpoint", "a2-liaison", "b1-reports", "b2-patrols", "a1-plan", "a4-budget"}},
		{allItems, `owner_force = "forces/iraqi-army"`, []string{"b1-reports", "a1-plan", "a4-budget"}},
		{allItems, `owner_force = "forces/peshmerga"`, []string{"a3-checkpoint", "a2-liaison", "b2-patrols"}},
		{allItems, `owner = "forces/peshmerga/units/makhmour-front"`, []string{"a2-liaison"}},
		{allItems, `status = ACTION_ITEM_STATUS_OVERDUE`, []string{"a2-liaison", "b1-reports"}},
		{allItems, `status = ACTION_ITEM_STATUS_DONE`, []string{"a3-checkpoint"}},
		{allItems, `status = ACTION_ITEM_STATUS_OPEN`, []string{"b2-patrols", "a1-plan", "a4-budget"}},
		{allItems, `owner_force = "forces/iraqi-army" AND status != ACTION_ITEM_STATUS_DONE`, []string{"b1-reports", "a1-plan", "a4-budget"}},
		{allItems, `due_time < "2021-12-15T00:00:00Z"`, []string{"a3-checkpoint", "a2-liaison", "b1-reports"}},
		{allItems, `due_time >= "2021-12-15T00:00:00Z"`, []string{"b2-patrols", "a1-plan"}},
		{allItems, `due_time >= "2021-12-13T00:00:00Z" AND due_time <= "2021-12-16T00:00:00Z"`, []string{"a2-liaison", "b1-reports", "b2-patrols"}},
		{allItems, `zone = "zones/kifri"`, []string{"b1-reports", "b2-patrols"}},
		{allItems, `zone = "zones/makhmour" AND status != ACTION_ITEM_STATUS_DONE`, []string{"a2-liaison", "a1-plan", "a4-budget"}},
		{allItems, `zone = "zones/khanaqin"`, []string{}},
		{"meetings/makhmour/decisions/-", ``, []string{"a3-checkpoint", "a2-liaison", "a1-plan", "a4-budget"}},
		{"meetings/kifri/decisions/intel", `owner_force = "forces/peshmerga"`, []string{"b2-patrols"}},
		{"meetings/sinjar/decisions/-", ``, []string{}},
	}
	for _, tt := range tests {
		if got := e.itemIDs(t, tt.parent, tt.filter); !slices.Equal(got, tt.want) {
			t.Errorf("ListActionItems(%q, %q) = %v, want %v", tt.parent, tt.filter, got, tt.want)
		}
	}
}

// TestActionItemsTurnOverdueByTheClock: no write, only time passing.
func TestActionItemsTurnOverdueByTheClock(t *testing.T) {
	e := itemScenario(t)
	before, err := e.client.GetActionItem(testCtx(t), &meetingv1.GetActionItemRequest{Name: "meetings/makhmour/decisions/joint/actionItems/a1-plan"})
	if err != nil {
		t.Fatal(err)
	}
	e.setNow(time.Date(2021, 12, 25, 0, 0, 0, 0, time.UTC))
	after, err := e.client.GetActionItem(testCtx(t), &meetingv1.GetActionItemRequest{Name: "meetings/makhmour/decisions/joint/actionItems/a1-plan"})
	if err != nil {
		t.Fatal(err)
	}
	if before.GetActionItem().GetStatus() != meetingv1.ActionItemStatus_ACTION_ITEM_STATUS_OPEN ||
		after.GetActionItem().GetStatus() != meetingv1.ActionItemStatus_ACTION_ITEM_STATUS_OVERDUE ||
		before.GetActionItem().GetEtag() != after.GetActionItem().GetEtag() {
		t.Errorf("status %s then %s, etag %q then %q; want OPEN then OVERDUE with the etag unchanged", before.GetActionItem().GetStatus(),
			after.GetActionItem().GetStatus(), before.GetActionItem().GetEtag(), after.GetActionItem().GetEtag())
	}
	want := []string{"a2-liaison", "b1-reports", "b2-patrols", "a1-plan"}
	if got := e.itemIDs(t, allItems, `status = ACTION_ITEM_STATUS_OVERDUE`); !slices.Equal(got, want) {
		t.Errorf("overdue on 25 December: %v, want %v", got, want)
	}
}

// walkItems lists every page of size n and returns the ids in order and the page count.
func walkItems(t *testing.T, e *env, parent, filter string, n int32) (ids []string, pages int) {
	t.Helper()
	tok := ""
	for {
		resp, err := e.client.ListActionItems(testCtx(t), &meetingv1.ListActionItemsRequest{Parent: parent, Filter: filter, PageSize: n, PageToken: tok})
		if err != nil {
			t.Fatalf("page %d: %v", pages+1, err)
		}
		pages++
		if len(resp.GetActionItems()) > int(n) {
			t.Fatalf("page %d has %d items, more than %d", pages, len(resp.GetActionItems()), n)
		}
		ids = append(ids, itemIDsOf(resp.GetActionItems())...)
		if tok = resp.GetNextPageToken(); tok == "" {
			return ids, pages
		}
		if pages > 20 {
			t.Fatal("pages never end")
		}
	}
}

func TestListActionItemsPages(t *testing.T) {
	e := itemScenario(t)
	tests := []struct {
		parent, filter string
		size           int32
		wantPages      int
	}{
		{allItems, ``, 1, 6},
		{allItems, ``, 2, 3},
		{allItems, ``, 4, 2},
		{allItems, ``, 6, 1},
		{allItems, `status != ACTION_ITEM_STATUS_DONE`, 2, 3},
		{"meetings/makhmour/decisions/-", ``, 3, 2},
	}
	for _, tt := range tests {
		want := e.itemIDs(t, tt.parent, tt.filter)
		got, pages := walkItems(t, e, tt.parent, tt.filter, tt.size)
		if !slices.Equal(got, want) || pages != tt.wantPages {
			t.Errorf("%q %q in pages of %d: %d pages %v; want %d pages %v", tt.parent, tt.filter, tt.size, pages, got, tt.wantPages, want)
		}
	}
}

func TestListActionItemsRefusals(t *testing.T) {
	e := itemScenario(t)
	first, err := e.client.ListActionItems(testCtx(t), &meetingv1.ListActionItemsRequest{Parent: allItems, PageSize: 2})
	if err != nil || first.GetNextPageToken() == "" {
		t.Fatalf("first page: %v, %v", first, err)
	}
	tok := first.GetNextPageToken()
	tests := []struct {
		name string
		req  *meetingv1.ListActionItemsRequest
		want failure
	}{
		{"same query", &meetingv1.ListActionItemsRequest{Parent: allItems, PageToken: tok}, failure{}},
		{"token under another parent", &meetingv1.ListActionItemsRequest{Parent: "meetings/makhmour/decisions/-", PageToken: tok}, invalid("page_token")},
		{"token with another filter", &meetingv1.ListActionItemsRequest{Parent: allItems, Filter: `zone = "zones/kifri"`, PageToken: tok}, invalid("page_token")},
		{"decision of every meeting", &meetingv1.ListActionItemsRequest{Parent: "meetings/-/decisions/joint"}, invalid("parent")},
		{"meetings only", &meetingv1.ListActionItemsRequest{Parent: "meetings/-"}, invalid("parent")},
		{"unknown field", &meetingv1.ListActionItemsRequest{Parent: allItems, Filter: `colour = red`}, invalid("filter")},
		{"status with <", &meetingv1.ListActionItemsRequest{Parent: allItems, Filter: `status < ACTION_ITEM_STATUS_DONE`}, invalid("filter")},
		{"negative page size", &meetingv1.ListActionItemsRequest{Parent: allItems, PageSize: -1}, invalid("page_size")},
	}
	for _, tt := range tests {
		_, err := e.client.ListActionItems(testCtx(t), tt.req)
		if got := failureOf(t, err); !got.equal(tt.want) {
			t.Errorf("%s: %+v, want %+v (%v)", tt.name, got, tt.want, err)
		}
	}
}

func TestCreateActionItem(t *testing.T) {
	e := itemScenario(t)
	in := &meetingv1.ActionItem{Title: "Set up a joint checkpoint at Khidr Jija", Description: "Manned by both forces.",
		Owner: front, DueTime: day(31)}
	resp, err := e.client.CreateActionItem(testCtx(t), &meetingv1.CreateActionItemRequest{
		Parent: "meetings/makhmour/decisions/joint", ActionItemId: "khidr-jija-checkpoint", ActionItem: in})
	if err != nil {
		t.Fatal(err)
	}
	got := resp.GetActionItem()
	want := proto.Clone(in).(*meetingv1.ActionItem)
	want.Name = "meetings/makhmour/decisions/joint/actionItems/khidr-jija-checkpoint"
	want.OwnerForce = pesh
	want.Status = meetingv1.ActionItemStatus_ACTION_ITEM_STATUS_OPEN
	want.Zones = jointDeployment().GetZones()
	want.CreateTime, want.UpdateTime, want.Etag = got.GetCreateTime(), got.GetUpdateTime(), got.GetEtag()
	sameMessage(t, "CreateActionItem", got, want)
	if calls := e.dir.Calls(); len(calls) != 1 || calls[0].Method != "Units" || !slices.Equal(calls[0].Names, []string{front}) {
		t.Errorf("directory calls = %+v, want one Units call for the owner", calls)
	}
}

func TestCreateActionItemRefusals(t *testing.T) {
	e := itemScenario(t)
	before := e.stored(t)
	down := func(context.Context, []string) (map[string]domain.Member, []string, error) {
		return nil, nil, apperr.Unavailable(forcesService, errors.New("down"))
	}
	item := func(owner string) *meetingv1.ActionItem { return &meetingv1.ActionItem{Title: "t", Owner: owner} }
	tests := []struct {
		name   string
		req    *meetingv1.CreateActionItemRequest
		down   bool
		want   failure
		lookup bool
	}{
		{"owner of a force that took no part", &meetingv1.CreateActionItemRequest{Parent: "meetings/kifri/decisions/intel",
			ActionItem: item("forces/federal-police")}, false, invalid("action_item.owner"), false},
		{"unknown person", &meetingv1.CreateActionItemRequest{Parent: "meetings/kifri/decisions/intel",
			ActionItem: item("forces/peshmerga/people/nobody-known")}, false, invalid("action_item.owner"), true},
		{"unknown unit", &meetingv1.CreateActionItemRequest{Parent: "meetings/kifri/decisions/intel",
			ActionItem: item("forces/iraqi-army/units/unit-ninety")}, false, invalid("action_item.owner"), true},
		{"forces down", &meetingv1.CreateActionItemRequest{Parent: "meetings/kifri/decisions/intel",
			ActionItem: item(front)}, true, failure{Code: codes.Unavailable, Reason: "DEPENDENCY_UNAVAILABLE"}, true},
		{"force owner needs no look-up while forces is down", &meetingv1.CreateActionItemRequest{Parent: "meetings/kifri/decisions/intel",
			ActionItemId: "force-owned", ActionItem: item(army)}, true, failure{}, false},
		{"unknown decision", &meetingv1.CreateActionItemRequest{Parent: "meetings/kifri/decisions/other",
			ActionItem: item(army)}, false, failure{Code: codes.NotFound, Reason: "RESOURCE_NOT_FOUND"}, false},
		{"form", &meetingv1.CreateActionItemRequest{Parent: "meetings/kifri", ActionItemId: "A",
			ActionItem: &meetingv1.ActionItem{Owner: "zones/kifri", DueTime: &timestamppb.Timestamp{Seconds: -1 << 40}}}, false,
			invalid("parent", "action_item_id", "action_item.title", "action_item.owner", "action_item.due_time"), false},
	}
	for _, tt := range tests {
		e.dir.people, e.dir.units = nil, nil
		if tt.down {
			e.dir.people, e.dir.units = down, down
		}
		_, err := e.client.CreateActionItem(testCtx(t), tt.req)
		if got := failureOf(t, err); !got.equal(tt.want) {
			t.Errorf("%s: %+v, want %+v (%v)", tt.name, got, tt.want, err)
		}
		if calls := e.dir.Calls(); (len(calls) > 0) != tt.lookup {
			t.Errorf("%s: directory calls %+v, want a call: %v", tt.name, calls, tt.lookup)
		}
	}
	if got, want := e.stored(t), [3]int64{before[0], before[1], before[2] + 1}; got != want {
		t.Errorf("stored %v, want %v: only the force-owned item added", got, want)
	}
}

func TestAddActionItemUpdate(t *testing.T) {
	e := itemScenario(t)
	name := "meetings/kifri/decisions/intel/actionItems/b1-reports"
	e.setNow(time.Date(2021, 12, 16, 9, 0, 0, 0, time.UTC))
	ctx := as(testCtx(t), army, shammari)
	req := &meetingv1.AddActionItemUpdateRequest{Name: name, Note: "First reports shared", MarkDone: true, RequestId: "note-1"}
	first, err := e.client.AddActionItemUpdate(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	a := first.GetActionItem()
	wantUpdate := &meetingv1.ActionItemUpdate{Note: "First reports shared", Author: shammari, CreateTime: timestamppb.New(dec15.Add(33 * time.Hour)), MarkedDone: true}
	if a.GetStatus() != meetingv1.ActionItemStatus_ACTION_ITEM_STATUS_DONE || len(a.GetUpdates()) != 1 ||
		!proto.Equal(a.GetUpdates()[0], wantUpdate) || !proto.Equal(a.GetDoneTime(), wantUpdate.GetCreateTime()) {
		t.Fatalf("after marking done: %v", a)
	}
	retry, err := e.client.AddActionItemUpdate(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	sameMessage(t, "retry adds no second note", retry.GetActionItem(), a)

	// Done is final: another note is kept, marks nothing, and the done time stands.
	e.setNow(time.Date(2021, 12, 20, 0, 0, 0, 0, time.UTC))
	later, err := e.client.AddActionItemUpdate(ctx, &meetingv1.AddActionItemUpdateRequest{Name: name, Note: "More reports", MarkDone: true})
	if err != nil {
		t.Fatal(err)
	}
	if u := later.GetActionItem().GetUpdates(); len(u) != 2 || u[1].GetMarkedDone() || !proto.Equal(later.GetActionItem().GetDoneTime(), a.GetDoneTime()) {
		t.Errorf("after a second done: updates %v done_time %v", u, later.GetActionItem().GetDoneTime())
	}
	_, err = e.client.AddActionItemUpdate(ctx, &meetingv1.AddActionItemUpdateRequest{Name: name, Note: "stale", Etag: a.GetEtag()})
	if got, want := failureOf(t, err), (failure{Code: codes.Aborted, Reason: "ETAG_MISMATCH"}); !got.equal(want) {
		t.Errorf("note with a stale etag: %+v, want %+v", got, want)
	}
	_, err = e.client.AddActionItemUpdate(ctx, &meetingv1.AddActionItemUpdateRequest{Name: name, Note: " "})
	if got, want := failureOf(t, err), invalid("note"); !got.equal(want) {
		t.Errorf("blank note: %+v, want %+v", got, want)
	}
}

func TestUpdateActionItem(t *testing.T) {
	e := itemScenario(t)
	name := "meetings/makhmour/decisions/joint/actionItems/a1-plan"
	got, err := e.client.GetActionItem(testCtx(t), &meetingv1.GetActionItemRequest{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	stored := got.GetActionItem()
	with := func(change func(*meetingv1.ActionItem)) *meetingv1.ActionItem {
		a := proto.Clone(stored).(*meetingv1.ActionItem)
		change(a)
		return a
	}
	refusals := []struct {
		name string
		req  *meetingv1.UpdateActionItemRequest
		want failure
	}{
		{"stale etag", &meetingv1.UpdateActionItemRequest{ActionItem: with(func(a *meetingv1.ActionItem) {
			a.Title, a.Etag = "new", "0123456789abcdef0123"
		}), UpdateMask: mask("title")}, failure{Code: codes.Aborted, Reason: "ETAG_MISMATCH"}},
		{"owner of another force", &meetingv1.UpdateActionItemRequest{ActionItem: with(func(a *meetingv1.ActionItem) {
			a.Owner = "forces/federal-police"
		}), UpdateMask: mask("owner")}, invalid("action_item.owner")},
		{"unknown owner", &meetingv1.UpdateActionItemRequest{ActionItem: with(func(a *meetingv1.ActionItem) {
			a.Owner = "forces/iraqi-army/people/nobody-known"
		}), UpdateMask: mask("owner")}, invalid("action_item.owner")},
		{"status", &meetingv1.UpdateActionItemRequest{ActionItem: stored, UpdateMask: mask("status")}, invalid("update_mask.paths[0]")},
	}
	for _, tt := range refusals {
		_, err := e.client.UpdateActionItem(testCtx(t), tt.req)
		if got := failureOf(t, err); !got.equal(tt.want) {
			t.Errorf("%s: %+v, want %+v (%v)", tt.name, got, tt.want, err)
		}
		if calls := e.dir.Calls(); tt.name != "unknown owner" && len(calls) > 0 {
			t.Errorf("%s: directory calls %+v, want none", tt.name, calls)
		}
	}
	resp, err := e.client.UpdateActionItem(testCtx(t), &meetingv1.UpdateActionItemRequest{ActionItem: with(func(a *meetingv1.ActionItem) {
		a.Owner, a.DueTime, a.Title = sirwan, day(14), "not in the mask"
	}), UpdateMask: mask("owner", "due_time")})
	if err != nil {
		t.Fatal(err)
	}
	want := proto.Clone(stored).(*meetingv1.ActionItem)
	want.Owner, want.OwnerForce, want.DueTime = sirwan, pesh, day(14)
	want.Status = meetingv1.ActionItemStatus_ACTION_ITEM_STATUS_OVERDUE
	want.Etag, want.UpdateTime = resp.GetActionItem().GetEtag(), resp.GetActionItem().GetUpdateTime()
	sameMessage(t, "UpdateActionItem", resp.GetActionItem(), want)
}
