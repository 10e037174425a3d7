package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
	forcesstore "github.com/tansiq/tansiq/services/forces/internal/store"
)

const (
	ia = "forces/iraqi-army"
	pm = "forces/peshmerga"
)

func newStore(t *testing.T) *forcesstore.Store {
	t.Helper()
	ctx := context.Background()
	db := storetest.DB(t)
	s := forcesstore.New(db)
	if err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// addUnit stores a unit directly; reported units get a last position.
func addUnit(t *testing.T, s *forcesstore.Store, force, id string, u domain.Unit, at *place.LatLng) {
	t.Helper()
	if at != nil {
		u.Move(&domain.Position{ID: "p1", Place: place.Place{Point: *at}, ReportTime: time.Date(2021, 12, 3, 0, 0, 0, 0, time.UTC)})
	}
	if _, err := s.Units.Create(context.Background(), &forcesstore.UnitDoc{Name: domain.UnitName(force, id), Owner: force, Body: u}); err != nil {
		t.Fatal(err)
	}
}

func names(docs []*forcesstore.UnitDoc) string {
	var out []string
	for _, d := range docs {
		out = append(out, d.Name[len("forces/"):])
	}
	return fmt.Sprint(out)
}

func TestUnitsList(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	joc := domain.UnitName(ia, "joint-operations-command")
	addUnit(t, s, ia, "joint-operations-command", domain.Unit{Echelon: "ECHELON_COMMAND"}, nil)
	addUnit(t, s, ia, "nineveh-operations-command", domain.Unit{Echelon: "ECHELON_REGION", ParentUnit: joc}, &place.LatLng{Lat: 36.34, Lng: 43.13})
	addUnit(t, s, ia, "west-nineveh-operations-command", domain.Unit{Echelon: "ECHELON_REGION", ParentUnit: joc}, nil)
	addUnit(t, s, pm, "makhmour-front", domain.Unit{Echelon: "ECHELON_DIVISION", Readiness: "READINESS_DEGRADED"}, &place.LatLng{Lat: 35.85, Lng: 43.65})
	addUnit(t, s, pm, "garmiyan-front", domain.Unit{Echelon: "ECHELON_DIVISION", Readiness: "READINESS_READY"}, &place.LatLng{Lat: 34.69, Lng: 44.96})

	tests := []struct {
		name  string
		force string
		conds []filter.Typed
		after string
		limit int
		want  string
	}{
		{"all forces by name", "", nil, "", 10,
			"[iraqi-army/units/joint-operations-command iraqi-army/units/nineveh-operations-command iraqi-army/units/west-nineveh-operations-command peshmerga/units/garmiyan-front peshmerga/units/makhmour-front]"},
		{"one force", pm, nil, "", 10, "[peshmerga/units/garmiyan-front peshmerga/units/makhmour-front]"},
		{"a page", "", nil, "", 2, "[iraqi-army/units/joint-operations-command iraqi-army/units/nineveh-operations-command]"},
		{"the next page", "", nil, domain.UnitName(ia, "nineveh-operations-command"), 2,
			"[iraqi-army/units/west-nineveh-operations-command peshmerga/units/garmiyan-front]"},
		{"echelon", "", []filter.Typed{{Field: "echelon", Op: filter.Eq, Value: "ECHELON_REGION"}}, "", 10,
			"[iraqi-army/units/nineveh-operations-command iraqi-army/units/west-nineveh-operations-command]"},
		{"top units", "", []filter.Typed{{Field: "parent_unit", Op: filter.Eq, Value: ""}}, "", 10,
			"[iraqi-army/units/joint-operations-command peshmerga/units/garmiyan-front peshmerga/units/makhmour-front]"},
		{"children of JOC", ia, []filter.Typed{{Field: "parent_unit", Op: filter.Eq, Value: joc}}, "", 10,
			"[iraqi-army/units/nineveh-operations-command iraqi-army/units/west-nineveh-operations-command]"},
		{"readiness", "", []filter.Typed{{Field: "readiness", Op: filter.Eq, Value: "READINESS_DEGRADED"}}, "", 10,
			"[peshmerga/units/makhmour-front]"},
		{"bounding box; never reported units do not match", "", []filter.Typed{
			{Field: "last_position.latitude", Op: filter.Ge, Value: 35.0}, {Field: "last_position.latitude", Op: filter.Le, Value: 36.0},
			{Field: "last_position.longitude", Op: filter.Ge, Value: 43.0}, {Field: "last_position.longitude", Op: filter.Le, Value: 44.0},
		}, "", 10, "[peshmerga/units/makhmour-front]"},
		{"north of 36N", "", []filter.Typed{{Field: "last_position.latitude", Op: filter.Gt, Value: 36.0}}, "", 10,
			"[iraqi-army/units/nineveh-operations-command]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := s.Units.List(ctx, tt.force, filter.All(tt.conds...), forcesstore.UnitSorts[0], at(tt.after), tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(docs); got != tt.want {
				t.Fatalf("got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestUnitsBatchGetAndReferences(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	joc := domain.UnitName(ia, "joint-operations-command")
	nineveh := domain.UnitName(ia, "nineveh-operations-command")
	commander := domain.PersonName(ia, "nineveh-operations-commander")
	addUnit(t, s, ia, "joint-operations-command", domain.Unit{Echelon: "ECHELON_COMMAND"}, nil)
	addUnit(t, s, ia, "nineveh-operations-command", domain.Unit{Echelon: "ECHELON_REGION", ParentUnit: joc, Commander: commander}, &place.LatLng{Lat: 36.34, Lng: 43.13})
	if _, err := s.People.Create(ctx, &forcesstore.PersonDoc{Name: commander, Owner: ia, Body: domain.Person{Unit: nineveh}}); err != nil {
		t.Fatal(err)
	}
	binding, area := domain.TakBindingName(ia, "radio"), domain.AreaName(nineveh, "sector")
	if _, err := s.TakBindings.Create(ctx, &forcesstore.TakBindingDoc{Name: binding, Owner: ia, Body: domain.TakBinding{Unit: nineveh, DeviceUID: "ANDROID-1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Areas.Create(ctx, &forcesstore.AreaDoc{Name: area, Owner: ia, Body: domain.Area{Unit: nineveh}}); err != nil {
		t.Fatal(err)
	}

	got, err := s.Units.BatchGet(ctx, []string{nineveh, domain.UnitName(ia, "no-such-unit"), joc})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[nineveh] == nil || got[joc] == nil {
		t.Fatalf("BatchGet = %v, want JOC and Nineveh", got)
	}
	if got[nineveh].Body.LastPosition == nil {
		t.Fatalf("BatchGet: no last position for %s", nineveh)
	}

	show := func(vals ...any) string { return fmt.Sprint(vals...) }
	missing := domain.UnitName(ia, "no-such-unit")
	checks := []struct{ name, got, want string }{
		{"parent of Nineveh", show(s.Units.ParentOf(ctx, nineveh)), show(joc, true, nil)},
		{"parent of JOC", show(s.Units.ParentOf(ctx, joc)), show("", true, nil)},
		{"parent of a missing unit", show(s.Units.ParentOf(ctx, missing)), show("", false, nil)},
		{"a child of JOC", show(s.Units.AChild(ctx, joc)), show(nineveh, nil)},
		{"a child of Nineveh", show(s.Units.AChild(ctx, nineveh)), show("", nil)},
		{"a unit commanded", show(s.Units.ACommanded(ctx, commander)), show(nineveh, nil)},
		{"a member of Nineveh", show(s.People.AMember(ctx, nineveh)), show(commander, nil)},
		{"a member of JOC", show(s.People.AMember(ctx, joc)), show("", nil)},
		{"a binding for Nineveh", show(s.TakBindings.ABinding(ctx, nineveh)), show(binding, nil)},
		{"a binding for JOC", show(s.TakBindings.ABinding(ctx, joc)), show("", nil)},
		{"an area of Nineveh", show(s.Areas.AnArea(ctx, nineveh)), show(area, nil)},
		{"an area of JOC", show(s.Areas.AnArea(ctx, joc)), show("", nil)},
		{"person exists", show(s.People.Exists(ctx, commander)), show(true, nil)},
		{"unit exists", show(s.Units.Exists(ctx, missing)), show(false, nil)},
		{"force exists (none stored)", show(s.Forces.Exists(ctx, ia)), show(false, nil)},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %s, want %s", c.name, c.got, c.want)
		}
	}
}

func TestPeopleList(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	staff := domain.UnitName(pm, "general-command")
	for _, p := range []struct {
		force, id, unit, rank string
	}{
		{pm, "jamal-mohammed-omar", staff, ""},
		{pm, "liaison-officer", "", "Colonel"},
		{ia, "abdul-amir-al-shammari", domain.UnitName(ia, "joint-operations-command"), ""},
	} {
		if _, err := s.People.Create(ctx, &forcesstore.PersonDoc{Name: domain.PersonName(p.force, p.id), Owner: p.force,
			Body: domain.Person{Unit: p.unit, Rank: p.rank}}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name  string
		force string
		conds []filter.Typed
		want  string
	}{
		{"all", "", nil, "[forces/iraqi-army/people/abdul-amir-al-shammari forces/peshmerga/people/jamal-mohammed-omar forces/peshmerga/people/liaison-officer]"},
		{"in a unit", "", []filter.Typed{{Field: "unit", Op: filter.Eq, Value: staff}}, "[forces/peshmerga/people/jamal-mohammed-omar]"},
		{"in no unit", pm, []filter.Typed{{Field: "unit", Op: filter.Eq, Value: ""}}, "[forces/peshmerga/people/liaison-officer]"},
		{"rank", "", []filter.Typed{{Field: "rank", Op: filter.Eq, Value: "Colonel"}}, "[forces/peshmerga/people/liaison-officer]"},
	}
	for _, tt := range tests {
		docs, err := s.People.List(ctx, tt.force, filter.All(tt.conds...), forcesstore.PersonSorts[0], nil, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range docs {
			got = append(got, d.Name)
		}
		if fmt.Sprint(got) != tt.want {
			t.Errorf("%s: got %v, want %s", tt.name, got, tt.want)
		}
	}
}

// A unit's history keeps its latest domain.MaxPositions reports, latest first, pages from
// a report on, and goes with the unit; another unit's history is its own.
func TestPositionsHistory(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	unit, other := domain.UnitName(pm, "makhmour-front"), domain.UnitName(pm, "garmiyan-front")
	t0 := time.Date(2021, 12, 3, 0, 0, 0, 0, time.UTC)
	add := func(unit, id string, minutes int) {
		t.Helper()
		p := domain.Position{ID: id, Unit: unit, ReportTime: t0.Add(time.Duration(minutes) * time.Minute)}
		if _, err := s.Positions.Add(ctx, &forcesstore.PositionDoc{Name: forcesstore.PositionName(unit, id), Owner: pm, Body: p}); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(docs []*forcesstore.PositionDoc) []string {
		var out []string
		for _, d := range docs {
			out = append(out, d.Body.ID)
		}
		return out
	}
	for i := range domain.MaxPositions + 20 {
		add(unit, fmt.Sprintf("r%03d", i), i)
	}
	add(other, "o1", 0)
	add(unit, "late", -5) // older than every kept report: dropped at once
	kept, err := s.Positions.List(ctx, unit, nil, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := ids(kept)
	if len(got) != domain.MaxPositions || got[0] != fmt.Sprintf("r%03d", domain.MaxPositions+19) || got[len(got)-1] != "r020" {
		t.Fatalf("history holds %d reports, %v..%v; want %d, r%03d..r020", len(got), got[0], got[len(got)-1], domain.MaxPositions, domain.MaxPositions+19)
	}
	page, err := s.Positions.List(ctx, unit, &kept[1].Body, 2, nil)
	if err != nil || fmt.Sprint(ids(page)) != fmt.Sprint(got[2:4]) {
		t.Fatalf("page after %s = %v (%v), want %v", got[1], ids(page), err, got[2:4])
	}
	if err := s.Positions.RemoveOf(ctx, unit); err != nil {
		t.Fatal(err)
	}
	left, _ := s.Positions.List(ctx, unit, nil, 0, nil)
	others, _ := s.Positions.List(ctx, other, nil, 0, nil)
	if len(left) != 0 || fmt.Sprint(ids(others)) != "[o1]" {
		t.Fatalf("after RemoveOf: %v left, other unit %v; want none, [o1]", ids(left), ids(others))
	}
}

// at is the cursor after the record named name in name order (nil for "": from the start).
func at(name string) *store.Cursor {
	if name == "" {
		return nil
	}
	return &store.Cursor{Name: name}
}
