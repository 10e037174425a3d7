package zones

import (
	"context"
	"errors"
	"slices"

	"github.com/tansiq/tansiq/gateway/internal/check"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/replysize"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

// listSchema is the filter ListZones accepts, as its request documents.
var listSchema = filter.Schema{
	"kind":         {Type: filter.Enum, Values: check.EnumNames(gatewayv1.ZoneKind_name)},
	"governorate":  {Type: filter.String},
	"threat_level": {Type: filter.Enum, Values: check.EnumNames(gatewayv1.ThreatLevel_name), Ops: append([]filter.Op{filter.Ne}, filter.Ordered...)},
	"owner_force":  {Type: filter.String},
}

// namePosition is where a page of zones by name ends.
type namePosition struct {
	Name string `json:"n"`
}

// ListZones lists zones by name, a page at a time, from the catalog.
func (h *Handler) ListZones(ctx context.Context, req *gatewayv1.ListZonesRequest) (*gatewayv1.ListZonesResponse, error) {
	var v apperr.Violations
	conds, err := listSchema.Check(req.GetFilter())
	if err != nil {
		v.Add("filter", "%v", err)
	}
	size := check.PageSize(&v, "page_size", req.GetPageSize())
	var after namePosition
	if tok := req.GetPageToken(); tok != "" {
		if err := h.cfg.Tokens.Decode("zones:"+req.GetFilter(), tok, &after); errors.Is(err, pagetoken.ErrInvalid) {
			v.Add("page_token", "is not a token from this query's previous page")
		}
	}
	if err := v.Err(); err != nil {
		return nil, check.ToStatus(err)
	}
	resp := &gatewayv1.ListZonesResponse{}
	var page replysize.Page
	for _, e := range h.cfg.Catalog.List() {
		if e.Doc.Name <= after.Name {
			continue
		}
		z := h.toProto(e)
		if !matches(z, conds) {
			continue
		}
		if len(resp.Zones) == size || !page.Fits(z) {
			size = len(resp.Zones)
			tok, err := h.cfg.Tokens.Encode("zones:"+req.GetFilter(), namePosition{Name: resp.Zones[size-1].GetName()})
			if err != nil {
				return nil, check.ToStatus(apperr.Internal(err))
			}
			resp.NextPageToken = tok
			break
		}
		resp.Zones = append(resp.Zones, z)
	}
	return resp, nil
}

// matches reports whether z satisfies every condition.
func matches(z *gatewayv1.Zone, conds []filter.Typed) bool {
	for _, c := range conds {
		s, _ := c.Value.(string)
		var ok bool
		switch c.Field {
		case "kind":
			ok = z.GetKind().String() == s
		case "governorate":
			ok = slices.Contains(z.GetGovernorates(), s)
		case "owner_force":
			ok = z.GetOwnerForce() == s
		case "threat_level":
			ok = compare(int32(z.GetThreatLevel()), c.Op, gatewayv1.ThreatLevel_value[s])
		}
		if !ok {
			return false
		}
	}
	return true
}

func compare(a int32, op filter.Op, b int32) bool {
	switch op {
	case filter.Eq:
		return a == b
	case filter.Ne:
		return a != b
	case filter.Lt:
		return a < b
	case filter.Le:
		return a <= b
	case filter.Gt:
		return a > b
	case filter.Ge:
		return a >= b
	}
	return false
}
