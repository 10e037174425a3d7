package seed_test

import (
	"context"
	"testing"

	"github.com/peterstace/simplefeatures/geom"

	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/resname"
	"github.com/tansiq/tansiq/platform/shape"
	"github.com/tansiq/tansiq/platform/store/storetest"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
	"github.com/tansiq/tansiq/services/forces/internal/seed"
	forcesstore "github.com/tansiq/tansiq/services/forces/internal/store"
)

func TestLoadIsIdempotentAndFollowsTheRules(t *testing.T) {
	ctx := context.Background()
	s := forcesstore.New(storetest.DB(t))
	if err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := seed.Load(ctx, s); err != nil {
			t.Fatalf("load %d: %v", i+1, err)
		}
	}
	forces, _ := s.Forces.List(ctx, nil, 100)
	units, _ := s.Units.List(ctx, "", filter.Filter{}, forcesstore.UnitSorts[0], nil, 100)
	people, _ := s.People.List(ctx, "", filter.Filter{}, forcesstore.PersonSorts[0], nil, 100)
	if len(forces) != len(seed.Forces()) || len(units) != len(seed.Units()) || len(people) != len(seed.People()) {
		t.Fatalf("stored %d forces, %d units, %d people; want %d, %d, %d once each",
			len(forces), len(units), len(people), len(seed.Forces()), len(seed.Units()), len(seed.People()))
	}
	for _, d := range units {
		u := d.Body
		if d.Owner != domain.ForceOf(d.Name) {
			t.Errorf("%s: owner %q, want its force", d.Name, d.Owner)
		}
		if !resname.Matches(resname.Unit, d.Name) || !domain.Known(u.DisplayName) || u.DisplayName.Arabic == "" || u.DisplayName.Sorani == "" || u.DisplayName.English == "" {
			t.Errorf("%s: needs a valid name and names in all three languages", d.Name)
		}
		if err := domain.CheckParent(ctx, "parent_unit", d.Name, u.ParentUnit, s.Units.ParentOf); err != nil {
			t.Errorf("%s: %v", d.Name, err)
		}
		if err := domain.CheckReference(ctx, "commander", u.Commander, d.Owner, s.People.Exists); err != nil {
			t.Errorf("%s: %v", d.Name, err)
		}
		if err := u.CheckReadiness("readiness_reason"); err != nil {
			t.Errorf("%s: %v", d.Name, err)
		}
	}
	for _, d := range people {
		if err := d.Body.CheckIdentified("role"); err != nil {
			t.Errorf("%s: %v", d.Name, err)
		}
		if err := domain.CheckReference(ctx, "unit", d.Body.Unit, d.Owner, s.Units.Exists); err != nil {
			t.Errorf("%s: %v", d.Name, err)
		}
	}
	// The source's commanders of the two Nineveh commands are known by role only.
	for _, n := range []string{"forces/iraqi-army/people/nineveh-operations-commander", "forces/iraqi-army/people/west-nineveh-operations-commander"} {
		p, err := s.People.Get(ctx, n)
		if err != nil || domain.Known(p.Body.DisplayName) || !domain.Known(p.Body.Role) {
			t.Errorf("%s: %+v (err %v), want a role and no name", n, p, err)
		}
	}
}

// The two forces' areas leave the strip along the Qarachogh foothills to neither: Khidr
// Jija and Liheban lie in it, Makhmour town in the brigade's area.
func TestSeedAreasLeaveTheQarachoghStrip(t *testing.T) {
	ctx := context.Background()
	s := forcesstore.New(storetest.DB(t))
	if err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if err := seed.Load(ctx, s); err != nil {
		t.Fatal(err)
	}
	docs, err := s.Areas.List(ctx, "", "", nil, 0, nil)
	if err != nil || len(docs) != len(seed.Areas()) {
		t.Fatalf("stored areas %d, %v; want %d", len(docs), err, len(seed.Areas()))
	}
	holder := func(lat, lng float64) []string {
		var out []string
		pt := geom.XY{X: lng, Y: lat}.AsPoint().AsGeometry()
		for _, d := range docs {
			g, err := shape.Parse(d.Body.GeoJSON)
			if err != nil {
				t.Fatal(err)
			}
			if geom.Intersects(pt, g) {
				out = append(out, d.Body.Unit)
			}
		}
		return out
	}
	for _, p := range []struct {
		name     string
		lat, lng float64
		want     string
	}{
		{"Khidr Jija", 35.83, 43.62, ""},
		{"Liheban", 35.86, 43.66, ""},
		{"Qarachogh", 35.85, 43.65, ""},
		{"Makhmour town", 35.7756, 43.5794, "forces/iraqi-army/units/makhmour-sector-brigade"},
		{"Gwer", 36.05, 43.48, "forces/peshmerga/units/makhmour-front"},
	} {
		got := holder(p.lat, p.lng)
		if (p.want == "" && len(got) != 0) || (p.want != "" && (len(got) != 1 || got[0] != p.want)) {
			t.Errorf("%s is held by %v, want %q", p.name, got, p.want)
		}
	}
	for _, d := range docs {
		if d.Body.Km2 <= 0 || d.Body.StartTime.Year() != 2021 || d.Owner != domain.ForceOf(d.Body.Unit) {
			t.Errorf("%s: %+v", d.Name, d.Body)
		}
	}
}
