package geo

import (
	"math"
	"slices"
)

// Segment tests for validation. orb has point-in-ring tests but no segment
// intersection, so the few lines of orientation arithmetic live here. Coordinates are
// planar degrees; x is longitude and y latitude.

// orientation is positive when a, b, c turn left, negative when they turn right and
// zero when they are collinear.
func orientation(a, b, c Point) float64 {
	return (b.Lng-a.Lng)*(c.Lat-a.Lat) - (b.Lat-a.Lat)*(c.Lng-a.Lng)
}

// onSegment reports whether p, known to be collinear with a and b, lies between them.
func onSegment(a, b, p Point) bool {
	return min(a.Lng, b.Lng) <= p.Lng && p.Lng <= max(a.Lng, b.Lng) &&
		min(a.Lat, b.Lat) <= p.Lat && p.Lat <= max(a.Lat, b.Lat)
}

func opposite(x, y float64) bool { return (x > 0 && y < 0) || (x < 0 && y > 0) }

// segmentsMeet reports whether segments p1p2 and p3p4 share any point.
func segmentsMeet(p1, p2, p3, p4 Point) bool {
	d1 := orientation(p3, p4, p1)
	d2 := orientation(p3, p4, p2)
	d3 := orientation(p1, p2, p3)
	d4 := orientation(p1, p2, p4)
	if opposite(d1, d2) && opposite(d3, d4) {
		return true
	}
	return (d1 == 0 && onSegment(p3, p4, p1)) || (d2 == 0 && onSegment(p3, p4, p2)) ||
		(d3 == 0 && onSegment(p1, p2, p3)) || (d4 == 0 && onSegment(p1, p2, p4))
}

// segmentsCross reports whether p1p2 and p3p4 cross at a point inside both.
func segmentsCross(p1, p2, p3, p4 Point) bool {
	return opposite(orientation(p3, p4, p1), orientation(p3, p4, p2)) &&
		opposite(orientation(p1, p2, p3), orientation(p1, p2, p4))
}

// foldsBack reports whether the path a -> b -> c turns straight back on itself.
func foldsBack(a, b, c Point) bool {
	if orientation(a, b, c) != 0 {
		return false
	}
	return (b.Lng-a.Lng)*(c.Lng-b.Lng)+(b.Lat-a.Lat)*(c.Lat-b.Lat) < 0
}

// dedupe drops repeated consecutive points of a closed ring and returns, for each
// point kept, its index in r. The result is still closed.
func dedupe(r Ring) (pts Ring, idx []int) {
	pts = make(Ring, 0, len(r))
	idx = make([]int, 0, len(r))
	for i, p := range r {
		if i > 0 && p == r[i-1] {
			continue
		}
		pts = append(pts, p)
		idx = append(idx, i)
	}
	return pts, idx
}

// selfIntersection finds two edges of a closed ring without repeated consecutive
// points that meet anywhere other than the corner adjacent edges share, and returns
// the indices of their first points. It is O(n^2), fine under MaxRingPoints.
func selfIntersection(pts Ring) (a, b int, found bool) {
	m := len(pts) - 1 // edges: pts[k] -> pts[k+1]
	for i := 0; i < m; i++ {
		for j := i + 1; j < m; j++ {
			switch {
			case j == i+1:
				if foldsBack(pts[i], pts[i+1], pts[j+1]) {
					return i, j, true
				}
			case i == 0 && j == m-1:
				// The closing edge and the first share pts[0].
				if foldsBack(pts[j], pts[0], pts[1]) {
					return i, j, true
				}
			default:
				if segmentsMeet(pts[i], pts[i+1], pts[j], pts[j+1]) {
					return i, j, true
				}
			}
		}
	}
	return 0, 0, false
}

// crossing finds an edge of a that crosses an edge of b and returns the indices of
// their first points.
func crossing(a, b Ring) (i, j int, found bool) {
	for i = 0; i+1 < len(a); i++ {
		for j = 0; j+1 < len(b); j++ {
			if segmentsCross(a[i], a[i+1], b[j], b[j+1]) {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

// edgeWhere finds an edge of a with a point where bad holds, given that no edge of a
// crosses an edge of b. Such an edge can pass from inside b to outside only where it
// touches b: at its own ends or at a vertex of b lying on it. So the edge is cut at
// those points and bad is asked of the middle of each piece. It returns the index of
// the edge's first point.
func edgeWhere(a, b Ring, bad func(Point) bool) (int, bool) {
	var cuts []float64
	for k := 0; k+1 < len(a); k++ {
		p, q := a[k], a[k+1]
		cuts = append(cuts[:0], 0, 1)
		for _, w := range b {
			if orientation(p, q, w) == 0 && onSegment(p, q, w) {
				cuts = append(cuts, along(p, q, w))
			}
		}
		slices.Sort(cuts)
		for c := 0; c+1 < len(cuts); c++ {
			if cuts[c] == cuts[c+1] {
				continue
			}
			t := (cuts[c] + cuts[c+1]) / 2
			mid := Point{Lat: p.Lat + t*(q.Lat-p.Lat), Lng: p.Lng + t*(q.Lng-p.Lng)}
			if bad(mid) {
				return k, true
			}
		}
	}
	return 0, false
}

// along returns where w, a point on segment pq, lies on it: 0 at p, 1 at q.
func along(p, q, w Point) float64 {
	if dx := q.Lng - p.Lng; math.Abs(dx) >= math.Abs(q.Lat-p.Lat) && dx != 0 {
		return (w.Lng - p.Lng) / dx
	}
	if dy := q.Lat - p.Lat; dy != 0 {
		return (w.Lat - p.Lat) / dy
	}
	return 0
}

// onBoundary reports whether p lies on an edge of r.
func onBoundary(r Ring, p Point) bool {
	for k := 0; k+1 < len(r); k++ {
		if orientation(r[k], r[k+1], p) == 0 && onSegment(r[k], r[k+1], p) {
			return true
		}
	}
	return false
}
