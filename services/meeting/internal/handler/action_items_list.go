package handler

import (
	"context"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"slices"
	"strings"
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/filter"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

// actionItemSchema is the filter ListActionItems accepts, as its request documents.
var actionItemSchema = filter.Schema{
	"owner_force": {Type: filter.String},
	"owner":       {Type: filter.String},
	"status":      {Type: filter.Enum, Ops: []filter.Op{filter.Eq, filter.Ne}, Values: reqcheck.EnumNames(meetingv1.ActionItemStatus_name)},
	"due_time":    {Type: filter.Time, Ops: filter.Ordered},
	"zone":        {Type: filter.String},
}

// itemPosition is where a page of action items ends: the sort key of its last item.
type itemPosition struct {
	NoDue bool      `json:"z,omitempty"`
	Due   time.Time `json:"t"`
	Name  string    `json:"n"`
}

func positionOf(d *meetingstore.ActionItemDoc) itemPosition {
	return itemPosition{NoDue: d.Body.DueTime.IsZero(), Due: d.Body.DueTime, Name: d.Name}
}

// compare orders items soonest due first, those with no due time last, then by name.
func (p itemPosition) compare(q itemPosition) int {
	switch {
	case p.NoDue != q.NoDue:
		if p.NoDue {
			return 1
		}
		return -1
	case !p.Due.Equal(q.Due):
		return p.Due.Compare(q.Due)
	}
	return strings.Compare(p.Name, q.Name)
}

// ListActionItems lists the action items of one decision, one meeting or every meeting,
// soonest due first, a page at a time. The items in scope are read in one query and
// filtered in Go, because their status is computed from the clock when read.
func (h *Handler) ListActionItems(ctx context.Context, req *meetingv1.ListActionItemsRequest) (*meetingv1.ListActionItemsResponse, error) {
	var v apperr.Violations
	scope, ok := itemScope(req.GetParent())
	if !ok {
		v.Add("parent", `must look like "meetings/{meeting}/decisions/{decision}", "meetings/{meeting}/decisions/-" or "meetings/-/decisions/-"`)
	}
	conds, err := actionItemSchema.Check(req.GetFilter())
	if err != nil {
		v.Add("filter", "%v", err)
	}
	size := reqcheck.PageSize(&v, req.GetPageSize())
	query := pageQuery(req.GetParent(), req.GetFilter())
	var pos itemPosition
	after := h.pagePosition(&v, query, req.GetPageToken(), &pos)
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	docs, err := h.actionItems.In(ctx, scope)
	if err != nil {
		return nil, toStatus(err)
	}
	now := h.now()
	docs = slices.DeleteFunc(docs, func(d *meetingstore.ActionItemDoc) bool {
		return !itemMatches(&d.Body, conds, now) || (after && positionOf(d).compare(pos) <= 0)
	})
	slices.SortFunc(docs, func(a, b *meetingstore.ActionItemDoc) int { return positionOf(a).compare(positionOf(b)) })
	resp := &meetingv1.ListActionItemsResponse{}
	if len(docs) > size {
		docs = docs[:size]
		tok, err := h.tokens.Encode(query, positionOf(docs[size-1]))
		if err != nil {
			return nil, toStatus(err)
		}
		resp.NextPageToken = tok
	}
	for _, d := range readable(ctx, docs) {
		resp.ActionItems = append(resp.ActionItems, actionItemToProto(d, now))
	}
	return resp, nil
}

// itemScope reads a ListActionItems parent.
func itemScope(parent string) (meetingstore.Scope, bool) {
	if domain.IsDecisionName(parent) {
		return meetingstore.Scope{Decision: parent}, true
	}
	meeting, ok := strings.CutSuffix(parent, "/"+domain.AllDecisions)
	switch {
	case !ok:
		return meetingstore.Scope{}, false
	case meeting == domain.AllMeetings:
		return meetingstore.Scope{}, true
	case domain.IsMeetingName(meeting):
		return meetingstore.Scope{Meeting: meeting}, true
	}
	return meetingstore.Scope{}, false
}

// itemMatches reports whether an item meets every condition, its status taken at now. An
// item with no due time matches no due_time condition.
func itemMatches(a *domain.ActionItem, conds []filter.Typed, now time.Time) bool {
	for _, c := range conds {
		var ok bool
		switch c.Field {
		case "owner_force":
			ok = a.OwnerForce == c.Value
		case "owner":
			ok = a.Owner == c.Value
		case "zone":
			ok = slices.Contains(a.Zones, c.Value.(string))
		case "status":
			ok = (a.Status(now) == c.Value) == (c.Op == filter.Eq)
		case "due_time":
			ok = !a.DueTime.IsZero() && c.Op.Holds(a.DueTime.Compare(c.Value.(time.Time)))
		}
		if !ok {
			return false
		}
	}
	return true
}
