package geo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb/planar"
)

// Limits on the size of a geometry Validate accepts. The self-intersection test is
// quadratic in a ring's points, so these bound the work one request can cause.
// The checks between holes are quadratic in the number of rings too, so MaxRings bounds
// them: 4,094 tiny holes once cost seconds of CPU (issue 13, row 4).
const (
	MaxRingPoints = 2048  // points in one ring
	MaxPoints     = 16384 // points in the whole geometry
	MaxRings      = 256   // rings (exteriors and holes) in the whole geometry
)

// Violation is one thing wrong with a geometry. Field is a path inside the geometry
// named after the tansiq.type.v1 messages ("exterior.points[3].latitude",
// "polygons[1].holes[0].points"; empty for the geometry as a whole), so a handler can
// prefix it with the request field that held the geometry. Description says what is
// wrong, in words fit to show the caller. It has the shape of apperr.Violation.
type Violation struct {
	Field       string
	Description string
}

// Validate returns every problem with g, or none when g is a valid area:
//   - a Polygon has an exterior ring; a MultiPolygon has at least one polygon;
//   - every ring has at least 4 points, its last point repeats its first, and it
//     encloses an area;
//   - every coordinate is a finite number, latitude in [-90, 90] and longitude in
//     [-180, 180];
//   - no ring crosses or touches itself (repeated consecutive points are tolerated);
//   - every hole lies inside its exterior ring (it may touch it) and holes neither
//     cross nor nest in one another;
//   - rings and the whole stay within MaxRingPoints, MaxPoints and MaxRings.
//
// Either winding is accepted. Polygons of a MultiPolygon are not checked against one
// another: overlapping parts make no difference to which points a zone contains.
func Validate(g Geometry) []Violation {
	var v validator
	switch g := g.(type) {
	case nil:
		v.add("", "a polygon or multipolygon geometry is required")
	case Polygon:
		if v.withinLimits(g.Polygons()) {
			v.polygon("", g)
		}
	case MultiPolygon:
		if len(g) == 0 {
			v.add("polygons", "at least one polygon is required")
		}
		if v.withinLimits(g) {
			for i, p := range g {
				v.polygon(fmt.Sprintf("polygons[%d]", i), p)
			}
		}
	}
	return v.out
}

type validator struct {
	out []Violation
}

func (v *validator) add(field, format string, args ...any) {
	v.out = append(v.out, Violation{Field: field, Description: fmt.Sprintf(format, args...)})
}

func (v *validator) withinLimits(mp MultiPolygon) bool {
	n, rings := 0, 0
	for _, p := range mp {
		n += len(p.Exterior)
		rings += 1 + len(p.Holes)
		for _, h := range p.Holes {
			n += len(h)
		}
	}
	if rings > MaxRings {
		v.add("", "the geometry has %d rings, more than the %d allowed", rings, MaxRings)
		return false
	}
	if n > MaxPoints {
		v.add("", "the geometry has %d points, more than the %d allowed", n, MaxPoints)
		return false
	}
	return true
}

func (v *validator) polygon(path string, p Polygon) {
	extPath := join(path, "exterior")
	extOK := v.ring(extPath, p.Exterior)
	okHoles := make([]int, 0, len(p.Holes))
	for i, h := range p.Holes {
		if v.ring(join(path, fmt.Sprintf("holes[%d]", i)), h) {
			okHoles = append(okHoles, i)
		}
	}
	if extOK {
		for _, i := range okHoles {
			v.holeInside(join(path, fmt.Sprintf("holes[%d]", i)), extPath, p.Holes[i], p.Exterior)
		}
	}
	for a := 0; a < len(okHoles); a++ {
		for b := a + 1; b < len(okHoles); b++ {
			i, j := okHoles[a], okHoles[b]
			v.holesApart(join(path, fmt.Sprintf("holes[%d]", j)), i, p.Holes[j], p.Holes[i])
		}
	}
}

