package geo

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Contains reports whether the area g covers pt: pt is inside or on the exterior ring of
// one of g's polygons and not inside or on the boundary of that polygon's holes. It is the
// tests' plain reference, against which Index (what production uses) is checked.
func Contains(g Geometry, pt Point) bool {
	if g == nil {
		return false
	}
	return polygonsContain(g.Polygons().orb(), pt.orb())
}

// polygonsContain is planar.MultiPolygonContains made safe for empty rings, which orb
// indexes without checking: an empty exterior covers nothing, an empty hole cuts
// nothing.
func polygonsContain(mp orb.MultiPolygon, pt orb.Point) bool {
	for _, p := range mp {
		if polygonContains(p, pt) {
			return true
		}
	}
	return false
}

func polygonContains(p orb.Polygon, pt orb.Point) bool {
	if len(p) == 0 || len(p[0]) == 0 || !planar.RingContains(p[0], pt) {
		return false
	}
	for _, h := range p[1:] {
		if len(h) > 0 && planar.RingContains(h, pt) {
			return false
		}
	}
	return true
}
