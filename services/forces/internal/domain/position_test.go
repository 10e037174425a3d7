package domain

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/localized"
	"github.com/tansiq/tansiq/platform/place"
)

var t0 = time.Date(2021, 12, 3, 6, 0, 0, 0, time.UTC)

func report(id string, hoursAfter int) Position {
	return Position{ID: id, ReportTime: t0.Add(time.Duration(hoursAfter) * time.Hour),
		Place: place.Place{Point: place.LatLng{Lat: 35.85, Lng: 43.65}}}
}

func TestMoveOnlyToTheLatestReport(t *testing.T) {
	tests := []struct {
		name      string
		reports   []Position
		wantMoved []bool
		wantLast  string
		wantOrder []string // the history's order
	}{
		{"in order", []Position{report("a", 0), report("b", 1), report("c", 2)},
			[]bool{true, true, true}, "c", []string{"c", "b", "a"}},
		{"late report does not move the unit", []Position{report("a", 0), report("c", 2), report("b", 1)},
			[]bool{true, true, false}, "c", []string{"c", "b", "a"}},
		{"report older than all", []Position{report("b", 1), report("a", 0)},
			[]bool{true, false}, "b", []string{"b", "a"}},
		{"same time does not move", []Position{report("a", 1), report("b", 1)},
			[]bool{true, false}, "a", []string{"b", "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var u Unit
			for i, p := range tt.reports {
				if got := u.Move(&p); got != tt.wantMoved[i] || p.Moved != got {
					t.Errorf("report %s: moved = %v (recorded %v), want %v", p.ID, got, p.Moved, tt.wantMoved[i])
				}
			}
			if u.LastPosition == nil || u.LastPosition.ID != tt.wantLast {
				t.Fatalf("last position = %+v, want %s", u.LastPosition, tt.wantLast)
			}
			history := slices.Clone(tt.reports)
			slices.SortFunc(history, func(a, b Position) int { return cmp.Compare(b2i(Before(b, a)), b2i(Before(a, b))) })
			if got := ids(history); fmt.Sprint(got) != fmt.Sprint(tt.wantOrder) {
				t.Fatalf("history = %v, want %v", got, tt.wantOrder)
			}
		})
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestChecksOnFinalState(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantReason string
	}{
		{"ready without reason", (&Unit{Readiness: "READINESS_READY"}).CheckReadiness("r"), ""},
		{"degraded without reason", (&Unit{Readiness: ReadinessDegraded}).CheckReadiness("r"), "READINESS_REASON_REQUIRED"},
		{"unavailable with reason", (&Unit{Readiness: ReadinessUnavailable, ReadinessReason: "losses"}).CheckReadiness("r"), ""},
		{"person known by role only", (&Person{Role: localized.Name{English: "West Nineveh Operations Commander"}}).CheckIdentified("role"), ""},
		{"person known by name only", (&Person{DisplayName: localized.Name{Arabic: "جمال محمد عمر"}}).CheckIdentified("role"), ""},
		{"person with aliases only", (&Person{DisplayName: localized.Name{Aliases: []string{"x"}}}).CheckIdentified("role"), "PERSON_UNIDENTIFIED"},
	}
	for _, tt := range tests {
		if got := reasonOf(tt.err); got != tt.wantReason {
			t.Errorf("%s: reason = %q, want %q", tt.name, got, tt.wantReason)
		}
	}
}

func ids(ps []Position) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}
