package vacuum

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/peterstace/simplefeatures/geom"

	"github.com/tansiq/tansiq/gateway/internal/gwseed"
	"github.com/tansiq/tansiq/platform/shape"
)

// seedZone returns a seed zone's area on the plane.
func seedZone(z gwseed.Zone) geom.Geometry {
	var flat []float64
	for _, p := range z.Area.Exterior {
		flat = append(flat, p.Lng, p.Lat)
	}
	ring := geom.NewLineString(geom.NewSequence(flat, geom.DimXY))
	return shape.Project(geom.NewPolygon([]geom.LineString{ring}).AsGeometry())
}

// blob is a polygon of n points around (lat, lng), its radius r metres varying
// smoothly by up to a third around it: an area as an officer draws it, overlapping its
// neighbours.
func blob(rng *rand.Rand, lat, lng, r float64, n int) geom.Geometry {
	c := shape.ProjectPoint(lat, lng)
	flat := make([]float64, 0, 2*(n+1))
	p1, p2 := 2*math.Pi*rng.Float64(), 2*math.Pi*rng.Float64()
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		d := r * (1 + 0.2*math.Sin(3*a+p1) + 0.13*math.Sin(5*a+p2))
		flat = append(flat, c.X+d*math.Cos(a), c.Y+d*math.Sin(a))
	}
	flat = append(flat, flat[0], flat[1])
	return geom.NewPolygon([]geom.LineString{geom.NewLineString(geom.NewSequence(flat, geom.DimXY))}).AsGeometry()
}

// BenchmarkVacuumOneZone50Areas computes Makhmour's vacuum under 50 overlapping areas
// of 128 points each (6 km across, give or take a third), scattered over the zone.
func BenchmarkVacuumOneZone50Areas(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	zone := seedZone(gwseed.Zones()[0])
	areas := make([]Area, 50)
	for i := range areas {
		areas[i] = Area{Name: "a", Shape: blob(rng, 35.45+0.6*rng.Float64(), 43.25+0.6*rng.Float64(), 6000, 128), Start: dec1}
	}
	b.ReportAllocs()
	var r Result
	for b.Loop() {
		var err error
		if r, err = Compute(zone, areas, dec10); err != nil {
			b.Fatal(err)
		}
	}
	if len(r.Covering) == 0 || AreaKm2(r.Vacuum) >= AreaKm2(zone) {
		b.Fatal("the areas cover nothing: the benchmark measures nothing")
	}
}

// BenchmarkVacuumSeedZones computes the vacuum of every seed zone, each split by the
// two forces' areas (a west and an east part of 128 points) with a strip between them,
// as the seed draws Makhmour.
func BenchmarkVacuumSeedZones(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	type zoneAreas struct {
		zone  geom.Geometry
		areas []Area
	}
	var all []zoneAreas
	for _, z := range gwseed.Zones() {
		g := seedZone(z)
		env := g.Envelope()
		lo, hi, _ := env.MinMaxXYs()
		w := hi.X - lo.X
		mid := geom.XY{X: (lo.X + hi.X) / 2, Y: (lo.Y + hi.Y) / 2}
		west := blobAt(rng, geom.XY{X: mid.X - 0.3*w, Y: mid.Y}, 0.3*w, 128)
		east := blobAt(rng, geom.XY{X: mid.X + 0.3*w, Y: mid.Y}, 0.3*w, 128)
		all = append(all, zoneAreas{g, []Area{{Name: "w", Shape: west, Start: dec1}, {Name: "e", Shape: east, Start: dec1}}})
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, za := range all {
			if _, err := Compute(za.zone, za.areas, dec10); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func blobAt(rng *rand.Rand, c geom.XY, r float64, n int) geom.Geometry {
	flat := make([]float64, 0, 2*(n+1))
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		d := r * (0.8 + 0.2*rng.Float64())
		flat = append(flat, c.X+d*math.Cos(a), c.Y+d*math.Sin(a))
	}
	flat = append(flat, flat[0], flat[1])
	return geom.NewPolygon([]geom.LineString{geom.NewLineString(geom.NewSequence(flat, geom.DimXY))}).AsGeometry()
}
