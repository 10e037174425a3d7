package placement

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tansiq/tansiq/gateway/internal/assess"
)

var day0 = time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC)

func placed(name string, day int, casualties int32, zones ...string) Placement {
	return Placement{Name: name, Zones: zones, OccurTime: day0.Add(time.Duration(day) * 24 * time.Hour), Casualties: casualties}
}

func names(ps []Placement) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	slices.Sort(out)
	return out
}

func TestMemoryBetween(t *testing.T) {
	m := NewMemory(100)
	m.Put(placed("incidents/a", 1, 18, "zones/makhmour"))
	m.Put(placed("incidents/b", 2, 0, "zones/makhmour", "zones/qarachogh"))
	m.Put(placed("incidents/c", 5, 3, "zones/kifri"))
	m.Put(placed("incidents/d", 3, 1))                 // in no zone: not held
	m.Put(placed("incidents/c", 6, 3, "zones/kirkuk")) // moved: replaces the first placement
	tests := []struct {
		zones    []string
		from, to int
		want     []string
	}{
		{nil, 0, 30, []string{"incidents/a", "incidents/b", "incidents/c"}},
		{[]string{"zones/makhmour"}, 0, 30, []string{"incidents/a", "incidents/b"}},
		{[]string{"zones/makhmour", "zones/qarachogh"}, 0, 30, []string{"incidents/a", "incidents/b"}},
		{[]string{"zones/makhmour"}, 2, 30, []string{"incidents/b"}},
		{[]string{"zones/makhmour"}, 0, 2, []string{"incidents/a"}},
		{[]string{"zones/kifri"}, 0, 30, nil},
		{[]string{"zones/kirkuk"}, 0, 30, []string{"incidents/c"}},
	}
	for _, tt := range tests {
		got := names(m.Between(tt.zones, day0.AddDate(0, 0, tt.from), day0.AddDate(0, 0, tt.to)))
		if !slices.Equal(got, tt.want) {
			t.Errorf("Between(%v, day %d, day %d) = %v, want %v", tt.zones, tt.from, tt.to, got, tt.want)
		}
	}
	if m.Len() != 3 {
		t.Errorf("Len = %d, want 3", m.Len())
	}
	m.Put(placed("incidents/a", 1, 18)) // no longer in any zone
	if got := names(m.Between([]string{"zones/makhmour"}, day0, day0.AddDate(0, 0, 30))); !slices.Equal(got, []string{"incidents/b"}) {
		t.Errorf("after incidents/a left every zone: %v", got)
	}
}

func TestMemoryForgetsOldestPastItsLimit(t *testing.T) {
	m := NewMemory(10)
	for i := range 12 {
		m.Put(placed(fmt.Sprintf("incidents/i%02d", i), i, 0, "zones/z"))
	}
	// The 11th put forgets the two oldest (one too many, and a tenth of the limit more),
	// the 12th fits.
	if got := m.Len(); got != 10 {
		t.Errorf("Len = %d, want 10", got)
	}
	if m.Complete(day0.AddDate(0, 0, 1)) {
		t.Error("Complete at the horizon (the latest day forgotten): want false")
	}
	if !m.Complete(day0.AddDate(0, 0, 1).Add(time.Nanosecond)) {
		t.Error("Complete after the horizon: want true")
	}
	// An incident as old as what was forgotten is not taken back in.
	m.Put(placed("incidents/old", 0, 0, "zones/z"))
	if got := names(m.Between(nil, day0, day0.AddDate(0, 0, 2))); got != nil {
		t.Errorf("Between the forgotten days = %v, want nothing", got)
	}
	if got := names(m.Between(nil, day0, day0.AddDate(0, 0, 3))); !slices.Equal(got, []string{"incidents/i02"}) {
		t.Errorf("Between the first days kept = %v, want incidents/i02", got)
	}
}

func TestMemoryThreat(t *testing.T) {
	m := NewMemory(100)
	m.Put(placed("incidents/khidr-jija", 1, 18, "zones/makhmour"))
	m.Put(placed("incidents/liheban", 1, 0, "zones/makhmour"))
	now := day0.AddDate(0, 0, 9)
	got, reason := m.Threat("zones/makhmour", now)
	if got != assess.LevelHigh || reason != "2 incidents with 18 casualties in the last 30 days" {
		t.Errorf("Threat(makhmour) = %v, %q; want high", got, reason)
	}
	if got, _ := m.Threat("zones/sinjar", now); got != assess.LevelMinimal {
		t.Errorf("Threat(sinjar) = %v, want minimal", got)
	}
}
