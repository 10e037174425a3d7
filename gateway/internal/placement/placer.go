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

// Notifier records that zones' operational pictures changed.
type Notifier interface {
	// UpdatedMany records one change per zone of changes, caused by the records listed.
	UpdatedMany(ctx context.Context, changes map[string][]string)
}

// MaxCauses bounds the causes one picture change lists: a batch that changes a zone
// because of more incidents names the first MaxCauses (the picture sent with the change
// is the zone's whole picture, so none is lost).
const MaxCauses = 50

// Placer places incidents in zones and keeps the placements in memory. Placing and
// re-placing are serialised within the process, so a zone change and an incident event
// never leave an incident placed against an area it no longer has.
type Placer struct {
	mem     *Memory
	catalog *zones.Catalog
	notify  Notifier
	log     *slog.Logger
	now     func() time.Time
	mu      sync.Mutex
}

// NewPlacer returns a placer over the memory and the zones of catalog. notify may be nil.
func NewPlacer(mem *Memory, catalog *zones.Catalog, notify Notifier, log *slog.Logger) *Placer {
	if log == nil {
		log = slog.Default()
	}
	return &Placer{mem: mem, catalog: catalog, notify: notify, log: log, now: time.Now}
}

// zonesOf returns the zones containing the placement's point.
func (p *Placer) zonesOf(pl Placement) []string {
	z := p.catalog.Containing(geo.Point{Lat: pl.Place.Point.Lat, Lng: pl.Place.Point.Lng})
	if z == nil {
		z = []string{}
	}
	return z
}

// Place places incidents as they now stand (a batch of the incident stream, in order)
// and returns how many placements changed. Each zone an incident enters or leaves, or
// whose picture it changes, is notified once for the whole batch.
func (p *Placer) Place(ctx context.Context, incidents ...*incidentv1.Incident) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := changed{}
	n := 0
	for _, in := range incidents {
		pl := FromIncident(in)
		pl.Zones = p.zonesOf(pl)
		old, found := p.mem.Get(pl.Name)
		if p.put(pl, old, found, c) {
			n++
		}
	}
	p.flush(ctx, c, "")
	return n
}

// put records pl unless it is the same as old, noting the zones it concerns in c.
func (p *Placer) put(pl, old Placement, found bool, c changed) bool {
	if found && same(pl, old) {
		return false
	}
	pl.PlaceTime = reqcheck.Stored(p.now())
	p.mem.Put(pl)
	c.add(pl.Zones, pl.Name)
	if found {
		c.add(old.Zones, pl.Name)
	}
	return true
}

// flush notifies the zones of c, except skip (a zone whose writer notifies it itself).
func (p *Placer) flush(ctx context.Context, c changed, skip string) {
	delete(c, skip)
	if p.notify != nil && len(c) > 0 {
		p.notify.UpdatedMany(ctx, c)
	}
}

// changed collects the zones whose picture changed, each once, with its causes.
type changed map[string][]string

func (c changed) add(zones []string, cause string) {
	for _, z := range zones {
		causes := c[z]
		if len(causes) < MaxCauses && !slices.Contains(causes, cause) {
			causes = append(causes, cause)
		}
		c[z] = causes
	}
}

// ZoneChanged re-places the incidents a change of the zone's area (or its deletion) may
// move: those placed in it and those within its new bounding box. The zone itself is
// not notified: its writer does that.
func (p *Placer) ZoneChanged(ctx context.Context, zone string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b *zones.Bounds
	if e, ok := p.catalog.Get(zone); ok {
		bb := zones.BoundsOf(e.Geometry)
		b = &bb
	}
	c := changed{}
	for _, old := range p.mem.Candidates(zone, b) {
		pl := old
		pl.Zones = p.zonesOf(old)
		p.put(pl, old, true, c)
	}
	p.flush(ctx, c, zone)
	return nil
}

// Reconcile re-places every incident in memory against the zones as they are now. Run at
// start, after memory is loaded from a snapshot, it places the incidents in the zones
// changed since the snapshot was written.
func (p *Placer) Reconcile(ctx context.Context) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := changed{}
	moved := 0
	for _, old := range p.mem.All() {
		pl := *old
		pl.Zones = p.zonesOf(pl)
		if p.put(pl, *old, true, c) {
			moved++
		}
	}
	p.flush(ctx, c, "")
	if moved > 0 {
		p.log.Info("incidents re-placed at start", "count", moved)
	}
}

// Threat rates a zone by the incidents placed in it, as of now.
func (p *Placer) Threat(zone string, now time.Time) (assess.Level, string) {
	return p.mem.Threat(zone, now)
}

// Between returns the incidents placed in the given zones (nil: in any zone) that
// happened in [from, to).
func (p *Placer) Between(zoneNames []string, from, to time.Time) []Placement {
	return p.mem.Between(zoneNames, from, to)
}
