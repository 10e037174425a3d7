package shape

import (
	"math"
	"strings"
	"testing"

	"github.com/peterstace/simplefeatures/geom"

	"github.com/tansiq/tansiq/platform/apperr"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// ellipsoidCellKm2 is the exact area on the WGS84 ellipsoid between two parallels and
// two meridians, from the authalic latitude.
func ellipsoidCellKm2(lat1, lat2, lng1, lng2 float64) float64 {
	const a, f = 6378137.0, 1 / 298.257223563
	e := math.Sqrt(f * (2 - f))
	b := a * (1 - f)
	q := func(lat float64) float64 {
		s := math.Sin(lat * math.Pi / 180)
		return s/(1-e*e*s*s) + math.Log((1+e*s)/(1-e*s))/(2*e)
	}
	return b * b * (lng2 - lng1) * math.Pi / 180 / 2 * (q(lat2) - q(lat1)) / 1e6
}

// cell is a lat/lng rectangle with its edges densified, so its sides follow the
// parallels and meridians on the plane.
func cell(lat1, lat2, lng1, lng2 float64) geom.Geometry {
	const steps = 100
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
	return geom.NewPolygon([]geom.LineString{geom.NewLineString(geom.NewSequence(flat, geom.DimXY))}).AsGeometry()
}

// The plane's areas agree with the ellipsoid's within 0.2% from 41 E to 47 E, in UTM
// zone 37, in 38, and across the 42 E boundary between them.
func TestAreaOnThePlaneMatchesTheEllipsoid(t *testing.T) {
	for _, c := range []struct {
		name                   string
		lat1, lat2, lng1, lng2 float64
	}{
		{"Sinjar, UTM 37", 36.0, 36.6, 41.2, 41.9},
		{"straddling 42 E", 36.0, 36.5, 41.7, 42.3},
		{"Makhmour, UTM 38", 35.4, 36.1, 43.2, 43.9},
		{"Khanaqin, UTM 38", 34.0, 34.6, 45.0, 45.8},
		{"far edges", 33.0, 37.0, 41.0, 47.0},
	} {
		got := AreaKm2(cell(c.lat1, c.lat2, c.lng1, c.lng2))
		want := ellipsoidCellKm2(c.lat1, c.lat2, c.lng1, c.lng2)
		if rel := math.Abs(got-want) / want; rel > 0.002 {
			t.Errorf("%s: %.2f km2 on the plane, %.2f on the ellipsoid (%.3f%%)", c.name, got, want, 100*rel)
		}
	}
}

func ring(pts ...[2]float64) *typev1.LinearRing {
	r := &typev1.LinearRing{}
	for _, p := range pts {
		r.Points = append(r.Points, &typev1.LatLng{Latitude: p[0], Longitude: p[1]})
	}
	return r
}

func square(lat, lng, d float64) *typev1.LinearRing {
	return ring([2]float64{lat, lng}, [2]float64{lat, lng + d}, [2]float64{lat + d, lng + d}, [2]float64{lat + d, lng}, [2]float64{lat, lng})
}

func TestReadAcceptsAndMeasures(t *testing.T) {
	var v apperr.Violations
	withHole := &typev1.Polygon{Exterior: square(35.7, 43.5, 0.2), Holes: []*typev1.LinearRing{square(35.75, 43.55, 0.05)}}
	g, ok := Read(&v, "area", withHole, nil, "")
	if !ok {
		t.Fatalf("Read: %v", v.List())
	}
	outer := AreaKm2(cell(35.7, 35.9, 43.5, 43.7))
	hole := AreaKm2(cell(35.75, 35.8, 43.55, 43.6))
	if got := AreaKm2(g); math.Abs(got-(outer-hole)) > 0.01*outer {
		t.Errorf("area with a hole = %.2f km2, want about %.2f", got, outer-hole)
	}
	gj := GeoJSON(g)
	back, ok := Read(&v, "area", nil, nil, gj)
	if !ok || math.Abs(AreaKm2(back)-AreaKm2(g)) > 1e-9 {
		t.Errorf("GeoJSON round trip %s: %v", gj, v.List())
	}
	p, m := ToProto(back)
	if p == nil || m != nil || len(p.GetHoles()) != 1 {
		t.Errorf("ToProto = %v, %v", p, m)
	}
}

func TestCircle(t *testing.T) {
	g := Circle(35.82, 43.63, 5000)
	want := math.Pi * 25 // km2
	if got := AreaKm2(g); got > want || got < want*(1-0.002) {
		t.Errorf("circle of 5 km = %.3f km2, want just under %.3f", got, want)
	}
	if err := g.Validate(); err != nil {
		t.Error(err)
	}
}

func TestReadRefuses(t *testing.T) {
	bowtie := ring([2]float64{35, 43}, [2]float64{36, 44}, [2]float64{36, 43}, [2]float64{35, 44}, [2]float64{35, 43})
	open := ring([2]float64{35, 43}, [2]float64{35, 44}, [2]float64{36, 44}, [2]float64{36, 43})
	flat := ring([2]float64{35, 43}, [2]float64{35, 43.5}, [2]float64{35, 44}, [2]float64{35, 43})
	big := &typev1.LinearRing{}
	for i := range MaxRingPoints + 1 {
		a := 2 * math.Pi * float64(i) / MaxRingPoints
		big.Points = append(big.Points, &typev1.LatLng{Latitude: 35 + math.Sin(a), Longitude: 43 + math.Cos(a)})
	}
	tests := []struct {
		name   string
		poly   *typev1.Polygon
		multi  *typev1.MultiPolygon
		gj     string
		field  string
		phrase string
	}{
		{"nothing", nil, nil, "", "area", "exactly one"},
		{"two at once", &typev1.Polygon{Exterior: square(35, 43, 1)}, nil, `{"type":"Point","coordinates":[43,35]}`, "area", "exactly one"},
		{"bow tie", &typev1.Polygon{Exterior: bowtie}, nil, "", "area.polygon", "not a valid area"},
		{"open ring", &typev1.Polygon{Exterior: open}, nil, "", "area.polygon.exterior.points", "closed"},
		{"no area", &typev1.Polygon{Exterior: flat}, nil, "", "area.polygon", ""},
		{"hole outside", &typev1.Polygon{Exterior: square(35, 43, 1), Holes: []*typev1.LinearRing{square(37, 43, 0.5)}}, nil, "", "area.polygon", "not a valid area"},
		{"out of range", &typev1.Polygon{Exterior: square(89.5, 43, 1)}, nil, "", "area.polygon.exterior.points[2]", "latitude"},
		{"too many points", &typev1.Polygon{Exterior: big}, nil, "", "area.polygon.exterior.points", "more than"},
		{"empty multipolygon", nil, &typev1.MultiPolygon{}, "", "area.multi_polygon.polygons", "at least one"},
		{"overlapping multipolygon", nil, &typev1.MultiPolygon{Polygons: []*typev1.Polygon{{Exterior: square(35, 43, 1)}, {Exterior: square(35.5, 43.5, 1)}}}, "", "area.multi_polygon", "not a valid area"},
		{"GeoJSON point", nil, nil, `{"type":"Point","coordinates":[43,35]}`, "area.geojson", "Polygon or MultiPolygon"},
		{"GeoJSON garbage", nil, nil, `{"type":`, "area.geojson", "not GeoJSON"},
		{"GeoJSON empty", nil, nil, `{"type":"Polygon","coordinates":[]}`, "area.geojson", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v apperr.Violations
			if _, ok := Read(&v, "area", tt.poly, tt.multi, tt.gj); ok {
				t.Fatal("accepted")
			}
			found := false
			for _, x := range v.List() {
				if x.Field == tt.field && strings.Contains(x.Description, tt.phrase) {
					found = true
				}
			}
			if !found {
				t.Errorf("violations %v, want one on %s saying %q", v.List(), tt.field, tt.phrase)
			}
		})
	}
}
