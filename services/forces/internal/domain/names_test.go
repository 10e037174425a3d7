package domain

import "testing"

func TestForceOf(t *testing.T) {
	tests := []struct {
		name, want string
	}{
		{"forces/peshmerga/units/makhmour-front", "forces/peshmerga"},
		{"forces/iraqi-army/people/abdul-amir-al-shammari", "forces/iraqi-army"},
		{"forces/peshmerga", ""},
		{"forces/peshmerga/units/abc", ""}, // id too short
		{"forces/peshmerga/units/makhmour-front/x", ""},
		{"forces/-/units/makhmour-front", ""},
		{"incidents/khidr-jija", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := ForceOf(tt.name); got != tt.want {
			t.Errorf("ForceOf(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestNamePatterns(t *testing.T) {
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
		got := [3]bool{IsForceName(tt.name), IsUnitName(tt.name), IsPersonName(tt.name)}
		want := [3]bool{tt.force, tt.unit, tt.person}
		if got != want {
			t.Errorf("%q: force/unit/person = %v, want %v", tt.name, got, want)
		}
	}
}
