package placement

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/tansiq/tansiq/gateway/internal/assess"
	"github.com/tansiq/tansiq/gateway/internal/gwtest"
	"github.com/tansiq/tansiq/gateway/internal/zones"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
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
	m := NewMemory()
	m.Put(placed("incidents/a", 1, 18, "zones/makhmour"))
	m.Put(placed("incidents/b", 2, 0, "zones/makhmour", "zones/qarachogh"))
	m.Put(placed("incidents/c", 5, 3, "zones/kifri"))
	m.Put(placed("incidents/d", 3, 1))                 // in no zone: held, never listed
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
	if m.Len() != 4 {
		t.Errorf("Len = %d, want 4", m.Len())
	}
	if p, ok := m.Get("incidents/d"); !ok || len(p.Zones) != 0 {
		t.Errorf("Get(incidents/d) = %v, %v; want its placement in no zone", p, ok)
	}
	m.Put(placed("incidents/a", 1, 18)) // no longer in any zone
	if got := names(m.Between([]string{"zones/makhmour"}, day0, day0.AddDate(0, 0, 30))); !slices.Equal(got, []string{"incidents/b"}) {
		t.Errorf("after incidents/a left every zone: %v", got)
	}
}

func TestMemoryCandidates(t *testing.T) {
	m := NewMemory()
	at := func(name string, lat, lng float64, zones ...string) Placement {
		p := placed(name, 1, 0, zones...)
		p.Place.Point.Lat, p.Place.Point.Lng = lat, lng
		return p
	}
	m.Put(at("incidents/in-zone-outside-box", 30, 40, "zones/z"))
	m.Put(at("incidents/in-box", 35.5, 43.5))
	m.Put(at("incidents/in-both", 35.6, 43.6, "zones/z"))
	m.Put(at("incidents/elsewhere", 36.5, 44.5, "zones/y"))
	b := &zones.Bounds{MinLat: 35, MinLng: 43, MaxLat: 36, MaxLng: 44}
	if got, want := names(m.Candidates("zones/z", b)), []string{"incidents/in-both", "incidents/in-box", "incidents/in-zone-outside-box"}; !slices.Equal(got, want) {
		t.Errorf("Candidates(z, box) = %v, want %v", got, want)
	}
	if got, want := names(m.Candidates("zones/z", nil)), []string{"incidents/in-both", "incidents/in-zone-outside-box"}; !slices.Equal(got, want) {
		t.Errorf("Candidates(z deleted) = %v, want %v", got, want)
	}
}

// maxBytesPerPlacement bounds what memory takes per incident (the README's figure at
// 100,000 incidents comes from this test's log).
const maxBytesPerPlacement = 1024

func TestMemoryPerPlacement(t *testing.T) {
	const n = 100_000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := NewMemory()
	for i := range n {
		in := gwtest.Incident(fmt.Sprintf("incidents/%08x-attack-near-makhmour", i), 35+float64(i%1000)/1000, 43.6, day0, 3)
		in.Title = "Attack on an army checkpoint near the Makhmour road"
		in.Place.Name = &typev1.LocalizedName{Arabic: "مخمور", Sorani: "مەخموور", English: "Makhmour"}
		p := FromIncident(in)
		if i%3 == 0 {
			p.Zones = []string{"zones/makhmour"}
		}
		m.Put(p)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := int(after.HeapAlloc-before.HeapAlloc) / n
	t.Logf("%d placements: %d bytes each, %.1f MiB", n, per, float64(after.HeapAlloc-before.HeapAlloc)/(1<<20))
	if per > maxBytesPerPlacement {
		t.Errorf("%d bytes per placement, want at most %d", per, maxBytesPerPlacement)
	}
	runtime.KeepAlive(m)
}

func TestMemoryThreat(t *testing.T) {
	m := NewMemory()
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
