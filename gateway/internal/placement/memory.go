package placement

import (
	"slices"
	"sync"
	"time"

	"github.com/tansiq/tansiq/gateway/internal/assess"
)

// DefaultMemoryLimit is how many placed incidents the memory holds before it forgets the
// oldest: some tens of megabytes at most.
const DefaultMemoryLimit = 200_000

// Memory holds the incidents placed in at least one zone, by zone, so threat levels and
// coverage are computed without a store round trip. It is bounded: past its limit it
// forgets the incidents that happened longest ago (a tenth of the limit at a time) and
// remembers up to when it forgot, so that a question reaching further back is answered
// from the store instead. It is safe for concurrent use.
type Memory struct {
	mu     sync.RWMutex
	limit  int
	byName map[string]Placement
	byZone map[string]map[string]struct{}
	// horizon is the latest occur time forgotten: memory is complete after it.
	horizon time.Time
}

// NewMemory returns an empty memory holding at most limit incidents.
func NewMemory(limit int) *Memory {
	return &Memory{limit: max(limit, 1), byName: map[string]Placement{}, byZone: map[string]map[string]struct{}{}}
}

// Put records p, replacing the incident's earlier placement; one in no zone is dropped.
func (m *Memory) Put(p Placement) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.remove(p.Name)
	if len(p.Zones) == 0 || !p.OccurTime.After(m.horizon) {
		return
	}
	m.byName[p.Name] = p
	for _, z := range p.Zones {
		if m.byZone[z] == nil {
			m.byZone[z] = map[string]struct{}{}
		}
		m.byZone[z][p.Name] = struct{}{}
	}
	if len(m.byName) > m.limit {
		m.forget(len(m.byName) - m.limit + m.limit/10)
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

// forget drops the n incidents that happened longest ago and moves the horizon past them.
func (m *Memory) forget(n int) {
	all := make([]Placement, 0, len(m.byName))
	for _, p := range m.byName {
		all = append(all, p)
	}
	slices.SortFunc(all, func(a, b Placement) int { return a.OccurTime.Compare(b.OccurTime) })
	n = min(n, len(all))
	if n == 0 {
		return
	}
	m.horizon = all[n-1].OccurTime
	// Incidents at the horizon's very time go too, so "after the horizon" stays complete.
	for _, p := range all {
		if p.OccurTime.After(m.horizon) {
			break
		}
		m.remove(p.Name)
	}
}

// Complete reports whether memory holds every placed incident that happened at or after from.
func (m *Memory) Complete(from time.Time) bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return from.After(m.horizon)
}

// Between returns the placed incidents of the given zones (every zone when zones is nil)
// that happened in [from, to), in no particular order.
func (m *Memory) Between(zones []string, from, to time.Time) []Placement {
	m.mu.RLock()
	defer m.mu.RUnlock()
	in := func(p Placement) bool { return !p.OccurTime.Before(from) && p.OccurTime.Before(to) }
	var out []Placement
	if zones == nil {
		for _, p := range m.byName {
			if in(p) {
				out = append(out, p)
			}
		}
		return out
	}
	seen := map[string]bool{}
	for _, z := range zones {
		for name := range m.byZone[z] {
			if p := m.byName[name]; !seen[name] && in(p) {
				seen[name] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// Threat rates zone by its placed incidents as of now (assess.ThreatLevel).
func (m *Memory) Threat(zone string, now time.Time) (assess.Level, string) {
	m.mu.RLock()
	incs := make([]assess.Incident, 0, len(m.byZone[zone]))
	for name := range m.byZone[zone] {
		incs = append(incs, m.byName[name].ForCoverage())
	}
	m.mu.RUnlock()
	return assess.ThreatLevel(incs, now)
}

// Len returns how many incidents memory holds.
func (m *Memory) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.byName)
}
