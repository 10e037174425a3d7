package grid

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The NGA's conversion vectors (ngageoint/mgrs-java MGRSTest): positions and the
// one-metre references they give, and references with the UTM position and the WGS84
// corner of their square.
func TestNGAVectors(t *testing.T) {
	toMGRS := []struct {
		lat, lng float64
		want     string
	}{
		{63.98863, 29.06757, "35VPL0115697387"},
		{12.40, 53.51, "39PYP7290672069"},
		{21.309444, -157.916861, "4QFJ1234056781"},
	}
	for _, v := range toMGRS {
		got, err := ToMGRS(v.lat, v.lng, 5)
		if err != nil || got != v.want {
			t.Errorf("ToMGRS(%v, %v) = %q, %v; want %q", v.lat, v.lng, got, err, v.want)
		}
	}
	parse := []struct {
		ref                  string
		zone                 int
		easting, northing    float64
		cornerLat, cornerLng float64
	}{
		{"33XVG74594359", 33, 474590, 8643590, 77.8654628, 13.9171014},
		{"33X VG 74596 43594", 33, 474596, 8643594, math.NaN(), math.NaN()},
		{"33XVG7459743593", 33, 474597, 8643593, 77.8654908, 13.9173973},
		{"33XVG", 33, 400000, 8600000, 77.4454720, 10.8756458},
		{"33XVG74", 33, 470000, 8640000, 77.8324735, 13.7248758},
		{"33XVG7443", 33, 474000, 8643000, 77.8600782, 13.8924385},
		{"33XVG745435", 33, 474500, 8643500, 77.8646415, 13.9133378},
	}
	for _, v := range parse {
		m, err := ParseMGRS(v.ref)
		if err != nil {
			t.Errorf("ParseMGRS(%q): %v", v.ref, err)
			continue
		}
		if m.Zone != v.zone || !m.North || m.Easting != v.easting || m.Northing != v.northing {
			t.Errorf("ParseMGRS(%q) = %+v, want zone %d N %v %v", v.ref, m.UTM, v.zone, v.easting, v.northing)
		}
		if math.IsNaN(v.cornerLat) {
			continue
		}
		lat, lng := m.LatLng()
		if math.Abs(lat-v.cornerLat) > 1e-4 || math.Abs(lng-v.cornerLng) > 1e-4 {
			t.Errorf("corner of %q = %.7f, %.7f; want %.7f, %.7f", v.ref, lat, lng, v.cornerLat, v.cornerLng)
		}
	}
}

// The seed scenario's places, from the founding article (approximate WGS84).
var seedPlaces = []struct {
	name     string
	lat, lng float64
	zone     int
}{
	{"Makhmour town", 35.7756, 43.5794, 38},
	{"Qarachogh mountain", 35.85, 43.65, 38},
	{"Khidr Jija", 35.835, 43.625, 38},
	{"Kirkuk", 35.470, 44.396, 38},
	{"Mosul", 36.34, 43.13, 38},
	{"Erbil", 36.19, 44.01, 38},
	{"Sinjar", 36.3225, 41.8642, 37},
	{"Tuz Khurmatu", 34.883, 44.633, 38},
	{"Khanaqin", 34.3475, 45.3919, 38},
	{"Baqubah", 33.75, 44.633, 38},
	{"Zumar", 36.65, 42.60, 38},
	{"Kifri", 34.69, 44.96, 38},
}

