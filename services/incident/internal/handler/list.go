package handler

import (
	"context"
	"errors"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/orderby"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/reqcheck"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	incidentstore "github.com/tansiq/tansiq/services/incident/internal/store"
)

// ListIncidents lists incidents in the order asked (newest first by default), a page at a
// time; a page token is bound to the filter and the order it was issued under.
func (h *Handler) ListIncidents(ctx context.Context, req *incidentv1.ListIncidentsRequest) (*incidentv1.ListIncidentsResponse, error) {
	var v apperr.Violations
	f, err := incidentstore.ListSchema.Parse(req.GetFilter())
	if err != nil {
		v.Add("filter", "%v", err)
	}
	order := orderby.Check(&v, req.GetOrderBy(), incidentstore.OrderNames...)
	size := reqcheck.PageSize(&v, req.GetPageSize())
	query := pagetoken.Query(req.GetFilter(), order)
	var after *incidentstore.Position
	if tok := req.GetPageToken(); tok != "" {
		after = &incidentstore.Position{}
		if err := h.tokens.Decode(query, tok, after); errors.Is(err, pagetoken.ErrInvalid) {
			v.Add("page_token", "is not a token from this query's previous page")
		}
	}
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	docs, err := h.store.List(ctx, f, order, after, size+1)
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &incidentv1.ListIncidentsResponse{}
	if len(docs) > size {
		docs = docs[:size]
		tok, err := h.tokens.Encode(query, incidentstore.PositionOf(docs[size-1], order))
		if err != nil {
			return nil, toStatus(err)
		}
		resp.NextPageToken = tok
	}
	for _, d := range docs {
		// Records the caller may not see are left out, as if they did not exist; the page
		// token still moves past them.
		if access.Read(ctx, d.Name, d.Owner) != nil {
			continue
		}
		resp.Incidents = append(resp.Incidents, toProto(d))
	}
	return resp, nil
}
