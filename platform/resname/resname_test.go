package resname

import (
	"testing"

	"github.com/tansiq/tansiq/platform/apperr"
)

func TestMatches(t *testing.T) {
	for _, tt := range []struct {
		pattern, name string
		want          bool
	}{
		{Incident, "incidents/mosul-ied-1", true},
		{Incident, "incidents/Mosul", false},
		{Incident, "incidents/abc", false},   // too short
		{Incident, "incidents/abcd-", false}, // ends with a hyphen
		{Incident, "incidents/1abc", false},
		{Incident, "incidents/abcd/x", false},
		{Incident, "forces/abcd", false},
		{Unit, "forces/iraqi-army/units/joint-operations-command", true},
		{Unit, "forces/iraqi-army/units/-", false},
		{Unit, "forces/-/units/abcd", false},
		{Force, "forces/iraqi-army/units/abcd", false},
		{ActionItem, "meetings/mtg-one/decisions/dec-one/actionItems/item-one", true},
		{Zone, "", false},
	} {
		if got := Matches(tt.pattern, tt.name); got != tt.want {
			t.Errorf("Matches(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

func TestAncestorAndSprint(t *testing.T) {
	if got := Ancestor("forces/peshmerga/people/liaison-officer", Force); got != "forces/peshmerga" {
		t.Errorf("Ancestor = %q", got)
	}
	if got := Ancestor("incidents/abcd", Force); got != "" {
		t.Errorf("Ancestor of another kind = %q", got)
	}
	if got := Sprint(Unit, "peshmerga", "staff-unit"); got != "forces/peshmerga/units/staff-unit" {
		t.Errorf("Sprint = %q", got)
	}
}

func TestCheck(t *testing.T) {
	var v apperr.Violations
	Check(&v, "a", "", Zone)
	Check(&v, "b", "zones/x", Zone)
	Check(&v, "ok", "zones/north-zone", Zone)
	CheckOptional(&v, "ok2", "", Zone)
	CheckID(&v, "c", "Bad")
	CheckID(&v, "ok3", "good-id")
	got := v.List()
	if len(got) != 3 || got[0].Field != "a" || got[1].Field != "b" || got[1].Description != `must look like "zones/{zone}"` || got[2].Field != "c" {
		t.Fatalf("violations = %+v", got)
	}
}

func TestForceNamePatterns(t *testing.T) {
	tests := []struct {
		name                string
		force, unit, person bool
	}{
		{"forces/iraqi-army", true, false, false},
		{"forces/-", false, false, false},
		{"forces/Iraqi", false, false, false},
		{"forces/iraqi-army/units/joint-operations-command", false, true, false},
		{"forces/iraqi-army/people/nineveh-operations-commander", false, false, true},
		{"forces/iraqi-army/units/bad-", false, false, false},
		{"forces/iraqi-army/people/9lives", false, false, false},
	}
	for _, tt := range tests {
		got := [3]bool{Matches(Force, tt.name), Matches(Unit, tt.name), Matches(Person, tt.name)}
		want := [3]bool{tt.force, tt.unit, tt.person}
		if got != want {
			t.Errorf("%q: force/unit/person = %v, want %v", tt.name, got, want)
		}
	}
}
