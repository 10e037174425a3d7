package handler

import (
	"context"
	"errors"
	"github.com/tansiq/tansiq/platform/reqcheck"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/pagetoken"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	incidentstore "github.com/tansiq/tansiq/services/incident/internal/store"
)

// listSchema is the filter ListIncidents accepts, as its request documents.
var listSchema = filter.Schema{
	"occur_time":      {Type: filter.Time, Ops: filter.Ordered},
	"kind":            {Type: filter.Enum, Values: reqcheck.EnumNames(incidentv1.IncidentKind_name)},
	"state":           {Type: filter.Enum, Values: reqcheck.EnumNames(incidentv1.IncidentState_name)},
	"governorate":     {Type: filter.String},
	"district":        {Type: filter.String},
	"reporting_force": {Type: filter.String},
	"place.latitude":  {Type: filter.Number, Ops: filter.Ordered},
	"place.longitude": {Type: filter.Number, Ops: filter.Ordered},
}

// ListIncidents lists incidents, newest first, a page at a time.
func (h *Handler) ListIncidents(ctx context.Context, req *incidentv1.ListIncidentsRequest) (*incidentv1.ListIncidentsResponse, error) {
	var v apperr.Violations
	conds, err := listSchema.Check(req.GetFilter())
	if err != nil {
		v.Add("filter", "%v", err)
	}
	size := reqcheck.PageSize(&v, req.GetPageSize())
	var after *incidentstore.Position
	if tok := req.GetPageToken(); tok != "" {
		after = &incidentstore.Position{}
		if err := h.tokens.Decode(req.GetFilter(), tok, after); errors.Is(err, pagetoken.ErrInvalid) {
			v.Add("page_token", "is not a token from this query's previous page")
		}
	}
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	docs, err := h.store.List(ctx, conds, after, size+1)
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &incidentv1.ListIncidentsResponse{}
	if len(docs) > size {
		docs = docs[:size]
		last := docs[size-1]
		tok, err := h.tokens.Encode(req.GetFilter(), incidentstore.Position{OccurTime: last.Body.OccurTime, Name: last.Name})
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
