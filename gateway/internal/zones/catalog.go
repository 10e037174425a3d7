package zones

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/tansiq/tansiq/gateway/internal/geo"
	"github.com/tansiq/tansiq/platform/store"
)

// Entry is one zone as the catalog holds it: the stored document and its decoded area.
// Entries are never changed once in the catalog (a write puts a new one), so a reader may
// keep one without a lock.
type Entry struct {
	Doc      *Doc
	Geometry geo.Geometry
}

// Catalog mirrors the stored zones in memory, with a spatial index of their areas. It
// is filled from the zones collection at start and kept current by Follow (every
// replica's writes, as this process's cache of the collection follows its log) and by
// this process's own writes (before they return), so its memory grows with the zones held
// and nothing else. It is safe for concurrent use.
type Catalog struct {
	mu      sync.RWMutex
	entries map[string]*Entry
	gone    map[string]int64 // deleted zones: the latest change seen of each
	names   []string         // sorted; nil when it must be rebuilt
	index   *geo.Index
}

// NewCatalog returns an empty catalog.
func NewCatalog() *Catalog {
	return &Catalog{entries: map[string]*Entry{}, gone: map[string]int64{}, index: geo.NewIndex()}
}

// Load puts every stored zone in the catalog. A stored zone whose area cannot be read
// (which validation on write prevents) is logged and left out rather than stopping the
// gateway.
func (c *Catalog) Load(ctx context.Context, s *Store, log *slog.Logger) error {
	_, err := c.reload(ctx, s, nil, log)
	return err
}

// reload makes the catalog hold the stored zones as the store's cache has them now: each
// stored zone put (a newer state replaces the one held), each held zone no longer stored
// dropped. It returns the log position the catalog is at least as new as, to follow
// from, and calls moved (when set) for each zone whose area it changed.
func (c *Catalog) reload(ctx context.Context, s *Store, moved func(zone string), log *slog.Logger) (int64, error) {
	if log == nil {
		log = slog.Default()
	}
	// The position first: the zones listed after it are at least that new, so a zone
	// held at or below it and not listed was deleted (and one held above it may be this
	// process's own write, made since).
	at, err := s.CurrentSeq(ctx)
	if err != nil {
		return 0, err
	}
	docs, err := s.All(ctx)
	if err != nil {
		return 0, err
	}
	stored := make(map[string]bool, len(docs))
	var changed []string
	for _, d := range docs {
		stored[d.Name] = true
		if ok, err := c.put(d); err != nil {
			log.Error("zone left out of the catalog", "zone", d.Name, "error", err)
		} else if ok {
			changed = append(changed, d.Name)
		}
	}
	for _, e := range c.List() {
		if !stored[e.Doc.Name] && e.Doc.Seq <= at && c.remove(e.Doc.Name, e.Doc.Seq) {
			changed = append(changed, e.Doc.Name)
		}
	}
	if moved != nil {
		for _, zone := range changed {
			moved(zone)
		}
	}
	return at, nil
}

// Follow applies every change of the zones collection after the one numbered from (the
// position Load saw, or 0: every zone) until ctx ends: zones written through any
// replica. moved is called for each zone whose area the catalog took a change of
// (created, reshaped or deleted) that this process had not applied yet. A feed that
// stops (a watcher too slow for the store's ring) is resumed where it stopped; one whose
// position the store's log no longer holds (RESUME_TOKEN_EXPIRED: this process was behind
// the pruned log, and its cache reloaded) reloads the catalog and follows on from there.
func (c *Catalog) Follow(ctx context.Context, s *Store, from int64, moved func(zone string), log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	for ctx.Err() == nil {
		err := s.Follow(ctx, store.Token(from), false, func(d *Doc, _ string) error {
			var changed bool
			if d.Change == "deleted" {
				changed = c.remove(d.Name, d.Seq)
			} else if ok, err := c.put(d); err != nil {
				log.Error("zone left out of the catalog", "zone", d.Name, "error", err)
			} else {
				changed = ok
			}
			from = d.Seq
			if changed && moved != nil {
				moved(d.Name)
			}
			return nil
		})
		if errors.Is(err, store.ErrResumeTokenExpired) {
			log.Warn("zone feed behind the pruned log; reloading the catalog")
			at, rerr := c.reload(ctx, s, moved, log)
			if rerr == nil {
				from = at
				continue
			}
			err = rerr
		}
		if err != nil && ctx.Err() == nil {
			log.Warn("zone feed interrupted; resuming", "error", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
}

// Put adds or replaces a zone. A document no newer than the one held (a replayed create
// answered from the store, a change the follower applied first), or than its deletion,
// does not replace it.
func (c *Catalog) Put(d *Doc) error {
	_, err := c.put(d)
	return err
}

// put is Put, reporting whether the zone's area changed.
func (c *Catalog) put(d *Doc) (bool, error) {
	g, err := decodeStored(d.Body.GeoJSON)
	if err != nil {
		return false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old, ok := c.entries[d.Name]
	// Seq 0 is a zone not read from the store (tests put such zones): it always replaces.
	if ok && (old.Doc.Seq > d.Seq || old.Doc.Seq == d.Seq && d.Seq > 0) || d.Seq > 0 && c.gone[d.Name] >= d.Seq {
		return false, nil
	}
	if err := c.index.Replace(d.Name, g); err != nil {
		return false, fmt.Errorf("index %s: %w", d.Name, err)
	}
	if !ok {
		c.names = nil
	}
	delete(c.gone, d.Name)
	c.entries[d.Name] = &Entry{Doc: d, Geometry: g}
	return !ok || old.Doc.Body.GeoJSON != d.Body.GeoJSON, nil
}

// Remove drops a zone this process deleted.
func (c *Catalog) Remove(name string) { c.remove(name, 0) }

// remove drops a zone deleted by the change numbered seq (0: the latest held), and
// reports whether it was held.
func (c *Catalog) remove(name string, seq int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[name]
	if ok {
		seq = max(seq, e.Doc.Seq)
	}
	c.gone[name] = max(c.gone[name], seq)
	if !ok {
		return false
	}
	delete(c.entries, name)
	c.index.Delete(name)
	c.names = nil
	return true
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
