// Package shape reads, checks, measures and writes the areas the API takes as
// tansiq.type.v1 polygons or GeoJSON (units' areas of responsibility, deployments'
// areas), with peterstace/simplefeatures, whose polygon overlay (union, difference) the
// gateway's security vacuum is computed with.
//
// Geometries are held in WGS84 degrees (x longitude, y latitude) and measured and
// overlaid on Plane, one transverse Mercator projection centred on 44 E. Iraq's
// disputed territories span UTM zones 37 and 38 (the boundary is 42 E, through Sinjar
// district); UTM would put them on two planes that do not join, and a single UTM zone
// stretched across both distorts by up to 0.1% at its edge with a scale factor that
// varies. A transverse Mercator on 44 E (scale 1 on the meridian) keeps every zone
// from 41 E to 47 E on one plane with scale error under 0.1% (area error under 0.2%),
// measured against the ellipsoid in the tests.
package shape

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/peterstace/simplefeatures/geom"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/grid"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// Plane is the projection areas are measured and overlaid on.
var Plane = grid.TransverseMercator{CentralMeridian: 44, Scale: 1}

// Limits on an area: they bound the work of validating it and of every overlay it
// takes part in.
const (
	MaxRingPoints = 2048 // points in one ring
	MaxPoints     = 4096 // points in one area
)

// Read reads an area given as exactly one of a polygon, a multipolygon or GeoJSON text
// (a Polygon or MultiPolygon geometry), and reports under field each thing wrong with
// it: none or several given, coordinates out of range, rings open or too short, too
// many points, rings that cross themselves or one another, holes outside their polygon,
// no area at all. ok is false when anything was reported.
func Read(v *apperr.Violations, field string, poly *typev1.Polygon, multi *typev1.MultiPolygon, geojson string) (g geom.Geometry, ok bool) {
	given := 0
	for _, b := range []bool{poly != nil, multi != nil, geojson != ""} {
		if b {
			given++
		}
	}
	if given != 1 {
		v.Add(field, "give exactly one of polygon, multi_polygon and geojson")
		return geom.Geometry{}, false
	}
	before := len(v.List())
	switch {
	case poly != nil:
		p, ok := readPolygon(v, field+".polygon", poly, new(int))
		if ok {
			g = p.AsGeometry()
		}
		field += ".polygon"
	case multi != nil:
		field += ".multi_polygon"
		if len(multi.GetPolygons()) == 0 {
			v.Add(field+".polygons", "at least one polygon is required")
			return geom.Geometry{}, false
		}
		count := 0
		var ps []geom.Polygon
		for i, p := range multi.GetPolygons() {
			q, ok := readPolygon(v, apperr.Index(field+".polygons", i), p, &count)
			if ok {
				ps = append(ps, q)
			}
		}
		if len(v.List()) == before {
			g = geom.NewMultiPolygon(ps).AsGeometry()
		}
	default:
		field += ".geojson"
		g = readGeoJSON(v, field, geojson)
	}
	if len(v.List()) > before {
		return geom.Geometry{}, false
	}
	if err := g.Validate(); err != nil {
		v.Add(field, "is not a valid area: %v", err)
		return geom.Geometry{}, false
	}
	if AreaKm2(g) <= 0 {
		v.Add(field, "encloses no area")
		return geom.Geometry{}, false
	}
	return g, true
}

// readPolygon checks a polygon's rings and builds it unvalidated; count accumulates
// the points of the whole area.
func readPolygon(v *apperr.Violations, field string, p *typev1.Polygon, count *int) (geom.Polygon, bool) {
	if p.GetExterior() == nil {
		v.Add(field+".exterior", "is required")
		return geom.Polygon{}, false
	}
	rings := []*typev1.LinearRing{p.GetExterior()}
	rings = append(rings, p.GetHoles()...)
	out := make([]geom.LineString, 0, len(rings))
	ok := true
	for i, r := range rings {
		rf := field + ".exterior"
		if i > 0 {
			rf = apperr.Index(field+".holes", i-1)
		}
		pts := r.GetPoints()
		*count += len(pts)
		switch {
		case len(pts) > MaxRingPoints:
			v.Add(rf+".points", "has %d points, more than the %d allowed", len(pts), MaxRingPoints)
			ok = false
			continue
		case *count > MaxPoints:
			v.Add(rf+".points", "brings the area to %d points, more than the %d allowed", *count, MaxPoints)
			return geom.Polygon{}, false
		case len(pts) < 4:
			v.Add(rf+".points", "needs at least 4 points, the last repeating the first")
			ok = false
			continue
		}
		flat := make([]float64, 0, 2*len(pts))
		for j, q := range pts {
			if !inRange(q.GetLatitude(), q.GetLongitude()) {
				v.Add(apperr.Index(rf+".points", j), "must be a latitude in [-90, 90] and a longitude in [-180, 180]")
				ok = false
			}
			flat = append(flat, q.GetLongitude(), q.GetLatitude())
		}
		if first, last := pts[0], pts[len(pts)-1]; first.GetLatitude() != last.GetLatitude() || first.GetLongitude() != last.GetLongitude() {
			v.Add(rf+".points", "must be closed: the last point repeats the first")
			ok = false
		}
		out = append(out, geom.NewLineString(geom.NewSequence(flat, geom.DimXY)))
	}
	if !ok {
		return geom.Polygon{}, false
	}
	return geom.NewPolygon(out), true
}

func inRange(lat, lng float64) bool {
	return lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180
}

