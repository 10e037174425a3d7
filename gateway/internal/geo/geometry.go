package geo

import "github.com/paulmach/orb"

// Point is a WGS84 position in degrees.
type Point struct {
	Lat, Lng float64
}

// Ring is a closed sequence of points: a valid ring has at least four points and its
// last point repeats its first (RFC 7946 3.1.6). Either winding is accepted.
type Ring []Point

// Polygon is an area: an exterior ring and any holes cut out of it.
type Polygon struct {
	Exterior Ring
	Holes    []Ring
}

// MultiPolygon is one area made of several polygons.
type MultiPolygon []Polygon

// Geometry is the shape of a zone: a Polygon or a MultiPolygon. Keeping the two apart
// (rather than always a MultiPolygon) lets a zone be returned in the GeoJSON type it
// was given in.
type Geometry interface {
	// Polygons returns the geometry as a MultiPolygon (a Polygon as a one-element one).
	Polygons() MultiPolygon
	// orbGeometry seals the interface to this package's two types.
	orbGeometry() orb.Geometry
}

// Polygons returns p as a one-polygon MultiPolygon.
func (p Polygon) Polygons() MultiPolygon { return MultiPolygon{p} }

// Polygons returns mp itself.
func (mp MultiPolygon) Polygons() MultiPolygon { return mp }

func (p Polygon) orbGeometry() orb.Geometry       { return p.orb() }
func (mp MultiPolygon) orbGeometry() orb.Geometry { return mp.orb() }

// Conversions to and from orb, whose points are [lng, lat] (x, y) as in GeoJSON.

func (p Point) orb() orb.Point { return orb.Point{p.Lng, p.Lat} }

func pointFromOrb(p orb.Point) Point { return Point{Lat: p[1], Lng: p[0]} }

func (r Ring) orb() orb.Ring {
	out := make(orb.Ring, len(r))
	for i, p := range r {
		out[i] = p.orb()
	}
	return out
}

func ringFromOrb(r orb.Ring) Ring {
	out := make(Ring, len(r))
	for i, p := range r {
		out[i] = pointFromOrb(p)
	}
	return out
}

func (p Polygon) orb() orb.Polygon {
	out := make(orb.Polygon, 0, 1+len(p.Holes))
	out = append(out, p.Exterior.orb())
	for _, h := range p.Holes {
		out = append(out, h.orb())
	}
	return out
}

// polygonFromOrb maps orb's ring list (exterior first) to a Polygon; an empty list
// gives a Polygon with no exterior, which Validate reports.
func polygonFromOrb(p orb.Polygon) Polygon {
	var out Polygon
	for i, r := range p {
		if i == 0 {
			out.Exterior = ringFromOrb(r)
			continue
		}
		out.Holes = append(out.Holes, ringFromOrb(r))
	}
	return out
}

func (mp MultiPolygon) orb() orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = p.orb()
	}
	return out
}

func multiPolygonFromOrb(mp orb.MultiPolygon) MultiPolygon {
	out := make(MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = polygonFromOrb(p)
	}
	return out
}
