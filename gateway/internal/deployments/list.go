package deployments

import (
	"context"
	"errors"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/orderby"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/store"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

// listSchema is the filter ListDeployments accepts, as its request documents.
var listSchema = filter.Schema{
	"zone":            {Type: filter.String},
	"state":           {Type: filter.Enum, Values: filter.EnumNames(gatewayv1.DeploymentState_name), Ops: []filter.Op{filter.Eq, filter.Ne}},
	"force":           {Type: filter.String},
	"lead_force":      {Type: filter.String},
	"proposing_force": {Type: filter.String},
	"unit":            {Type: filter.String},
	"mandate":         {Type: filter.String},
	"start_time":      {Type: filter.Time, Ops: []filter.Op{filter.Lt, filter.Le, filter.Gt, filter.Ge}},
	"end_time":        {Type: filter.Time, Ops: []filter.Op{filter.Lt, filter.Le, filter.Gt, filter.Ge}},
}

// ListDeployments lists deployments in the order asked (latest start first by default), a
// page at a time.
func (h *Handler) ListDeployments(ctx context.Context, req *gatewayv1.ListDeploymentsRequest) (*gatewayv1.ListDeploymentsResponse, error) {
	var v apperr.Violations
	f, err := listSchema.Parse(req.GetFilter())
	if err != nil {
		v.Add("filter", "%v", err)
	}
	order := Sorts.Get(orderby.Check(&v, req.GetOrderBy(), Sorts.Names()...))
	query := pagetoken.Query(req.GetFilter(), order.OrderBy)
	size := reqcheck.PageSize(&v, req.GetPageSize())
	var after *store.Cursor
	if tok := req.GetPageToken(); tok != "" {
		after = &store.Cursor{}
		if err := h.cfg.Tokens.Decode(query, tok, after); errors.Is(err, pagetoken.ErrInvalid) {
			v.Add("page_token", "is not a token from this query's previous page")
		}
	}
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	now := h.now()
	docs, err := h.cfg.Store.List(ctx, f, now, order, after, size+1)
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &gatewayv1.ListDeploymentsResponse{}
	if len(docs) > size {
		docs = docs[:size]
		tok, err := h.cfg.Tokens.Encode(query, order.CursorOf(docs[size-1]))
		if err != nil {
			return nil, toStatus(apperr.Internal(err))
		}
		resp.NextPageToken = tok
	}
	for _, d := range docs {
		resp.Deployments = append(resp.Deployments, ToProto(d, now))
	}
	return resp, nil
}
