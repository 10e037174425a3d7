package zones

import (
	"testing"

	"github.com/tansiq/tansiq/gateway/internal/geo"
)

func TestNormalize(t *testing.T) {
	ccw := geo.Ring{{Lat: 0, Lng: 0}, {Lat: 0, Lng: 2}, {Lat: 2, Lng: 2}, {Lat: 2, Lng: 0}, {Lat: 0, Lng: 0}}
	cw := geo.Ring{{Lat: 0, Lng: 0}, {Lat: 2, Lng: 0}, {Lat: 2, Lng: 2}, {Lat: 0, Lng: 2}, {Lat: 0, Lng: 0}}
	holeCW := geo.Ring{{Lat: 0.5, Lng: 0.5}, {Lat: 1.5, Lng: 0.5}, {Lat: 1.5, Lng: 1.5}, {Lat: 0.5, Lng: 0.5}}
	holeCCW := geo.Ring{{Lat: 0.5, Lng: 0.5}, {Lat: 1.5, Lng: 1.5}, {Lat: 1.5, Lng: 0.5}, {Lat: 0.5, Lng: 0.5}}
	tests := []struct {
		name    string
		in      geo.Geometry
		wantExt geo.Ring
		wantH   geo.Ring
	}{
		{"ccw exterior kept", geo.Polygon{Exterior: ccw}, ccw, nil},
		{"cw exterior reversed", geo.Polygon{Exterior: cw}, ccw, nil},
		{"ccw hole reversed", geo.Polygon{Exterior: ccw, Holes: []geo.Ring{holeCCW}}, ccw, holeCW},
		{"multipolygon", geo.MultiPolygon{{Exterior: cw, Holes: []geo.Ring{holeCW}}}, ccw, holeCW},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Normalize(tt.in).Polygons()[0]
			if !equalRing(got.Exterior, tt.wantExt) {
				t.Errorf("exterior = %v, want %v", got.Exterior, tt.wantExt)
			}
			if tt.wantH != nil && !equalRing(got.Holes[0], tt.wantH) {
				t.Errorf("hole = %v, want %v", got.Holes[0], tt.wantH)
			}
			if signedArea(got.Exterior) <= 0 {
				t.Errorf("exterior not counter-clockwise")
			}
		})
	}
	if _, ok := Normalize(geo.MultiPolygon{{Exterior: cw}}).(geo.MultiPolygon); !ok {
		t.Error("Normalize changed a MultiPolygon's type")
	}
}

func equalRing(a, b geo.Ring) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBoundsOf(t *testing.T) {
	g := geo.MultiPolygon{
		{Exterior: geo.Ring{{Lat: 35, Lng: 43}, {Lat: 35, Lng: 44}, {Lat: 36, Lng: 44}, {Lat: 35, Lng: 43}}},
		{Exterior: geo.Ring{{Lat: 34, Lng: 45}, {Lat: 34, Lng: 46}, {Lat: 34.5, Lng: 46}, {Lat: 34, Lng: 45}}},
	}
	want := Bounds{MinLat: 34, MinLng: 43, MaxLat: 36, MaxLng: 46}
	if got := BoundsOf(g); got != want {
		t.Errorf("BoundsOf = %+v, want %+v", got, want)
	}
}
