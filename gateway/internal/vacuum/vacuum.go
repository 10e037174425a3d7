// Package vacuum computes the security vacuum of a zone: the ground inside it that no
// area held at a time covers, where the areas are the units' areas of responsibility
// and the areas of joint deployments in force. It overlays polygons with
// peterstace/simplefeatures on shape.Plane (metres), and knows nothing of gRPC or
// storage: the coverage handler gathers the areas and maps the results to the API.
package vacuum

import (
	"fmt"
	"slices"
	"time"

	"github.com/peterstace/simplefeatures/geom"
)

// MaxOverlayPoints bounds the points of the zone and of the areas that meet it in one
// overlay, and so one call's cost: BenchmarkVacuumOneZone50Areas (a seed zone and 50
// overlapping areas of 128 points, 6,416 points in all) measures a third of it.
const MaxOverlayPoints = 20_000

// Area is ground someone answers for over [Start, End), on shape.Plane.
type Area struct {
	Name       string        // e.g. "forces/peshmerga/units/makhmour-front/areas/qarachogh-line"
	Shape      geom.Geometry // a Polygon or MultiPolygon, in metres
	Start, End time.Time     // End zero: still held
}

// HeldAt reports whether the area was held at t: Start <= t < End.
func (a Area) HeldAt(t time.Time) bool {
	return !t.Before(a.Start) && (a.End.IsZero() || t.Before(a.End))
}

// TooComplexError is returned when the zone and its areas exceed MaxOverlayPoints.
type TooComplexError struct {
	Points int
}

func (e *TooComplexError) Error() string {
	return fmt.Sprintf("the zone and the areas meeting it have %d points, more than the %d one overlay takes", e.Points, MaxOverlayPoints)
}

// Result is a zone's vacuum at one time.
type Result struct {
	Vacuum   geom.Geometry // the zone minus the areas, in metres (an empty MultiPolygon when none is left)
	Covering []string      // the areas held then that meet the zone, by name
}

// Compute returns the part of zone (on the plane) that no area held at t covers.
func Compute(zone geom.Geometry, areas []Area, t time.Time) (Result, error) {
	env := zone.Envelope()
	points := zone.DumpCoordinates().Length()
	var held []geom.Geometry
	var names []string
	for _, a := range areas {
		if !a.HeldAt(t) || !a.Shape.Envelope().Intersects(env) || !geom.Intersects(a.Shape, zone) {
			continue
		}
		points += a.Shape.DumpCoordinates().Length()
		held = append(held, a.Shape)
		names = append(names, a.Name)
	}
	if points > MaxOverlayPoints {
		return Result{}, &TooComplexError{Points: points}
	}
	slices.Sort(names)
	if len(held) == 0 {
		return Result{Vacuum: asMulti(zone), Covering: names}, nil
	}
	union, err := cascadedUnion(held)
	if err != nil {
		return Result{}, err
	}
	diff, err := geom.Difference(zone, union)
	if err != nil {
		return Result{}, fmt.Errorf("zone minus areas: %w", err)
	}
	return Result{Vacuum: asMulti(diff), Covering: names}, nil
}

// asMulti returns the polygons of g as one MultiPolygon: an overlay may return a
// Polygon, a MultiPolygon or, when nothing is left, an empty collection.
func asMulti(g geom.Geometry) geom.Geometry {
	var ps []geom.Polygon
	for _, part := range g.Dump() {
		if p, ok := part.AsPolygon(); ok && !p.IsEmpty() {
			ps = append(ps, p)
		}
	}
	return geom.NewMultiPolygon(ps).AsGeometry()
}

// AreaKm2 is the area of a geometry on the plane, in square kilometres.
func AreaKm2(g geom.Geometry) float64 { return g.Area() / 1e6 }

// Covered reports whether an area held at t contains the point p (on the plane); a
// point on an area's edge is covered.
func Covered(p geom.XY, areas []Area, t time.Time) bool {
	pt := p.AsPoint().AsGeometry()
	for _, a := range areas {
		if a.HeldAt(t) && a.Shape.Envelope().Contains(p) && geom.Intersects(pt, a.Shape) {
			return true
		}
	}
	return false
}

// cascadedUnion unites the areas pairwise, in a balanced tree: each overlay then meets
// only the boundaries its two halves still have, which costs far less than one overlay
// of all of them or than subtracting them one by one from the zone when they overlap
// (BenchmarkVacuumOneZone50Areas measures it).
func cascadedUnion(gs []geom.Geometry) (geom.Geometry, error) {
	for len(gs) > 1 {
		next := make([]geom.Geometry, 0, (len(gs)+1)/2)
		for i := 0; i+1 < len(gs); i += 2 {
			u, err := geom.Union(gs[i], gs[i+1])
			if err != nil {
				return geom.Geometry{}, fmt.Errorf("union of areas: %w", err)
			}
			next = append(next, u)
		}
		if len(gs)%2 == 1 {
			next = append(next, gs[len(gs)-1])
		}
		gs = next
	}
	return gs[0], nil
}
