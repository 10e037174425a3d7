package geo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// BenchmarkContaining measures point-in-zone lookup over 100, 1,000 and 10,000 random
// zones of the region, sized to cover it about 1.5 times over (see coveringRadius),
// for random points of the region, three ways:
//   - index: Index.Containing (R-tree by bounding box, then the exact test);
//   - brute: every zone tested exactly with orb's planar containment, which
//     recomputes each ring's bounding box on every call;
//   - bbox-scan: every zone's precomputed bounding box checked first, then the exact
//     test as the index does it: what the R-tree adds over a good linear scan.
//
// Besides ns/op it reports p50-ns and p99-ns, the median and 99th percentile of single
// lookups, timed one by one.
func BenchmarkContaining(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		benchmarkContaining(b, n, coveringRadius(n), true)
	}
}

// BenchmarkContainingDense is the worst case: 10,000 zones as large as the 1,000 of
// BenchmarkContaining, so that a point lies in some 15 zones. Brute force is left out:
// it is no different from BenchmarkContaining/brute/n=10000.
func BenchmarkContainingDense(b *testing.B) {
	benchmarkContaining(b, 10000, coveringRadius(1000), false)
}

func benchmarkContaining(b *testing.B, n int, radius float64, withBrute bool) {
	{
		rng := rand.New(rand.NewPCG(7, uint64(n)))
		x := NewIndex()
		var brute scan
		var boxed bboxScan
		for i := range n {
			id := fmt.Sprintf("zones/z%05d", i)
			g := randomZone(rng, radius)
			if err := x.Insert(id, g); err != nil {
				b.Fatal(err)
			}
			brute.add(id, g)
			boxed.add(id, g)
		}
		points := make([]Point, 4096)
		for i := range points {
			points[i] = randomPoint(rng)
		}
		run := func(name string, lookup func(Point) []string) {
			b.Run(fmt.Sprintf("%s/n=%d", name, n), func(b *testing.B) {
				lat := make([]time.Duration, 0, b.N)
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					pt := points[i%len(points)]
					i++
					t0 := time.Now()
					lookup(pt)
					lat = append(lat, time.Since(t0))
				}
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
				b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
			})
		}
		run("index", x.Containing)
		if withBrute {
			run("brute", brute.containing)
		}
		run("bbox-scan", boxed.containing)
	}
}
