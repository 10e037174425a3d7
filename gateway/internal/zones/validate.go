package zones

import (
	"strings"

	"github.com/tansiq/tansiq/gateway/internal/geo"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/localized"
	"github.com/tansiq/tansiq/platform/reqcheck"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

// Limits on zone fields.
const (
	maxGovernorates = 10
	// maxGeoJSONBytes bounds the GeoJSON text accepted; geo.Validate bounds the points.
	maxGeoJSONBytes = 1 << 20
)

// The area fields of a zone: exactly one is given on input.
const (
	areaPolygon      = "polygon"
	areaMultiPolygon = "multi_polygon"
	areaGeoJSON      = "geojson"
)

// validateZone checks the fields of a zone a client sends and returns its area when the
// area is among them. paths selects the fields (nil: all, as on create).
func validateZone(v *apperr.Violations, p string, z *gatewayv1.Zone, paths map[string]bool) geo.Geometry {
	if z == nil {
		v.Add(p, "is required")
		return nil
	}
	has := func(f string) bool { return paths == nil || paths[f] }
	if has("display_name") {
		localized.Validate(v, p+".display_name", localized.FromProto(z.GetDisplayName()), true)
	}
	if has("kind") {
		if z.GetKind() == gatewayv1.ZoneKind_ZONE_KIND_UNSPECIFIED {
			v.Add(p+".kind", "is required")
		} else if _, ok := gatewayv1.ZoneKind_name[int32(z.GetKind())]; !ok {
			v.Add(p+".kind", "unknown value %d", z.GetKind())
		}
	}
	if has("governorates") {
		validateGovernorates(v, p+".governorates", z.GetGovernorates())
	}
	if has("description") {
		reqcheck.Text(v, p+".description", z.GetDescription(), reqcheck.MaxTextLen)
	}
	if paths == nil {
		return area(v, p, z, inputArea(v, p, z))
	}
	for _, a := range []string{areaPolygon, areaMultiPolygon, areaGeoJSON} {
		if paths[a] {
			return area(v, p, z, a)
		}
	}
	return nil
}

// inputArea returns which one area field a create request gives, reporting none or several.
func inputArea(v *apperr.Violations, p string, z *gatewayv1.Zone) string {
	var given []string
	if z.GetPolygon() != nil {
		given = append(given, areaPolygon)
	}
	if z.GetMultiPolygon() != nil {
		given = append(given, areaMultiPolygon)
	}
	if z.GetGeojson() != "" {
		given = append(given, areaGeoJSON)
	}
	switch len(given) {
	case 0:
		v.Add(p+"."+areaPolygon, "give the area as one of polygon, multi_polygon or geojson")
		return ""
	case 1:
		return given[0]
	}
	v.Add(p+"."+given[1], "give the area only once: %s is also set", given[0])
	return ""
}

// area reads and validates the area given in field which, reporting every problem as a
// field violation: under the polygon's own fields for polygon and multi_polygon, and on
// geojson (with the path inside the geometry in the description) for GeoJSON text.
func area(v *apperr.Violations, p string, z *gatewayv1.Zone, which string) geo.Geometry {
	field := p + "." + which
	var g geo.Geometry
	switch which {
	case areaPolygon:
		if z.GetPolygon() == nil {
			v.Add(field, "is required")
			return nil
		}
		g = polygonFromProto(z.GetPolygon())
	case areaMultiPolygon:
		if z.GetMultiPolygon() == nil {
			v.Add(field, "is required")
			return nil
		}
		g = multiPolygonFromProto(z.GetMultiPolygon())
	case areaGeoJSON:
		if z.GetGeojson() == "" {
			v.Add(field, "is required")
			return nil
		}
		if len(z.GetGeojson()) > maxGeoJSONBytes {
			v.Add(field, "must be at most %d bytes", maxGeoJSONBytes)
			return nil
		}
		dg, err := geo.DecodeGeoJSON([]byte(z.GetGeojson()))
		if err != nil {
			v.Add(field, "%v", err)
			return nil
		}
		g = dg
	default:
		return nil
	}
	vs := geo.Validate(g)
	if len(vs) == 0 {
		return g
	}
	if which == areaGeoJSON {
		for _, x := range vs {
			if x.Field == "" {
				v.Add(field, "%s", x.Description)
			} else {
				v.Add(field, "%s: %s", x.Field, x.Description)
			}
		}
		return nil
	}
	av := make([]apperr.Violation, len(vs))
	for i, x := range vs {
		av[i] = apperr.Violation{Field: x.Field, Description: x.Description}
	}
	v.Append(field, av)
	return nil
}

func validateGovernorates(v *apperr.Violations, field string, gs []string) {
	if len(gs) > maxGovernorates {
		v.Add(field, "at most %d", maxGovernorates)
	}
	seen := map[string]bool{}
	for i, g := range gs {
		f := apperr.Index(field, i)
		switch {
		case strings.TrimSpace(g) == "":
			v.Add(f, "must not be empty")
		case seen[strings.ToLower(g)]:
			v.Add(f, "%q is listed twice", g)
		}
		seen[strings.ToLower(g)] = true
		reqcheck.Text(v, f, g, reqcheck.MaxShortLen)
	}
}
