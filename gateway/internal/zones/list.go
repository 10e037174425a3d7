package zones

import (
	"context"
	"errors"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/replysize"
	"github.com/tansiq/tansiq/platform/reqcheck"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

// listSchema is the filter ListZones accepts, as its request documents.
var listSchema = filter.Schema{
	"kind":         {Type: filter.Enum, Values: filter.EnumNames(gatewayv1.ZoneKind_name)},
	"governorate":  {Type: filter.String},
	"threat_level": {Type: filter.Enum, Values: filter.EnumNames(gatewayv1.ThreatLevel_name), Ops: append([]filter.Op{filter.Ne}, filter.Ordered...)},
	"owner_force":  {Type: filter.String},
}

// namePosition is where a page of zones by name ends.
type namePosition struct {
	Name string `json:"n"`
}

// ListZones lists zones by name, a page at a time, from the catalog.
func (h *Handler) ListZones(ctx context.Context, req *gatewayv1.ListZonesRequest) (*gatewayv1.ListZonesResponse, error) {
	var v apperr.Violations
	f, err := listSchema.Parse(req.GetFilter())
	if err != nil {
		v.Add("filter", "%v", err)
	}
	size := reqcheck.PageSize(&v, req.GetPageSize())
	var after namePosition
	if tok := req.GetPageToken(); tok != "" {
		if err := h.cfg.Tokens.Decode("zones:"+req.GetFilter(), tok, &after); errors.Is(err, pagetoken.ErrInvalid) {
			v.Add("page_token", "is not a token from this query's previous page")
		}
	}
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	resp := &gatewayv1.ListZonesResponse{}
	var page replysize.Page
	for _, e := range h.cfg.Catalog.List() {
		if e.Doc.Name <= after.Name {
			continue
		}
		z := h.toProto(e)
		if !f.Match(zoneRecord(z)) {
			continue
		}
		if len(resp.Zones) == size || !page.Fits(z) {
			size = len(resp.Zones)
			tok, err := h.cfg.Tokens.Encode("zones:"+req.GetFilter(), namePosition{Name: resp.Zones[size-1].GetName()})
			if err != nil {
				return nil, toStatus(apperr.Internal(err))
			}
			resp.NextPageToken = tok
			break
		}
		resp.Zones = append(resp.Zones, z)
	}
	return resp, nil
}

// zoneRecord gives the filter a zone's fields.
func zoneRecord(z *gatewayv1.Zone) filter.Record {
	return func(field string) any {
		switch field {
		case "kind":
			return z.GetKind().String()
		case "governorate":
			return z.GetGovernorates()
		case "owner_force":
			return z.GetOwnerForce()
		case "threat_level":
			return z.GetThreatLevel().String()
		}
		return nil
	}
}
