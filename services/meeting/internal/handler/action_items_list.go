package handler

import (
	"context"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"strings"

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

// ListActionItems lists the action items of one decision, one meeting or every meeting,
// soonest due first, a page at a time; the status filter compares the status as of now.
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
	var pos meetingstore.ActionItemPosition
	after := h.pagePosition(&v, query, req.GetPageToken(), &pos)
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	var from *meetingstore.ActionItemPosition
	if after {
		from = &pos
	}
	now := h.now()
	docs, err := h.actionItems.List(ctx, scope, conds, now, from, size+1)
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &meetingv1.ListActionItemsResponse{}
	if len(docs) > size {
		docs = docs[:size]
		tok, err := h.tokens.Encode(query, meetingstore.ActionItemPositionOf(docs[size-1]))
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
