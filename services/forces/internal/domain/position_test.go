package domain

import (
	"fmt"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/types"
)

var t0 = time.Date(2021, 12, 3, 6, 0, 0, 0, time.UTC)

func report(id string, hoursAfter int) Position {
	return Position{ID: id, ReportTime: t0.Add(time.Duration(hoursAfter) * time.Hour),
		Place: types.Place{Point: types.LatLng{Lat: 35.85, Lng: 43.65}}}
}

func TestReportPositionOrdersByReportTime(t *testing.T) {
	tests := []struct {
		name      string
		reports   []Position
		wantMoved []bool
		wantLast  string
		wantOrder []string
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
				if got := u.ReportPosition(p); got != tt.wantMoved[i] {
					t.Errorf("report %s: moved = %v, want %v", p.ID, got, tt.wantMoved[i])
				}
			}
			if u.LastPosition == nil || u.LastPosition.ID != tt.wantLast {
				t.Fatalf("last position = %+v, want %s", u.LastPosition, tt.wantLast)
			}
			if got := ids(u.Positions); fmt.Sprint(got) != fmt.Sprint(tt.wantOrder) {
				t.Fatalf("history = %v, want %v", got, tt.wantOrder)
			}
		})
	}
}

func TestReportPositionCapsHistory(t *testing.T) {
	var u Unit
	for i := 0; i < MaxPositions+20; i++ {
		u.ReportPosition(report(fmt.Sprintf("r%03d", i), i))
	}
	if len(u.Positions) != MaxPositions {
		t.Fatalf("history holds %d reports, want %d", len(u.Positions), MaxPositions)
	}
	newest, oldest := u.Positions[0].ID, u.Positions[MaxPositions-1].ID
	if newest != fmt.Sprintf("r%03d", MaxPositions+19) || oldest != "r020" {
		t.Fatalf("history spans %s..%s, want r%03d..r020 (the newest kept)", newest, oldest, MaxPositions+19)
	}
	// A late report older than everything kept ages out at once and moves nothing.
	if moved := u.ReportPosition(report("late", -5)); moved {
		t.Fatal("a report older than the last position moved the unit")
	}
	if _, kept := find(u.Positions, "late"); kept || len(u.Positions) != MaxPositions {
		t.Fatalf("late report kept = %v, history %d; want dropped, %d", kept, len(u.Positions), MaxPositions)
	}
	// A late report newer than the oldest kept stays, in order, pushing the oldest out.
	u.ReportPosition(report("late-but-kept", 50))
	if i, kept := find(u.Positions, "late-but-kept"); !kept || u.Positions[i-1].ReportTime.Before(u.Positions[i].ReportTime) {
		t.Fatalf("late report kept = %v at %d; want kept in order", kept, i)
	}
	if u.Positions[MaxPositions-1].ID != "r021" {
		t.Fatalf("oldest kept = %s, want r021", u.Positions[MaxPositions-1].ID)
	}
}

func TestReportForFindsTheRetriedReport(t *testing.T) {
	var u Unit
	p := report("a", 0)
	p.RequestID = "req-1"
	u.ReportPosition(p)
	old := report("b", -1)
	old.RequestID = "req-2"
	u.ReportPosition(old)
	tests := []struct {
		id        string
		wantFound bool
		wantMoved bool
	}{{"req-1", true, true}, {"req-2", true, false}, {"req-3", false, false}, {"", false, false}}
	for _, tt := range tests {
		got, ok := u.ReportFor(tt.id)
		if ok != tt.wantFound || got.Moved != tt.wantMoved {
			t.Errorf("ReportFor(%q) = moved %v found %v, want %v %v", tt.id, got.Moved, ok, tt.wantMoved, tt.wantFound)
		}
	}
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
		{"person known by role only", (&Person{Role: types.LocalizedName{English: "West Nineveh Operations Commander"}}).CheckIdentified("role"), ""},
		{"person known by name only", (&Person{DisplayName: types.LocalizedName{Arabic: "جمال محمد عمر"}}).CheckIdentified("role"), ""},
		{"person with aliases only", (&Person{DisplayName: types.LocalizedName{Aliases: []string{"x"}}}).CheckIdentified("role"), "PERSON_UNIDENTIFIED"},
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

func find(ps []Position, id string) (int, bool) {
	for i, p := range ps {
		if p.ID == id {
			return i, true
		}
	}
	return -1, false
}
