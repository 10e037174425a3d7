package handler

import (
	"context"
	"errors"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/pagetoken"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	incidentstore "github.com/tansiq/tansiq/services/incident/internal/store"
)

// Page sizes (AIP-158).
const (
	defaultPageSize = 50
	maxPageSize     = 500
)

// listSchema is the filter ListIncidents accepts, as its request documents.
var listSchema = filter.Schema{
	"occur_time":      {Type: filter.Time, Ops: filter.Ordered},
	"kind":            {Type: filter.Enum, Values: enumNames(incidentv1.IncidentKind_name)},
	"state":           {Type: filter.Enum, Values: enumNames(incidentv1.IncidentState_name)},
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
	size := int(req.GetPageSize())
	switch {
	case size < 0:
		v.Add("page_size", "must not be negative")
	case size == 0:
		size = defaultPageSize
	case size > maxPageSize:
		size = maxPageSize
	}
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

func enumNames(m map[int32]string) []string {
	out := make([]string, 0, len(m))
	for n, s := range m {
		if n != 0 {
			out = append(out, s)
		}
	}
	return out
}