// ring reports the ring's own problems and says whether it is sound enough for the
// checks between rings.
func (v *validator) ring(path string, r Ring) bool {
	pointsPath := path + ".points"
	if len(r) > MaxRingPoints {
		v.add(pointsPath, "the ring has %d points, more than the %d allowed", len(r), MaxRingPoints)
		return false
	}
	ok := true
	for i, p := range r {
		if msg := coordinateProblem(p.Lat, 90); msg != "" {
			v.add(fmt.Sprintf("%s[%d].latitude", pointsPath, i), "latitude %s", msg)
			ok = false
		}
		if msg := coordinateProblem(p.Lng, 180); msg != "" {
			v.add(fmt.Sprintf("%s[%d].longitude", pointsPath, i), "longitude %s", msg)
			ok = false
		}
	}
	if len(r) < 4 {
		v.add(pointsPath, "a ring needs at least 4 points, the last repeating the first; got %d", len(r))
		return false
	}
	if r[0] != r[len(r)-1] {
		v.add(pointsPath, "the ring is not closed: its last point (points[%d]) must repeat its first", len(r)-1)
		return false
	}
	if !ok {
		return false
	}
	pts, idx := dedupe(r)
	if len(pts) < 4 {
		v.add(pointsPath, "the ring encloses no area: it has fewer than 3 distinct corners")
		return false
	}
	if a, b, found := selfIntersection(pts); found {
		v.add(fmt.Sprintf("%s[%d]", pointsPath, idx[b]),
			"the ring crosses or touches itself: its edge from points[%d] meets its edge from points[%d]", idx[a], idx[b])
		return false
	}
	if r.orb().Orientation() == 0 {
		v.add(pointsPath, "the ring encloses no area")
		return false
	}
	return true
}

func coordinateProblem(x, limit float64) string {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return "is not a finite number"
	case x < -limit || x > limit:
		return fmt.Sprintf("%v is outside [%v, %v]", x, -limit, limit)
	}
	return ""
}

// holeInside checks that the hole lies within the exterior: no vertex outside it, no
// edge crossing it, and no edge leaving it between points where it touches it.
// Touching the exterior at a point is allowed, as in the OGC simple features.
func (v *validator) holeInside(holePath, extPath string, hole, ext Ring) {
	oext := ext.orb()
	outside := func(p Point) bool { return !planar.RingContains(oext, p.orb()) }
	for k, p := range hole {
		if outside(p) {
			v.add(fmt.Sprintf("%s.points[%d]", holePath, k), "the hole's point lies outside the exterior ring")
			return
		}
	}
	if k, j, found := crossing(hole, ext); found {
		v.add(fmt.Sprintf("%s.points[%d]", holePath, k),
			"the hole's edge from points[%d] crosses the edge of %s from points[%d]", k, extPath, j)
		return
	}
	if k, found := edgeWhere(hole, ext, outside); found {
		v.add(fmt.Sprintf("%s.points[%d]", holePath, k),
			"the hole's edge from points[%d] runs outside the exterior ring", k)
	}
}

// holesApart checks that hole (holes[j]) neither crosses nor overlaps other (holes[i]).
func (v *validator) holesApart(holePath string, i int, hole, other Ring) {
	if k, m, found := crossing(hole, other); found {
		v.add(fmt.Sprintf("%s.points[%d]", holePath, k),
			"the hole's edge from points[%d] crosses the edge of holes[%d] from points[%d]", k, i, m)
		return
	}
	_, inOther := edgeWhere(hole, other, strictlyInside(other))
	_, otherIn := edgeWhere(other, hole, strictlyInside(hole))
	if inOther || otherIn {
		v.add(holePath+".points", "the hole overlaps holes[%d]", i)
	}
}

// strictlyInside returns a test for points inside r and off its boundary.
func strictlyInside(r Ring) func(Point) bool {
	or := r.orb()
	return func(p Point) bool { return planar.RingContains(or, p.orb()) && !onBoundary(r, p) }
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
