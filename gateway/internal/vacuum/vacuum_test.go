package vacuum

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/peterstace/simplefeatures/geom"

	"github.com/tansiq/tansiq/platform/shape"
)

var (
	dec1  = time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC)
	dec2  = time.Date(2021, 12, 2, 19, 0, 0, 0, time.UTC)
	dec10 = time.Date(2021, 12, 10, 0, 0, 0, 0, time.UTC)
	jan1  = time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
)

// rect is a lat/lng rectangle on the plane, its edges densified to follow the
// parallels and meridians; holes are cut from it.
func rect(lat1, lat2, lng1, lng2 float64, holes ...[4]float64) geom.Geometry {
	rings := []geom.LineString{ringOf(lat1, lat2, lng1, lng2)}
	for _, h := range holes {
		rings = append(rings, ringOf(h[0], h[1], h[2], h[3]))
	}
	return shape.Project(geom.NewPolygon(rings).AsGeometry())
}

func ringOf(lat1, lat2, lng1, lng2 float64) geom.LineString {
	const steps = 20
	var flat []float64
	edge := func(la1, ln1, la2, ln2 float64) {
		for i := range steps {
			t := float64(i) / steps
			flat = append(flat, ln1+t*(ln2-ln1), la1+t*(la2-la1))
		}
	}
	edge(lat1, lng1, lat1, lng2)
	edge(lat1, lng2, lat2, lng2)
	edge(lat2, lng2, lat2, lng1)
	edge(lat2, lng1, lat1, lng1)
	flat = append(flat, lng1, lat1)
	return geom.NewLineString(geom.NewSequence(flat, geom.DimXY))
}

func km2(g geom.Geometry) float64 { return AreaKm2(g) }

func at(lat, lng float64) geom.XY { return shape.ProjectPoint(lat, lng) }

func inside(g geom.Geometry, lat, lng float64) bool {
	return geom.Intersects(at(lat, lng).AsPoint().AsGeometry(), g)
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.3f, want %.3f (within %.3f)", what, got, want, tol)
	}
}

// A zone straddling the UTM 37/38 boundary at 42 E (Sinjar's east): the Iraqi army's
// area west of it, the Peshmerga's east, and a strip between them left open.
func TestVacuumAcrossTheUTMBoundary(t *testing.T) {
	zone := rect(36.0, 36.4, 41.6, 42.4)
	areas := []Area{
		{Name: "forces/iraqi-army/units/a/areas/west", Shape: rect(35.9, 36.5, 41.5, 41.95), Start: dec1},
		{Name: "forces/peshmerga/units/b/areas/east", Shape: rect(35.9, 36.5, 42.05, 42.5), Start: dec1},
	}
	r, err := Compute(zone, areas, dec10)
	if err != nil {
		t.Fatal(err)
	}
	strip := rect(36.0, 36.4, 41.95, 42.05)
	near(t, "vacuum km2", km2(r.Vacuum), km2(strip), 0.001*km2(strip))
	if !inside(r.Vacuum, 36.2, 42.0) || inside(r.Vacuum, 36.2, 41.8) || inside(r.Vacuum, 36.2, 42.2) {
		t.Error("the vacuum is not the strip on 42 E")
	}
	if len(r.Covering) != 2 {
		t.Errorf("covering = %v", r.Covering)
	}
	// Before the areas were drawn the whole zone is the vacuum.
	before, err := Compute(zone, areas, dec1.Add(-time.Second))
	if err != nil {
		t.Fatal(err)
	}
	near(t, "vacuum before the areas", km2(before.Vacuum), km2(zone), 1e-6)
	if len(before.Covering) != 0 {
		t.Errorf("covering before = %v", before.Covering)
	}
}

