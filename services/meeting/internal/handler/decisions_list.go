package handler

import (
	"context"
	"github.com/tansiq/tansiq/platform/reqcheck"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/filter"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

// decisionSchema is the filter ListDecisions accepts, as its request documents.
var decisionSchema = filter.Schema{
	"kind":           {Type: filter.Enum, Values: reqcheck.EnumNames(meetingv1.DecisionKind_name)},
	"binding":        {Type: filter.Enum, Values: []string{"true", "false"}},
	"zone":           {Type: filter.String},
	"unit":           {Type: filter.String},
	"incident":       {Type: filter.String},
	"awaiting_force": {Type: filter.String},
}

// ListDecisions lists the decisions of one meeting or of all, newest first, a page at a time.
func (h *Handler) ListDecisions(ctx context.Context, req *meetingv1.ListDecisionsRequest) (*meetingv1.ListDecisionsResponse, error) {
	var v apperr.Violations
	meeting := req.GetParent()
	switch {
	case meeting == domain.AllMeetings:
		meeting = ""
	case !domain.IsMeetingName(meeting):
		v.Add("parent", `must look like "meetings/{meeting}" or be "meetings/-"`)
	}
	conds, err := decisionSchema.Check(req.GetFilter())
	if err != nil {
		v.Add("filter", "%v", err)
	}
	size := reqcheck.PageSize(&v, req.GetPageSize())
	query := pageQuery(req.GetParent(), req.GetFilter())
	var pos meetingstore.DecisionPosition
	after := h.pagePosition(&v, query, req.GetPageToken(), &pos)
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	var from *meetingstore.DecisionPosition
	if after {
		from = &pos
	}
	docs, err := h.decisions.List(ctx, meeting, conds, from, size+1)
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &meetingv1.ListDecisionsResponse{}
	if len(docs) > size {
		docs = docs[:size]
		last := docs[size-1]
		tok, err := h.tokens.Encode(query, meetingstore.DecisionPosition{CreateTime: last.CreateTime, Name: last.Name})
		if err != nil {
			return nil, toStatus(err)
		}
		resp.NextPageToken = tok
	}
	for _, d := range readable(ctx, docs) {
		resp.Decisions = append(resp.Decisions, decisionToProto(d))
	}
	return resp, nil
}
