package domain

import (
	"slices"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/localized"
	"github.com/tansiq/tansiq/platform/place"
)

func TestNormalize(t *testing.T) {
	m := Meeting{
		HostForce: "forces/iraqi-army",
		Place: place.Place{Name: localized.Name{Arabic: "مخمور", English: " Makhmour ",
			Aliases: []string{"Makhmur", "MAKHMOUR", "Mexmûr"}}},
		Attendees: []Attendee{
			{Person: "forces/peshmerga/people/jamal-mohammed-omar", Force: "forces/peshmerga"},
			{Person: "forces/iraqi-army/people/abdul-amir-al-shammari", Force: "forces/iraqi-army"},
			{Person: "forces/peshmerga/people/sirwan-barzani", Force: "forces/peshmerga"},
		},
	}
	m.Normalize()
	if want := []string{"forces/iraqi-army", "forces/peshmerga"}; !slices.Equal(m.AttendingForces, want) {
		t.Errorf("attending forces = %v, want %v", m.AttendingForces, want)
	}
	if want := []string{"مخمور", "makhmour", "makhmur", "mexmûr"}; !slices.Equal(m.PlaceKeys, want) {
		t.Errorf("place keys = %v, want %v", m.PlaceKeys, want)
	}
}

func TestCheckTimes(t *testing.T) {
	start := time.Date(2021, 12, 7, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		end  time.Time
		want bool
	}{
		{time.Time{}, true},
		{start, true},
		{start.Add(3 * time.Hour), true},
		{start.Add(-time.Minute), false},
	}
	for _, tt := range tests {
		m := Meeting{StartTime: start, EndTime: tt.end}
		err := m.CheckTimes()
		if (err == nil) != tt.want {
			t.Errorf("end %v: err %v, want ok=%v", tt.end, err, tt.want)
		}
		if err != nil && !apperr.IsKind(err, apperr.KindInvalidArgument) {
			t.Errorf("end %v: err %v, want INVALID_ARGUMENT", tt.end, err)
		}
	}
}

func TestCheckAttendees(t *testing.T) {
	found := map[string]Member{
		"forces/peshmerga/people/jamal-mohammed-omar":     {Name: "forces/peshmerga/people/jamal-mohammed-omar", Force: "forces/peshmerga"},
		"forces/iraqi-army/people/abdul-amir-al-shammari": {Name: "forces/iraqi-army/people/abdul-amir-al-shammari", Force: "forces/iraqi-army"},
	}
	as := []Attendee{
		{Person: "forces/peshmerga/people/jamal-mohammed-omar", Force: "forces/peshmerga"},
		{Person: "forces/iraqi-army/people/nobody-by-that-name", Force: "forces/iraqi-army"},
		{Person: "forces/iraqi-army/people/abdul-amir-al-shammari", Force: "forces/peshmerga"},
	}
	var got []string
	for _, v := range CheckAttendees("meeting.attendees", as, found) {
		got = append(got, v.Field)
	}
	if want := []string{"meeting.attendees[1].person", "meeting.attendees[2].force"}; !slices.Equal(got, want) {
		t.Errorf("violations on %v, want %v", got, want)
	}
}

func TestForceOf(t *testing.T) {
	tests := map[string]string{
		"forces/peshmerga":                                "forces/peshmerga",
		"forces/peshmerga/units/makhmour-front":           "forces/peshmerga",
		"forces/iraqi-army/people/abdul-amir-al-shammari": "forces/iraqi-army",
		"forces/peshmerga/vehicles/x1234":                 "",
		"zones/makhmour":                                  "",
		"forces/":                                         "",
	}
	for in, want := range tests {
		if got := ForceOf(in); got != want {
			t.Errorf("ForceOf(%q) = %q, want %q", in, got, want)
		}
	}
}
