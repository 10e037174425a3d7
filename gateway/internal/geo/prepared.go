package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// prepared is a polygon made ready for many containment tests. orb's
// planar.RingContains recomputes a ring's bounding box on every call, at some 25 ns a
// point, and then tests every edge; here the boxes are computed once, and each ring's
// edges are sorted into bands of longitude so that a test looks only at the few edges
// that span the point's longitude (the only ones orb's ray test can count; see
// bandedRing). The answers are orb's, exactly.
type prepared struct {
	min, max   [2]float64 // the exterior's bounding box, [lng, lat]
	exterior   bandedRing
	holes      []bandedRing
	holeBounds []orb.Bound
}

func prepare(p orb.Polygon) prepared {
	b := p[0].Bound()
	pp := prepared{min: b.Min, max: b.Max, exterior: newBandedRing(p[0], b)}
	for _, h := range p[1:] {
		hb := h.Bound()
		pp.holes = append(pp.holes, newBandedRing(h, hb))
		pp.holeBounds = append(pp.holeBounds, hb)
	}
	return pp
}

// contains reports what planar.PolygonContains reports (the boundary of the exterior
// is in, that of a hole out), for a point the caller knows to be in the exterior's
// bounding box.
func (p *prepared) contains(pt orb.Point) bool {
	if !p.exterior.contains(pt) {
		return false
	}
	for i := range p.holes {
		if p.holeBounds[i].Contains(pt) && p.holes[i].contains(pt) {
			return false
		}
	}
	return true
}

// bandedRing is a ring with its edges filed by the bands of longitude they span.
// orb's ray test (rayIntersect) counts an edge only when the point's longitude lies
// within the edge's, ends included, so an edge outside the point's band changes
// neither the crossing parity nor the on-boundary answer, and can be skipped. Band
// numbers grow with longitude (floor of a monotonic expression), so an edge spanning
// the point's longitude is always filed in the point's band.
type bandedRing struct {
	ring  orb.Ring
	minX  float64
	scale float64 // bands per degree of longitude
	bands int
	// One slice, to spare a cache miss per test: the first bands+1 entries are
	// offsets, and the edges of band b are table[table[b]:table[b+1]]. Edge
	// k < len(ring)-1 runs from ring[k] to ring[k+1]; edge len(ring)-1 is orb's
	// closing edge, ring[0] to ring[len(ring)-1].
	table []int32
}

func newBandedRing(r orb.Ring, b orb.Bound) bandedRing {
	n := min(max(len(r)/3, 1), 64)
	br := bandedRing{ring: r, minX: b.Min[0], bands: n}
	if w := b.Max[0] - b.Min[0]; w > 0 {
		br.scale = float64(n) / w
	}
	bandsOf := func(k int) (lo, hi int) {
		s, e := r[0], r[len(r)-1]
		if k < len(r)-1 {
			s, e = r[k], r[k+1]
		}
		return br.band(min(s[0], e[0])), br.band(max(s[0], e[0]))
	}
	// Count the edges of each band, turn the counts into offsets, then file the edges.
	count := make([]int32, n+1)
	for k := range r {
		lo, hi := bandsOf(k)
		for b := lo; b <= hi; b++ {
			count[b+1]++
		}
	}
	for b := 1; b <= n; b++ {
		count[b] += count[b-1]
	}
	br.table = make([]int32, n+1+int(count[n]))
	for b, c := range count {
		br.table[b] = int32(n+1) + c
	}
	next := count[:n]
	for k := range r {
		lo, hi := bandsOf(k)
		for b := lo; b <= hi; b++ {
			br.table[int32(n+1)+next[b]] = int32(k)
			next[b]++
		}
	}
	return br
}

func (br *bandedRing) band(x float64) int {
	b := int((x - br.minX) * br.scale)
	return min(max(b, 0), br.bands-1)
}

// contains is planar.RingContains for a point inside the ring's bounding box.
func (br *bandedRing) contains(pt orb.Point) bool {
	r := br.ring
	b := br.band(pt[0])
	c := false
	for _, k := range br.table[br.table[b]:br.table[b+1]] {
		s, e := r[0], r[len(r)-1]
		if int(k) < len(r)-1 {
			s, e = r[k], r[k+1]
		}
		inter, on := rayIntersect(pt, s, e)
		if on {
			return true
		}
		if inter {
			c = !c
		}
	}
	return c
}

// rayIntersect below is orb's unexported ray test, unchanged, so that the index answers
// exactly as orb does. It comes from github.com/paulmach/orb/planar/contains.go,
// v0.14.0, under this licence:
//
// The MIT License (MIT)
//
// Copyright (c) 2017 Paul Mach
//
// Permission is hereby granted, free of charge, to any person obtaining a copy of
// this software and associated documentation files (the "Software"), to deal in
// the Software without restriction, including without limitation the rights to
// use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of
// the Software, and to permit persons to whom the Software is furnished to do so,
// subject to the following conditions:
//
// The above copyright notice and this permission notice shall be included in all
// copies or substantial portions of the Software.
//
// THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
// IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS
// FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
// COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
// IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
// CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

// Original implementation: http://rosettacode.org/wiki/Ray-casting_algorithm#Go
func rayIntersect(p, s, e orb.Point) (intersects, on bool) {
	if s[0] > e[0] {
		s, e = e, s
	}

	switch p[0] {
	case s[0]:
		if p[1] == s[1] {
			// p == start
			return false, true
		} else if s[0] == e[0] {
			// vertical segment (s -> e)
			// return true if within the line, check to see if start or end is greater.
			if s[1] > e[1] && s[1] >= p[1] && p[1] >= e[1] {
				return false, true
			}

			if e[1] > s[1] && e[1] >= p[1] && p[1] >= s[1] {
				return false, true
			}
		}

		// Move the y coordinate to deal with degenerate case
		p[0] = math.Nextafter(p[0], math.Inf(1))
	case e[0]:
		if p[1] == e[1] {
			// matching the end point
			return false, true
		}

		p[0] = math.Nextafter(p[0], math.Inf(1))
	}

	if p[0] < s[0] || p[0] > e[0] {
		return false, false
	}

	if s[1] > e[1] {
		if p[1] > s[1] {
			return false, false
		} else if p[1] < e[1] {
			return true, false
		}
	} else {
		if p[1] > e[1] {
			return false, false
		} else if p[1] < s[1] {
			return true, false
		}
	}

	rs := (p[1] - s[1]) / (p[0] - s[0])
	ds := (e[1] - s[1]) / (e[0] - s[0])

	if rs == ds {
		return false, true
	}

	return rs <= ds, false
}
