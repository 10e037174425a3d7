package zones

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/tansiq/tansiq/gateway/internal/geo"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/localized"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/platform/replysize"
	"github.com/tansiq/tansiq/platform/reqcheck"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

// searchPosition is where a page of search results ends: exact matches come first.
type searchPosition struct {
	Partial bool   `json:"p"`
	Name    string `json:"n"`
}

func (p searchPosition) before(q searchPosition) bool {
	if p.Partial != q.Partial {
		return !p.Partial
	}
	return p.Name < q.Name
}

// SearchZones finds zones with a name or alias containing the query, ignoring case:
// exact matches first, then by name.
func (h *Handler) SearchZones(ctx context.Context, req *gatewayv1.SearchZonesRequest) (*gatewayv1.SearchZonesResponse, error) {
	var v apperr.Violations
	q := strings.TrimSpace(req.GetQuery())
	switch n := utf8.RuneCountInString(q); {
	case !utf8.ValidString(q):
		v.Add("query", "must be UTF-8")
	case n == 0:
		v.Add("query", "is required")
	case n > 100:
		v.Add("query", "must be at most 100 characters")
	}
	size := reqcheck.PageSize(&v, req.GetPageSize())
	var after *searchPosition
	if tok := req.GetPageToken(); tok != "" {
		after = &searchPosition{}
		if err := h.cfg.Tokens.Decode("search:"+q, tok, after); errors.Is(err, pagetoken.ErrInvalid) {
			v.Add("page_token", "is not a token from this query's previous page")
		}
	}
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	var exact, partial []*Entry
	for _, e := range h.cfg.Catalog.List() {
		switch name := e.Doc.Body.DisplayName; {
		case name.Matches(q):
			exact = append(exact, e)
		case contains(name, q):
			partial = append(partial, e)
		}
	}
	resp := &gatewayv1.SearchZonesResponse{}
	var last searchPosition
	var page replysize.Page
	for i, e := range append(exact, partial...) {
		pos := searchPosition{Partial: i >= len(exact), Name: e.Doc.Name}
		if after != nil && !after.before(pos) {
			continue
		}
		z := h.toProto(e)
		if len(resp.Zones) == size || !page.Fits(z) {
			tok, err := h.cfg.Tokens.Encode("search:"+q, last)
			if err != nil {
				return nil, toStatus(apperr.Internal(err))
			}
			resp.NextPageToken = tok
			break
		}
		resp.Zones = append(resp.Zones, z)
		last = pos
	}
	return resp, nil
}

// contains reports whether q is part of any of n's names or aliases, ignoring case.
func contains(n localized.Name, q string) bool {
	q = strings.ToLower(q)
	for _, s := range append([]string{n.Arabic, n.Sorani, n.English}, n.Aliases...) {
		if s != "" && strings.Contains(strings.ToLower(s), q) {
			return true
		}
	}
	return false
}

// ListZonesContaining returns the zones whose area contains a point, from the index.
func (h *Handler) ListZonesContaining(ctx context.Context, req *gatewayv1.ListZonesContainingRequest) (*gatewayv1.ListZonesContainingResponse, error) {
	var v apperr.Violations
	if req.GetPoint() == nil {
		v.Add("point", "is required")
	} else {
		place.ValidateLatLng(&v, "point", place.LatLngFromProto(req.GetPoint()))
	}
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	resp := &gatewayv1.ListZonesContainingResponse{}
	pt := geo.Point{Lat: req.GetPoint().GetLatitude(), Lng: req.GetPoint().GetLongitude()}
	for _, name := range h.cfg.Catalog.Containing(pt) {
		if e, ok := h.cfg.Catalog.Get(name); ok {
			resp.Zones = append(resp.Zones, h.toProto(e))
		}
	}
	return resp, nil
}
