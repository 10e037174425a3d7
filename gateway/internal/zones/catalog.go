package zones

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/tansiq/tansiq/gateway/internal/geo"
)

// Entry is one zone as the catalog holds it: the stored document and its decoded area.
// Entries are never changed once in the catalog (a write puts a new one), so a reader may
// keep one without a lock.
type Entry struct {
	Doc      *Doc
	Geometry geo.Geometry
}

// Catalog mirrors the stored zones in memory, with a spatial index of their areas. It
// is filled from the store at start and kept current by this process's writes, so its
// memory grows with the zones held and nothing else. It is safe for concurrent use.
//
// Zone writes made by another gateway replica reach this catalog only at its next start:
// a deployment with several replicas should send zone writes to one of them (zones change
// rarely) until the catalog follows the zones collection (see package wiring).
type Catalog struct {
	mu      sync.RWMutex
	entries map[string]*Entry
	names   []string // sorted; nil when it must be rebuilt
	index   *geo.Index
}

// NewCatalog returns an empty catalog.
func NewCatalog() *Catalog {
	return &Catalog{entries: map[string]*Entry{}, index: geo.NewIndex()}
}

// Load puts every stored zone in the catalog. A stored zone whose area cannot be read
// (which validation on write prevents) is logged and left out rather than stopping the
// gateway.
func (c *Catalog) Load(ctx context.Context, s *Store, log *slog.Logger) error {
	docs, err := s.All(ctx)
	if err != nil {
		return err
	}
	for _, d := range docs {
		if err := c.Put(d); err != nil {
			log.Error("zone left out of the catalog", "zone", d.Name, "error", err)
		}
	}
	return nil
}

// Put adds or replaces a zone. A document older than the one held (a replayed create
// answered from the store) does not replace it.
func (c *Catalog) Put(d *Doc) error {
	g, err := decodeStored(d.Body.GeoJSON)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[d.Name]; ok && old.Doc.Seq > d.Seq {
		return nil
	}
	if err := c.index.Replace(d.Name, g); err != nil {
		return fmt.Errorf("index %s: %w", d.Name, err)
	}
	if _, ok := c.entries[d.Name]; !ok {
		c.names = nil
	}
	c.entries[d.Name] = &Entry{Doc: d, Geometry: g}
	return nil
}

// Remove drops a zone.
func (c *Catalog) Remove(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[name]; !ok {
		return
	}
	delete(c.entries, name)
	c.index.Delete(name)
	c.names = nil
}

// Get returns the named zone.
func (c *Catalog) Get(name string) (*Entry, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.entries[name]
	return e, ok
}

// Len returns the number of zones held.
func (c *Catalog) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}

// List returns every zone, by name.
func (c *Catalog) List() []*Entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.names == nil {
		c.names = make([]string, 0, len(c.entries))
		for n := range c.entries {
			c.names = append(c.names, n)
		}
		slices.Sort(c.names)
	}
	out := make([]*Entry, len(c.names))
	for i, n := range c.names {
		out[i] = c.entries[n]
	}
	return out
}

// Names returns the names of every zone, sorted.
func (c *Catalog) Names() []string {
	es := c.List()
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Doc.Name
	}
	return out
}

// Containing returns the names of the zones whose area contains pt (boundary included),
// sorted.
func (c *Catalog) Containing(pt geo.Point) []string {
	return c.index.Containing(pt)
}
