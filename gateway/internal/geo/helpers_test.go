package geo

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/paulmach/orb"
)

// The region the benchmarks and random tests spread zones over: northern Iraq, where
// the disputed territories lie.
const (
	regionMinLat, regionMaxLat = 33.0, 37.5
	regionMinLng, regionMaxLng = 41.0, 46.5
)

// randomZone returns an irregular polygon of 20-60 vertices around a random centre in
// the region, with a radius of 0.5 to 1.5 times radius degrees; one in ten has a hole.
// The vertices go round the centre at increasing angles, so the ring is star-shaped
// and never crosses itself.
func randomZone(rng *rand.Rand, radius float64) Polygon {
	c := randomPoint(rng)
	r := radius * (0.5 + rng.Float64())
	p := Polygon{Exterior: starRing(rng, c, r*0.6, r, 20+rng.IntN(41))}
	if rng.IntN(10) == 0 {
		p.Holes = []Ring{starRing(rng, c, r*0.1, r*0.3, 8+rng.IntN(8))}
	}
	return p
}

// coveringRadius returns the radius for randomZone at which n zones cover the region
// about 1.5 times over, so that a point lies in one or two zones, as the zones of a
// real map would: district scale (some 90 km across) for 100 zones, village scale
// (some 9 km) for 10,000.
func coveringRadius(n int) float64 {
	// A zone's area is about 2r^2 (radii between 0.6r and r), and E[(0.5+U)^2] = 13/12.
	area := (regionMaxLat - regionMinLat) * (regionMaxLng - regionMinLng)
	return math.Sqrt(1.5 * area / (2 * 13.0 / 12 * float64(n)))
}

func starRing(rng *rand.Rand, c Point, rmin, rmax float64, n int) Ring {
	ring := make(Ring, 0, n+1)
	for i := range n {
		// Jittered, evenly spread angles: each gap is under 2*2pi/n, less than pi, so
		// the ring stays simple.
		a := (float64(i) + 0.8*rng.Float64()) / float64(n) * 2 * math.Pi
		d := rmin + rng.Float64()*(rmax-rmin)
		ring = append(ring, Point{Lat: c.Lat + d*math.Sin(a), Lng: c.Lng + d*math.Cos(a)})
	}
	return append(ring, ring[0])
}

func randomPoint(rng *rand.Rand) Point {
	return Point{
		Lat: regionMinLat + rng.Float64()*(regionMaxLat-regionMinLat),
		Lng: regionMinLng + rng.Float64()*(regionMaxLng-regionMinLng),
	}
}

// scan is the brute-force baseline the Index is measured against: every zone tested
// in turn with orb's planar containment, its geometry converted once beforehand.
type scan struct {
	ids    []string
	zones  []orb.MultiPolygon
	bounds [][]orb.Bound
}

func (s *scan) add(id string, g Geometry) {
	mp := g.Polygons().orb()
	bounds := make([]orb.Bound, len(mp))
	for i, p := range mp {
		bounds[i] = p.Bound()
	}
	s.ids = append(s.ids, id)
	s.zones = append(s.zones, mp)
	s.bounds = append(s.bounds, bounds)
}

// containing tests every zone exactly.
func (s *scan) containing(pt Point) []string {
	var out []string
	op := pt.orb()
	for i, z := range s.zones {
		if polygonsContain(z, op) {
			out = append(out, s.ids[i])
		}
	}
	sort.Strings(out)
	return out
}

// containingBoxed gives the same answers as containing (orb checks the box first too)
// faster, skipping polygons whose precomputed box does not hold the point: the oracle
// for the random tests.
func (s *scan) containingBoxed(pt Point) []string {
	var out []string
	op := pt.orb()
	for i, z := range s.zones {
		for j, p := range z {
			if s.bounds[i][j].Contains(op) && polygonContains(p, op) {
				out = append(out, s.ids[i])
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// bboxScan is a linear scan that skips a polygon whose precomputed bounding box does
// not hold the point and tests the others as the Index does: it shows what the R-tree
// itself adds.
type bboxScan struct {
	ids   []string
	polys [][]prepared
}

func (s *bboxScan) add(id string, g Geometry) {
	var pp []prepared
	for _, p := range g.Polygons().orb() {
		pp = append(pp, prepare(p))
	}
	s.ids = append(s.ids, id)
	s.polys = append(s.polys, pp)
}

func (s *bboxScan) containing(pt Point) []string {
	var out []string
	op := pt.orb()
	for i, pp := range s.polys {
		for j := range pp {
			if p := &pp[j]; p.min[0] <= op[0] && op[0] <= p.max[0] && p.min[1] <= op[1] && op[1] <= p.max[1] && p.contains(op) {
				out = append(out, s.ids[i])
				break
			}
		}
	}
	sort.Strings(out)
	return out
}
