package geo

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/tidwall/rtree"
)

// ErrExists is returned by Index.Insert for an id the index already holds.
var ErrExists = errors.New("geo: zone already indexed")

// InvalidGeometryError is returned by Index.Insert and Index.Replace for a geometry
// Validate rejects; it carries the violations.
type InvalidGeometryError struct {
	Violations []Violation
}

func (e *InvalidGeometryError) Error() string {
	return fmt.Sprintf("geo: invalid geometry (%d problems, first: %s: %s)",
		len(e.Violations), e.Violations[0].Field, e.Violations[0].Description)
}

// Index finds the zones that contain a point. Each polygon of each zone sits in an
// R-tree under its bounding box; a lookup takes the boxes that hold the point and
// tests only those polygons exactly, so it stays fast with thousands of zones.
//
// It is safe for any number of concurrent readers alongside writers (writes are
// serialised), and holds only the zones put in it: memory grows with their points.
// The zero value is not usable: call NewIndex.
type Index struct {
	mu    sync.RWMutex
	tree  rtree.RTreeG[*part]
	zones map[string][]*part
}

// part is one polygon of a zone, as the R-tree holds it.
type part struct {
	id string
	prepared
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{zones: make(map[string][]*part)}
}

// Insert adds zone id with geometry g. It fails with ErrExists if id is already
// there, and with an *InvalidGeometryError if Validate rejects g.
func (x *Index) Insert(id string, g Geometry) error {
	parts, err := newParts(id, g)
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if _, ok := x.zones[id]; ok {
		return fmt.Errorf("%w: %q", ErrExists, id)
	}
	x.add(id, parts)
	return nil
}

// Replace sets the geometry of zone id to g, adding the zone if it is not there. It
// fails with an *InvalidGeometryError if Validate rejects g, leaving the index as it was.
func (x *Index) Replace(id string, g Geometry) error {
	parts, err := newParts(id, g)
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.remove(id)
	x.add(id, parts)
	return nil
}

// Delete removes zone id and reports whether it was there.
func (x *Index) Delete(id string) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.remove(id)
}

// Len returns the number of zones in the index.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.zones)
}

// Containing returns the ids of the zones that contain pt (see Contains for the
// boundary rule), sorted, or nil when there are none.
func (x *Index) Containing(pt Point) []string {
	return x.AppendContaining(nil, pt)
}

// AppendContaining appends to dst the sorted ids of the zones that contain pt, so a
// caller placing many points can reuse one slice.
func (x *Index) AppendContaining(dst []string, pt Point) []string {
	start := len(dst)
	op := pt.orb()
	x.mu.RLock()
	x.tree.Search(op, op, func(_, _ [2]float64, p *part) bool {
		if p.contains(op) {
			dst = append(dst, p.id)
		}
		return true
	})
	x.mu.RUnlock()
	found := dst[start:]
	if len(found) > 1 {
		slices.Sort(found)
		// Parts of one zone may overlap; list the zone once.
		dst = append(dst[:start], slices.Compact(found)...)
	}
	return dst
}

func newParts(id string, g Geometry) ([]*part, error) {
	if vs := Validate(g); len(vs) > 0 {
		return nil, &InvalidGeometryError{Violations: vs}
	}
	mp := g.Polygons().orb()
	parts := make([]*part, len(mp))
	for i, p := range mp {
		parts[i] = &part{id: id, prepared: prepare(p)}
	}
	return parts, nil
}

func (x *Index) add(id string, parts []*part) {
	for _, p := range parts {
		x.tree.Insert(p.min, p.max, p)
	}
	x.zones[id] = parts
}

func (x *Index) remove(id string) bool {
	parts, ok := x.zones[id]
	if !ok {
		return false
	}
	for _, p := range parts {
		x.tree.Delete(p.min, p.max, p)
	}
	delete(x.zones, id)
	return true
}
