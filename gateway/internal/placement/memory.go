package placement

import (
	"sync"
	"time"

	"github.com/tansiq/tansiq/gateway/internal/assess"
	"github.com/tansiq/tansiq/gateway/internal/zones"
)

// Memory holds the placement of every incident, also those in no zone (a zone drawn
// later may take them in), by name and by zone: the previous placement of an incident, the
// incidents a zone change may move, threat levels and coverage all come from it, never
// from a store query. It has no limit: it grows with the incidents (measured in
// TestMemoryPerPlacement; the README gives the figure at 100,000), as the incident
// service's own cache of them does. Placements are never modified once put, so a reader
// may keep one. It is safe for concurrent use.
type Memory struct {
	mu     sync.RWMutex
	byName map[string]*Placement
	byZone map[string]map[string]*Placement
}

// NewMemory returns an empty memory.
func NewMemory() *Memory {
	return &Memory{byName: map[string]*Placement{}, byZone: map[string]map[string]*Placement{}}
}

// Get returns the incident's placement, if memory has one.
func (m *Memory) Get(name string) (Placement, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	p, ok := m.byName[name]
	if !ok {
		return Placement{}, false
	}
	return *p, true
}

// Put records p, replacing the incident's earlier placement.
func (m *Memory) Put(p Placement) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.remove(p.Name)
	m.byName[p.Name] = &p
	for _, z := range p.Zones {
		if m.byZone[z] == nil {
			m.byZone[z] = map[string]*Placement{}
		}
		m.byZone[z][p.Name] = &p
	}
}

func (m *Memory) remove(name string) {
	old, ok := m.byName[name]
	if !ok {
		return
	}
	delete(m.byName, name)
	for _, z := range old.Zones {
		delete(m.byZone[z], name)
		if len(m.byZone[z]) == 0 {
			delete(m.byZone, z)
		}
	}
}

// Between returns the incidents placed in the given zones (in any zone when zones is nil)
// that happened in [from, to), in no particular order.
func (m *Memory) Between(zones []string, from, to time.Time) []Placement {
	m.mu.RLock()
	defer m.mu.RUnlock()
	in := func(p *Placement) bool { return !p.OccurTime.Before(from) && p.OccurTime.Before(to) }
	var out []Placement
	if zones == nil {
		for _, p := range m.byName {
			if len(p.Zones) > 0 && in(p) {
				out = append(out, *p)
			}
		}
		return out
	}
	seen := map[string]bool{}
	for _, z := range zones {
		for name, p := range m.byZone[z] {
			if !seen[name] && in(p) {
				seen[name] = true
				out = append(out, *p)
			}
		}
	}
	return out
}

// Candidates returns the placements a change of zone may move: those placed in it, and
// those whose point lies within b (its new bounding box; nil once it is deleted).
func (m *Memory) Candidates(zone string, b *zones.Bounds) []Placement {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Placement
	for _, p := range m.byZone[zone] {
		out = append(out, *p)
	}
	if b == nil {
		return out
	}
	for _, p := range m.byName {
		pt := p.Place.Point
		if _, in := m.byZone[zone][p.Name]; !in && pt.Lat >= b.MinLat && pt.Lat <= b.MaxLat && pt.Lng >= b.MinLng && pt.Lng <= b.MaxLng {
			out = append(out, *p)
		}
	}
	return out
}

// All returns every placement, to be read only.
func (m *Memory) All() []*Placement {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]*Placement, 0, len(m.byName))
	for _, p := range m.byName {
		out = append(out, p)
	}
	return out
}

// Threat rates zone by its placed incidents as of now (assess.ThreatLevel).
func (m *Memory) Threat(zone string, now time.Time) (assess.Level, string) {
	m.mu.RLock()
	incs := make([]assess.Incident, 0, len(m.byZone[zone]))
	for _, p := range m.byZone[zone] {
		incs = append(incs, p.ForCoverage())
	}
	m.mu.RUnlock()
	return assess.ThreatLevel(incs, now)
}

// Len returns how many incidents memory holds, in a zone or not.
func (m *Memory) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.byName)
}
