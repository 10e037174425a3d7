package geo

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// makhmourJSON is a zone around Makhmour town and the Qarachogh foothills, in
// GeoJSON's [longitude, latitude] order.
const makhmourJSON = `{"type":"Polygon","coordinates":[[[43.30,35.55],[43.62,35.52],[43.86,35.70],[43.85,35.98],[43.60,36.05],[43.38,35.92],[43.30,35.55]]]}`

var makhmour = Polygon{Exterior: Ring{
	{35.55, 43.30}, {35.52, 43.62}, {35.70, 43.86}, {35.98, 43.85}, {36.05, 43.60}, {35.92, 43.38}, {35.55, 43.30},
}}

// A square around Kirkuk and one around Sinjar, as the two parts of one area.
var kirkukSinjar = MultiPolygon{
	{Exterior: Ring{{35.3, 44.2}, {35.3, 44.6}, {35.6, 44.6}, {35.6, 44.2}, {35.3, 44.2}}},
	{Exterior: Ring{{36.2, 41.7}, {36.2, 42.0}, {36.45, 42.0}, {36.45, 41.7}, {36.2, 41.7}}},
}

func TestDecodeGeoJSON(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Geometry
		wantErr string // substring of the error; "" for success
	}{
		{name: "polygon", in: makhmourJSON, want: makhmour},
		{
			name: "polygon with hole and altitude",
			in:   `{"type":"Polygon","coordinates":[[[0,0,100],[4,0],[4,4],[0,4],[0,0]],[[1,1],[1,2],[2,2],[1,1]]]}`,
			want: Polygon{
				Exterior: Ring{{0, 0}, {0, 4}, {4, 4}, {4, 0}, {0, 0}},
				Holes:    []Ring{{{1, 1}, {2, 1}, {2, 2}, {1, 1}}},
			},
		},
		{
			name: "multipolygon",
			in:   `{"type":"MultiPolygon","coordinates":[[[[44.2,35.3],[44.6,35.3],[44.6,35.6],[44.2,35.6],[44.2,35.3]]],[[[41.7,36.2],[42.0,36.2],[42.0,36.45],[41.7,36.45],[41.7,36.2]]]]}`,
			want: kirkukSinjar,
		},
		{
			name: "feature",
			in:   `{"type":"Feature","id":"zones/makhmour","properties":{"name":"Makhmour"},"geometry":` + makhmourJSON + `}`,
			want: makhmour,
		},
		{name: "bad JSON", in: `{"type":"Polygon","coordinates":[[[43.3,35.5]`, wantErr: "not a JSON object"},
		{name: "not an object", in: `[1,2]`, wantErr: "not a JSON object"},
		{name: "empty", in: ``, wantErr: "not a JSON object"},
		{name: "no type", in: `{"coordinates":[]}`, wantErr: `no "type"`},
		{name: "point", in: `{"type":"Point","coordinates":[43.5,35.7]}`, wantErr: `type "Point" is not supported`},
		{name: "feature collection", in: `{"type":"FeatureCollection","features":[]}`, wantErr: `type "FeatureCollection" is not supported`},
		{name: "feature of a line", in: `{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}`, wantErr: "geometry is a LineString"},
		{name: "feature without geometry", in: `{"type":"Feature","properties":{},"geometry":null}`, wantErr: "has no geometry"},
		{name: "coordinates of the wrong depth", in: `{"type":"Polygon","coordinates":[[0,0],[1,1]]}`, wantErr: "bad Polygon"},
		{name: "coordinates not numbers", in: `{"type":"Polygon","coordinates":[[["a","b"]]]}`, wantErr: "bad Polygon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeGeoJSON([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, ErrInvalidGeoJSON) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("DecodeGeoJSON() error = %v, want an ErrInvalidGeoJSON containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeGeoJSON() error = %v", err)
			}
			if !equalGeometry(got, tt.want) {
				t.Errorf("DecodeGeoJSON() = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestEncodeGeoJSON(t *testing.T) {
	tests := []struct {
		name string
		in   Geometry
		want string
	}{
		{
			name: "polygon in lon,lat order",
			in:   Polygon{Exterior: Ring{{35, 43}, {35, 44}, {36, 44}, {35, 43}}},
			want: `{"type":"Polygon","coordinates":[[[43,35],[44,35],[44,36],[43,35]]]}`,
		},
		{
			name: "one-part multipolygon stays a multipolygon",
			in:   MultiPolygon{{Exterior: Ring{{35, 43}, {35, 44}, {36, 44}, {35, 43}}}},
			want: `{"type":"MultiPolygon","coordinates":[[[[43,35],[44,35],[44,36],[43,35]]]]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EncodeGeoJSON(tt.in)
			if err != nil {
				t.Fatalf("EncodeGeoJSON() error = %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("EncodeGeoJSON() = %s, want %s", got, tt.want)
			}
			back, err := DecodeGeoJSON(got)
			if err != nil || !equalGeometry(back, tt.in) {
				t.Errorf("DecodeGeoJSON(EncodeGeoJSON(g)) = %#v, %v; want %#v", back, err, tt.in)
			}
		})
	}
	if _, err := EncodeGeoJSON(nil); err == nil {
		t.Error("EncodeGeoJSON(nil) error = nil, want an error")
	}
}

// equalGeometry compares geometries by type and points, treating nil and empty
// slices alike (JSON cannot tell them apart).
func equalGeometry(a, b Geometry) bool {
	switch a := a.(type) {
	case Polygon:
		b, ok := b.(Polygon)
		return ok && equalPolygon(a, b)
	case MultiPolygon:
		b, ok := b.(MultiPolygon)
		return ok && slices.EqualFunc(a, b, equalPolygon)
	}
	return a == nil && b == nil
}

func equalPolygon(a, b Polygon) bool {
	return slices.Equal(a.Exterior, b.Exterior) &&
		slices.EqualFunc(a.Holes, b.Holes, func(x, y Ring) bool { return slices.Equal(x, y) })
}
