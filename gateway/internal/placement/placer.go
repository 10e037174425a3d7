package placement

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/tansiq/tansiq/gateway/internal/assess"
	"github.com/tansiq/tansiq/gateway/internal/geo"
	"github.com/tansiq/tansiq/gateway/internal/zones"
	"github.com/tansiq/tansiq/platform/reqcheck"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// Notifier records that a zone's operational picture changed.
type Notifier interface {
	Updated(ctx context.Context, zone string, causes ...string)
}

// Placer places incidents in zones and keeps the placements, in the store and in memory.
// Placing and re-placing are serialised within the process, so a zone change and an
// incident event never leave an incident placed against an area it no longer has.
type Placer struct {
	store   *Store
	mem     *Memory
	catalog *zones.Catalog
	notify  Notifier
	log     *slog.Logger
	now     func() time.Time
	mu      sync.Mutex
}

// NewPlacer returns a placer over the store, the memory and the zones of catalog.
// notify may be nil.
func NewPlacer(s *Store, mem *Memory, catalog *zones.Catalog, notify Notifier, log *slog.Logger) *Placer {
	if log == nil {
		log = slog.Default()
	}
	return &Placer{store: s, mem: mem, catalog: catalog, notify: notify, log: log, now: time.Now}
}

// zonesOf returns the zones containing the placement's point.
func (p *Placer) zonesOf(pl Placement) []string {
	z := p.catalog.Containing(geo.Point{Lat: pl.Place.Point.Lat, Lng: pl.Place.Point.Lng})
	if z == nil {
		z = []string{}
	}
	return z
}

// Place places an incident as it now stands and stores its placement, unless nothing
// changed. The zones it leaves or enters, or whose picture it changes, are notified.
func (p *Placer) Place(ctx context.Context, in *incidentv1.Incident) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	pl := FromIncident(in)
	pl.Zones = p.zonesOf(pl)
	old, found, err := p.store.Get(ctx, pl.Name)
	if err != nil {
		return err
	}
	return p.put(ctx, pl, old, found, "")
}

// put stores pl when it differs from old and notifies the zones it concerns, except
// skip (a zone whose writer notifies it itself).
func (p *Placer) put(ctx context.Context, pl, old Placement, found bool, skip string) error {
	if found && same(pl, old) {
		p.mem.Put(old) // memory may not have it yet (at start)
		return nil
	}
	pl.PlaceTime = reqcheck.Stored(p.now())
	if err := p.store.Put(ctx, pl); err != nil {
		return err
	}
	p.mem.Put(pl)
	if p.notify == nil {
		return nil
	}
	affected := slices.Clone(pl.Zones)
	if found {
		affected = append(affected, old.Zones...)
	}
	slices.Sort(affected)
	for _, z := range slices.Compact(affected) {
		if z != skip {
			p.notify.Updated(ctx, z, pl.Name)
		}
	}
	return nil
}

// ZoneChanged re-places the stored incidents a change of the zone's area (or its
// deletion) may move: those placed in it and those within its new bounding box. The
// zone itself is not notified: its writer does that.
func (p *Placer) ZoneChanged(ctx context.Context, zone string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b *zones.Bounds
	if e, ok := p.catalog.Get(zone); ok {
		bb := zones.BoundsOf(e.Geometry)
		b = &bb
	}
	cands, err := p.store.Candidates(ctx, zone, b)
	if err != nil {
		return err
	}
	for _, old := range cands {
		pl := old
		pl.Zones = p.zonesOf(old)
		if err := p.put(ctx, pl, old, true, zone); err != nil {
			return err
		}
	}
	return nil
}

// Reconcile re-places every stored incident against the zones as they are now and
// fills memory. Run at start, it repairs what a crash between a zone write and its
// re-placement left behind.
func (p *Placer) Reconcile(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var moved []Placement
	var olds []Placement
	err := p.store.Each(ctx, func(old Placement) error {
		pl := old
		pl.Zones = p.zonesOf(old)
		if slices.Equal(pl.Zones, old.Zones) {
			p.mem.Put(old)
			return nil
		}
		moved, olds = append(moved, pl), append(olds, old)
		return nil
	})
	if err != nil {
		return err
	}
	// Written after the scan, not during it: the cursor must not meet its own writes.
	for i := range moved {
		if err := p.put(ctx, moved[i], olds[i], true, ""); err != nil {
			return err
		}
	}
	if len(moved) > 0 {
		p.log.Info("incidents re-placed at start", "count", len(moved))
	}
	return nil
}

// Threat rates a zone by the incidents placed in it, as of now.
func (p *Placer) Threat(zone string, now time.Time) (assess.Level, string) {
	return p.mem.Threat(zone, now)
}

// Between returns the incidents placed in the given zones (nil: in any zone) that
// happened in [from, to): from memory when it reaches back that far, else from the store.
func (p *Placer) Between(ctx context.Context, zoneNames []string, from, to time.Time) ([]Placement, error) {
	if p.mem.Complete(from) {
		return p.mem.Between(zoneNames, from, to), nil
	}
	all, err := p.store.Between(ctx, from, to)
	if err != nil {
		return nil, err
	}
	if zoneNames == nil {
		return all, nil
	}
	var out []Placement
	for _, pl := range all {
		for _, z := range pl.Zones {
			if slices.Contains(zoneNames, z) {
				out = append(out, pl)
				break
			}
		}
	}
	return out, nil
}