// An area with a hole leaves the hole in the vacuum, besides the zone outside it.
func TestVacuumKeepsAnAreasHole(t *testing.T) {
	zone := rect(35.5, 36.0, 43.3, 43.9)
	ring := rect(35.4, 36.1, 43.2, 43.7, [4]float64{35.7, 35.8, 43.4, 43.5})
	r, err := Compute(zone, []Area{{Name: "a", Shape: ring, Start: dec1}}, dec10)
	if err != nil {
		t.Fatal(err)
	}
	want := km2(rect(35.5, 36.0, 43.7, 43.9)) + km2(rect(35.7, 35.8, 43.4, 43.5))
	near(t, "vacuum km2", km2(r.Vacuum), want, 0.001*want)
	if !inside(r.Vacuum, 35.75, 43.45) {
		t.Error("the hole is not in the vacuum")
	}
	if inside(r.Vacuum, 35.6, 43.35) {
		t.Error("the area's ground is in the vacuum")
	}
	if m, _ := r.Vacuum.AsMultiPolygon(); m.NumPolygons() != 2 {
		t.Errorf("vacuum has %d polygons, want the hole and the east strip", m.NumPolygons())
	}
}

func TestVacuumOfAreasCoveringNothingOrEverything(t *testing.T) {
	zone := rect(35.5, 36.0, 43.3, 43.9)
	elsewhere := Area{Name: "far", Shape: rect(34.0, 34.5, 45.0, 45.5), Start: dec1}
	r, err := Compute(zone, []Area{elsewhere}, dec10)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "vacuum with a far area", km2(r.Vacuum), km2(zone), 1e-6)
	if len(r.Covering) != 0 {
		t.Errorf("a far area is listed as covering: %v", r.Covering)
	}
	everything := Area{Name: "all", Shape: rect(35.0, 36.5, 43.0, 44.0), Start: dec1, End: jan1}
	r, err = Compute(zone, []Area{elsewhere, everything}, dec10)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Vacuum.IsEmpty() || km2(r.Vacuum) != 0 {
		t.Errorf("vacuum under a covering area = %.3f km2, %v", km2(r.Vacuum), r.Vacuum.Type())
	}
	if !r.Vacuum.IsMultiPolygon() {
		t.Errorf("an empty vacuum is a %v, want an empty MultiPolygon", r.Vacuum.Type())
	}
	// At its end the covering area no longer holds.
	r, err = Compute(zone, []Area{everything}, jan1)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "vacuum after the area ended", km2(r.Vacuum), km2(zone), 1e-6)
}

// Overlapping areas are counted once: the vacuum shrinks by their union.
func TestVacuumOfOverlappingAreas(t *testing.T) {
	zone := rect(35.5, 36.0, 43.3, 43.9)
	a := Area{Name: "a", Shape: rect(35.5, 36.0, 43.3, 43.6), Start: dec1}
	b := Area{Name: "b", Shape: rect(35.5, 36.0, 43.5, 43.7), Start: dec1}
	r, err := Compute(zone, []Area{a, b}, dec10)
	if err != nil {
		t.Fatal(err)
	}
	want := km2(rect(35.5, 36.0, 43.7, 43.9))
	near(t, "vacuum km2", km2(r.Vacuum), want, 0.001*want)
}

func TestCovered(t *testing.T) {
	held := Area{Name: "a", Shape: rect(35.5, 36.0, 43.3, 43.6, [4]float64{35.7, 35.8, 43.4, 43.5}), Start: dec1, End: dec10}
	tests := []struct {
		name     string
		lat, lng float64
		t        time.Time
		want     bool
	}{
		{"inside, while held", 35.6, 43.35, dec2, true},
		{"inside, before", 35.6, 43.35, dec1.Add(-time.Hour), false},
		{"inside, at the end", 35.6, 43.35, dec10, false},
		{"in the hole", 35.75, 43.45, dec2, false},
		{"outside", 35.6, 43.8, dec2, false},
	}
	for _, tt := range tests {
		if got := Covered(at(tt.lat, tt.lng), []Area{held}, tt.t); got != tt.want {
			t.Errorf("%s: Covered = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestComputeRefusesTooManyPoints(t *testing.T) {
	zone := rect(35.5, 36.0, 43.3, 43.9)
	var areas []Area
	for range MaxOverlayPoints / 80 {
		areas = append(areas, Area{Name: "a", Shape: rect(35.6, 35.9, 43.4, 43.8), Start: dec1})
	}
	_, err := Compute(zone, areas, dec10)
	var tc *TooComplexError
	if !errors.As(err, &tc) || tc.Points <= MaxOverlayPoints {
		t.Fatalf("Compute = %v, want TooComplexError", err)
	}
}