func readGeoJSON(v *apperr.Violations, field, text string) geom.Geometry {
	g, err := geom.UnmarshalGeoJSON([]byte(text), geom.NoValidate{})
	if err != nil {
		v.Add(field, "is not GeoJSON: %v", err)
		return geom.Geometry{}
	}
	if !g.IsPolygon() && !g.IsMultiPolygon() {
		v.Add(field, "must be a Polygon or MultiPolygon geometry, not %s", g.Type())
		return geom.Geometry{}
	}
	if g.IsEmpty() {
		v.Add(field, "is empty")
		return geom.Geometry{}
	}
	seq := g.DumpCoordinates()
	if seq.Length() > MaxPoints {
		v.Add(field, "has %d points, more than the %d allowed", seq.Length(), MaxPoints)
		return geom.Geometry{}
	}
	for i := range seq.Length() {
		if p := seq.GetXY(i); !inRange(p.Y, p.X) {
			v.Add(field, "has a point out of range: %v, %v (longitude, latitude)", p.X, p.Y)
			return geom.Geometry{}
		}
	}
	for _, p := range polygons(g) {
		for _, r := range rings(p) {
			if r.Coordinates().Length() > MaxRingPoints {
				v.Add(field, "has a ring of %d points, more than the %d allowed", r.Coordinates().Length(), MaxRingPoints)
				return geom.Geometry{}
			}
		}
	}
	return g.Force2D()
}

// Parse reads GeoJSON text this package wrote (or Read accepted), validated again.
func Parse(text string) (geom.Geometry, error) {
	g, err := geom.UnmarshalGeoJSON([]byte(text))
	if err != nil {
		return geom.Geometry{}, fmt.Errorf("stored area: %w", err)
	}
	return g, nil
}

// GeoJSON writes g as an RFC 7946 geometry object, exterior rings counter-clockwise.
func GeoJSON(g geom.Geometry) string {
	b, err := json.Marshal(g.ForceCCW())
	if err != nil {
		// Marshalling a geometry built from finite coordinates cannot fail.
		panic(fmt.Sprintf("shape: marshal GeoJSON: %v", err))
	}
	return string(b)
}

// Project returns g (WGS84 degrees) on Plane, in metres.
func Project(g geom.Geometry) geom.Geometry {
	return g.TransformXY(func(p geom.XY) geom.XY {
		x, y := Plane.Forward(p.Y, p.X)
		return geom.XY{X: x, Y: y}
	})
}

// Unproject returns g (metres on Plane) in WGS84 degrees.
func Unproject(g geom.Geometry) geom.Geometry {
	return g.TransformXY(func(p geom.XY) geom.XY {
		lat, lng := Plane.Inverse(p.X, p.Y)
		return geom.XY{X: lng, Y: lat}
	})
}

// ProjectPoint returns a WGS84 position on Plane.
func ProjectPoint(lat, lng float64) geom.XY {
	x, y := Plane.Forward(lat, lng)
	return geom.XY{X: x, Y: y}
}

// AreaKm2 is the area of g (WGS84 degrees) on Plane, in square kilometres.
func AreaKm2(g geom.Geometry) float64 { return Project(g).Area() / 1e6 }

// CircleSides is how many sides a circle is drawn with: its area is 0.16% short of
// the true circle's.
const CircleSides = 64

// Circle returns a circle of radius metres around a WGS84 position, as a polygon of
// CircleSides sides drawn on Plane, in WGS84 degrees.
func Circle(lat, lng, radius float64) geom.Geometry {
	c := ProjectPoint(lat, lng)
	flat := make([]float64, 0, 2*(CircleSides+1))
	for i := 0; i <= CircleSides; i++ {
		a := 2 * math.Pi * float64(i%CircleSides) / CircleSides
		la, ln := Plane.Inverse(c.X+radius*math.Cos(a), c.Y+radius*math.Sin(a))
		flat = append(flat, ln, la)
	}
	return geom.NewPolygon([]geom.LineString{geom.NewLineString(geom.NewSequence(flat, geom.DimXY))}).AsGeometry()
}

// polygons returns the polygons of a Polygon or MultiPolygon geometry (none of others).
func polygons(g geom.Geometry) []geom.Polygon {
	if p, ok := g.AsPolygon(); ok {
		return []geom.Polygon{p}
	}
	if m, ok := g.AsMultiPolygon(); ok {
		return m.Dump()
	}
	return nil
}

// rings returns a polygon's exterior ring and holes.
func rings(p geom.Polygon) []geom.LineString {
	out := []geom.LineString{p.ExteriorRing()}
	for i := range p.NumInteriorRings() {
		out = append(out, p.InteriorRingN(i))
	}
	return out
}

// Points counts the points of g.
func Points(g geom.Geometry) int { return g.DumpCoordinates().Length() }

// ToProto returns g (a Polygon or MultiPolygon in WGS84) as the API's polygon, when it
// is one polygon, or multipolygon.
func ToProto(g geom.Geometry) (*typev1.Polygon, *typev1.MultiPolygon) {
	ps := polygons(g.ForceCCW())
	out := make([]*typev1.Polygon, len(ps))
	for i, p := range ps {
		q := &typev1.Polygon{}
		for j, r := range rings(p) {
			lr := &typev1.LinearRing{}
			seq := r.Coordinates()
			for k := range seq.Length() {
				xy := seq.GetXY(k)
				lr.Points = append(lr.Points, &typev1.LatLng{Latitude: xy.Y, Longitude: xy.X})
			}
			if j == 0 {
				q.Exterior = lr
			} else {
				q.Holes = append(q.Holes, lr)
			}
		}
		out[i] = q
	}
	if g.IsPolygon() && len(out) == 1 {
		return out[0], nil
	}
	return nil, &typev1.MultiPolygon{Polygons: out}
}
