package gwseed

import (
	"context"
	"slices"
	"testing"

	"github.com/tansiq/tansiq/gateway/internal/geo"
	"github.com/tansiq/tansiq/gateway/internal/zones"
	"github.com/tansiq/tansiq/platform/store/storetest"
)

func TestZonesAreValidOutlines(t *testing.T) {
	ids := map[string]bool{}
	idx := geo.NewIndex()
	for _, z := range Zones() {
		t.Run(z.ID, func(t *testing.T) {
			if vs := geo.Validate(z.Area); len(vs) > 0 {
				t.Fatalf("invalid area: %+v", vs)
			}
			if n := len(z.Area.Exterior) - 1; n < 10 || n > 30 {
				t.Errorf("%d corners, want 10 to 30", n)
			}
			// Counter-clockwise already: normalizing changes nothing.
			normalized, err := zones.EncodeArea(z.Area)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := geo.EncodeGeoJSON(z.Area)
			if err != nil || string(raw) != normalized {
				t.Errorf("ring is not counter-clockwise (%v)", err)
			}
			n := z.Zone.DisplayName
			if n.Arabic == "" || n.Sorani == "" || n.English == "" || len(n.Aliases) == 0 || len(z.Zone.Governorates) == 0 {
				t.Errorf("names %+v, governorates %v: want all three languages, aliases and governorates", n, z.Zone.Governorates)
			}
			if z.Owner != IraqiArmy && z.Owner != Peshmerga {
				t.Errorf("owner %q", z.Owner)
			}
		})
		ids[z.ID] = true
		if err := idx.Insert("zones/"+z.ID, z.Area); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"makhmour", "sinjar", "kirkuk", "tuz-khurmatu", "khanaqin", "kifri"} {
		if !ids[id] {
			t.Errorf("no zone %s", id)
		}
	}
	// The scenario's places, each in its zone and no other.
	places := []struct {
		name     string
		lat, lng float64
		want     string
	}{
		{"Makhmour town", 35.7756, 43.5794, "zones/makhmour"},
		{"Qarachogh mountain", 35.85, 43.65, "zones/makhmour"},
		{"Khidr Jija", 35.83, 43.62, "zones/makhmour"},
		{"Liheban", 35.86, 43.66, "zones/makhmour"},
		{"Sinjar", 36.3225, 41.8642, "zones/sinjar"},
		{"Kirkuk", 35.470, 44.396, "zones/kirkuk"},
		{"Tuz Khurmatu", 34.883, 44.633, "zones/tuz-khurmatu"},
		{"Khanaqin", 34.3475, 45.3919, "zones/khanaqin"},
		{"Kifri", 34.69, 44.96, "zones/kifri"},
		{"Kulajo", 34.75, 44.90, "zones/kifri"},
		{"Erbil (outside the disputed territories)", 36.19, 44.01, ""},
		{"Mosul", 36.34, 43.13, ""},
	}
	for _, p := range places {
		got := idx.Containing(geo.Point{Lat: p.lat, Lng: p.lng})
		var want []string
		if p.want != "" {
			want = []string{p.want}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s is in %v, want %v", p.name, got, want)
		}
	}
}

func TestLoadIsIdempotent(t *testing.T) {
	ctx := context.Background()
	s, err := zones.NewStore(ctx, storetest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := Load(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	docs, err := s.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		got = append(got, d.Name+" "+d.Owner)
	}
	slices.Sort(got)
	want := []string{"zones/khanaqin forces/iraqi-army", "zones/kifri forces/peshmerga", "zones/kirkuk forces/iraqi-army",
		"zones/makhmour forces/peshmerga", "zones/sinjar forces/iraqi-army", "zones/tuz-khurmatu forces/iraqi-army"}
	if !slices.Equal(got, want) {
		t.Errorf("stored %v, want %v", got, want)
	}
}