func TestSeedPlacesRoundTrip(t *testing.T) {
	for _, p := range seedPlaces {
		ref, err := ToMGRS(p.lat, p.lng, 5)
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		m, err := ParseMGRS(ref)
		if err != nil {
			t.Fatalf("%s: ParseMGRS(%q): %v", p.name, ref, err)
		}
		if m.Zone != p.zone {
			t.Errorf("%s: zone %d, want %d", p.name, m.Zone, p.zone)
		}
		// The centre of the one-metre square is within a metre of the place.
		lat, lng := m.Centre()
		if d := metres(p.lat, p.lng, lat, lng); d > 1 {
			t.Errorf("%s: %q comes back %.2f m away", p.name, ref, d)
		}
		again, _ := ToMGRS(lat, lng, 5)
		if again != ref {
			t.Errorf("%s: %q -> %.7f,%.7f -> %q", p.name, ref, lat, lng, again)
		}
		for digits := 1; digits < 5; digits++ {
			coarse, _ := ToMGRS(p.lat, p.lng, digits)
			cm, err := ParseMGRS(coarse)
			if err != nil {
				t.Fatalf("%s: ParseMGRS(%q): %v", p.name, coarse, err)
			}
			lat, lng := cm.Centre()
			if d := metres(p.lat, p.lng, lat, lng); d > cm.Size {
				t.Errorf("%s: %q centre is %.0f m away, more than its square's %v m", p.name, coarse, d, cm.Size)
			}
		}
	}
}

func TestParseMGRSRefuses(t *testing.T) {
	for _, s := range []string{
		"", "38", "38S", "61SLF", "00SLF", "38ILF", "38SIF", "38SLZ", "38SLF123", "38SLF12345678901",
		"38SLF12a4", "SLF1234",
		"38SLM1234", // row M lies 4600 km north in zone 38: north of band S
	} {
		if m, err := ParseMGRS(s); err == nil {
			t.Errorf("ParseMGRS(%q) = %+v, want an error", s, m)
		}
	}
}

func TestProjectionRoundTrip(t *testing.T) {
	p := TransverseMercator{CentralMeridian: 44, Scale: 1}
	for _, pl := range seedPlaces {
		x, y := p.Forward(pl.lat, pl.lng)
		lat, lng := p.Inverse(x, y)
		if math.Abs(lat-pl.lat) > 1e-9 || math.Abs(lng-pl.lng) > 1e-9 {
			t.Errorf("%s: %v,%v -> %v,%v -> %v,%v", pl.name, pl.lat, pl.lng, x, y, lat, lng)
		}
	}
}

// metres is the distance between two nearby positions, on a sphere: plenty to compare
// with a metre.
func metres(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6371000
	rad := math.Pi / 180
	dy := (lat2 - lat1) * rad
	dx := (lng2 - lng1) * rad * math.Cos((lat1+lat2)/2*rad)
	return r * math.Hypot(dx, dy)
}

// TestStringAsFormatted: the reference String appends is the one fmt's verbs give, for
// every precision, over points spread across the grid (south included).
func TestStringAsFormatted(t *testing.T) {
	formatted := func(m MGRS) string {
		col := int(m.Easting / 100000)
		row := int(m.Northing/100000) % 20
		ref := fmt.Sprintf("%d%c%c%c", m.Zone, m.Band, columnLetters[(m.Zone-1)%3][col-1], rowLetters[(m.Zone-1)%2][row])
		if m.Digits == 0 {
			return ref
		}
		e := math.Mod(m.Easting, 100000) / m.Size
		n := math.Mod(m.Northing, 100000) / m.Size
		return fmt.Sprintf("%s%0*d%0*d", ref, m.Digits, int(math.Round(e)), m.Digits, int(math.Round(n)))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		lat, lng := r.Float64()*160-80, r.Float64()*360-180
		u, err := ToUTM(lat, lng)
		if err != nil {
			t.Fatal(err)
		}
		u.Easting = math.Min(math.Max(u.Easting, 100000), 899999)
		for digits := range 6 {
			m := MGRS{UTM: u, Band: bandOf(lat), Digits: digits, Size: math.Pow(10, float64(5-digits))}
			if got, want := m.String(), formatted(m); got != want {
				t.Fatalf("(%v, %v) to %d digits: %q, want %q", lat, lng, digits, got, want)
			}
		}
	}
	if got := appendPadded(nil, -12, 5); string(got) != fmt.Sprintf("%0*d", 5, -12) {
		t.Errorf("appendPadded(-12, 5) = %q, want %q", got, fmt.Sprintf("%0*d", 5, -12))
	}
}
