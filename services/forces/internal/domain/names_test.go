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
