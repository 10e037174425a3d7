package zones

import (
	"context"
	"errors"
	"slices"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/orderby"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/replysize"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/store"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

// listSchema is the filter ListZones accepts, as its request documents.
var listSchema = filter.Schema{
	"kind":         {Type: filter.Enum, Values: filter.EnumNames(gatewayv1.ZoneKind_name)},
	"governorate":  {Type: filter.String},
	"threat_level": {Type: filter.Enum, Values: filter.EnumNames(gatewayv1.ThreatLevel_name), Ops: append([]filter.Op{filter.Ne}, filter.Ordered...)},
	"owner_force":  {Type: filter.String},
}

// Sorts are the orders ListZones serves: "name" (the default), "update_time desc" and
// "update_time". The catalog is kept by name; another order sorts it on each call, a cost
// of the order of the walk of the catalog every page already makes (its zones are few).
var Sorts = store.Sorts[Zone]{
	store.NameOrder[Zone](),
	{OrderBy: "update_time desc", Key: store.ByTime(store.UpdateTime[Zone])},
	{OrderBy: "update_time", Key: store.ByTime(store.UpdateTime[Zone])},
}

// ListZones lists zones in the order asked (by name by default), a page at a time, from
// the catalog.
func (h *Handler) ListZones(ctx context.Context, req *gatewayv1.ListZonesRequest) (*gatewayv1.ListZonesResponse, error) {
	var v apperr.Violations
	f, err := listSchema.Parse(req.GetFilter())
	if err != nil {
		v.Add("filter", "%v", err)
	}
	order := Sorts.Get(orderby.Check(&v, req.GetOrderBy(), Sorts.Names()...))
	query := "zones:" + pagetoken.Query(req.GetFilter(), order.OrderBy)
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
	resp := &gatewayv1.ListZonesResponse{}
	var page replysize.Page
	entries := h.cfg.Catalog.List()
	if order.OrderBy != Sorts[0].OrderBy {
		slices.SortFunc(entries, func(a, b *Entry) int { return order.Compare(a.Doc, b.Doc) })
	}
	past := order.Past(after)
	var last *Doc
	for _, e := range entries {
		if past != nil && !past(e.Doc) {
			continue
		}
		z := h.toProto(e)
		if !f.Match(zoneRecord(z)) {
			continue
		}
		if len(resp.Zones) == size || !page.Fits(z) {
			size = len(resp.Zones)
			tok, err := h.cfg.Tokens.Encode(query, order.CursorOf(last))
			if err != nil {
				return nil, toStatus(apperr.Internal(err))
			}
			resp.NextPageToken = tok
			break
		}
		resp.Zones = append(resp.Zones, z)
		last = e.Doc
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
