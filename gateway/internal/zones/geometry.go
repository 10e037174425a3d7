package zones

import (
	"fmt"

	"github.com/tansiq/tansiq/gateway/internal/geo"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// polygonFromProto converts an API polygon; a missing exterior gives an empty ring,
// which geo.Validate reports.
func polygonFromProto(p *typev1.Polygon) geo.Polygon {
	out := geo.Polygon{Exterior: ringFromProto(p.GetExterior())}
	for _, h := range p.GetHoles() {
		out.Holes = append(out.Holes, ringFromProto(h))
	}
	return out
}

func multiPolygonFromProto(mp *typev1.MultiPolygon) geo.MultiPolygon {
	out := make(geo.MultiPolygon, 0, len(mp.GetPolygons()))
	for _, p := range mp.GetPolygons() {
		out = append(out, polygonFromProto(p))
	}
	return out
}

func ringFromProto(r *typev1.LinearRing) geo.Ring {
	out := make(geo.Ring, 0, len(r.GetPoints()))
	for _, p := range r.GetPoints() {
		out = append(out, geo.Point{Lat: p.GetLatitude(), Lng: p.GetLongitude()})
	}
	return out
}

func polygonToProto(p geo.Polygon) *typev1.Polygon {
	out := &typev1.Polygon{Exterior: ringToProto(p.Exterior)}
	for _, h := range p.Holes {
		out.Holes = append(out.Holes, ringToProto(h))
	}
	return out
}

func ringToProto(r geo.Ring) *typev1.LinearRing {
	out := &typev1.LinearRing{Points: make([]*typev1.LatLng, len(r))}
	for i, p := range r {
		out.Points[i] = &typev1.LatLng{Latitude: p.Lat, Longitude: p.Lng}
	}
	return out
}

// Normalize returns g with RFC 7946's winding: exterior rings counter-clockwise, holes
// clockwise (in the longitude-latitude plane). The area is the same; readers that
// insist on the right-hand rule then read it right.
func Normalize(g geo.Geometry) geo.Geometry {
	switch g := g.(type) {
	case geo.Polygon:
		return normalizePolygon(g)
	case geo.MultiPolygon:
		out := make(geo.MultiPolygon, len(g))
		for i, p := range g {
			out[i] = normalizePolygon(p)
		}
		return out
	}
	return g
}

func normalizePolygon(p geo.Polygon) geo.Polygon {
	out := geo.Polygon{Exterior: wound(p.Exterior, true)}
	for _, h := range p.Holes {
		out.Holes = append(out.Holes, wound(h, false))
	}
	return out
}

// wound returns r running counter-clockwise (ccw) or clockwise, reversing a copy if needed.
func wound(r geo.Ring, ccw bool) geo.Ring {
	if (signedArea(r) > 0) == ccw {
		return r
	}
	out := make(geo.Ring, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}

// signedArea is twice the ring's area by the shoelace formula, positive when the ring
// runs counter-clockwise with longitude as x and latitude as y.
func signedArea(r geo.Ring) float64 {
	var a float64
	for i := 0; i+1 < len(r); i++ {
		a += r[i].Lng*r[i+1].Lat - r[i+1].Lng*r[i].Lat
	}
	return a
}

// EncodeArea returns g, normalized (see Normalize), as the GeoJSON text a zone stores.
func EncodeArea(g geo.Geometry) (string, error) {
	b, err := geo.EncodeGeoJSON(Normalize(g))
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// decodeStored reads a stored zone's GeoJSON, which was valid when written.
func decodeStored(s string) (geo.Geometry, error) {
	g, err := geo.DecodeGeoJSON([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("stored zone geometry: %w", err)
	}
	return g, nil
}

// Bounds is a geometry's bounding box in degrees.
type Bounds struct {
	MinLat, MinLng, MaxLat, MaxLng float64
}

// BoundsOf returns the bounding box of g's exterior rings.
func BoundsOf(g geo.Geometry) Bounds {
	b := Bounds{MinLat: 91, MinLng: 181, MaxLat: -91, MaxLng: -181}
	if g == nil {
		return b
	}
	for _, p := range g.Polygons() {
		for _, pt := range p.Exterior {
			b.MinLat, b.MaxLat = min(b.MinLat, pt.Lat), max(b.MaxLat, pt.Lat)
			b.MinLng, b.MaxLng = min(b.MinLng, pt.Lng), max(b.MaxLng, pt.Lng)
		}
	}
	return b
}
