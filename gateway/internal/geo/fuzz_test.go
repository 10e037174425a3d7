package geo

import (
	"errors"
	"slices"
	"testing"
)

// FuzzDecodeGeoJSON feeds arbitrary text to the decoder and what it returns to the
// rest of the package. Nothing may panic; a failure must wrap ErrInvalidGeoJSON; a
// geometry must survive an encode/decode round trip unchanged; and the index, for a
// valid geometry, must agree with Contains.
func FuzzDecodeGeoJSON(f *testing.F) {
	// The seed corpus is in testdata/fuzz/FuzzDecodeGeoJSON; these add the test tables'.
	f.Add([]byte(makhmourJSON))
	f.Add([]byte(`{"type":"Feature","properties":null,"geometry":` + makhmourJSON + `}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := DecodeGeoJSON(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidGeoJSON) {
				t.Fatalf("DecodeGeoJSON() error %v does not wrap ErrInvalidGeoJSON", err)
			}
			return
		}
		enc, err := EncodeGeoJSON(g)
		if err != nil {
			t.Fatalf("EncodeGeoJSON(decoded) error = %v", err)
		}
		back, err := DecodeGeoJSON(enc)
		if err != nil || !equalGeometry(back, g) {
			t.Fatalf("round trip of %s = %#v, %v; want %#v", enc, back, err, g)
		}

		probes := []Point{{35.7756, 43.5794}, {0, 0}}
		for _, p := range g.Polygons() {
			probes = append(probes, p.Exterior...)
			for _, h := range p.Holes {
				probes = append(probes, h...)
			}
		}
		if len(probes) > 64 {
			probes = probes[:64]
		}
		vs := Validate(g)
		x := NewIndex()
		err = x.Insert("zones/fuzz", g)
		if (err == nil) != (len(vs) == 0) {
			t.Fatalf("Insert() error = %v but Validate() = %v", err, vs)
		}
		for _, pt := range probes {
			want := Contains(g, pt) // must not panic, valid or not
			if len(vs) > 0 {
				continue
			}
			if got := x.Containing(pt); slices.Contains(got, "zones/fuzz") != want {
				t.Fatalf("Index.Containing(%v) = %q but Contains() = %v", pt, got, want)
			}
		}
	})
}
