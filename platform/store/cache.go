package store

import (
	"slices"
	"sort"
	"sync"
)

// cache is a process's copy of one collection: every live document (decoded once, never
// modified after it is stored here: a change replaces the pointer), what remains of the
// deleted ones, the request ids of creates, the declared orders and indexes, and a ring of
// the latest changes that watchers read from. It is changed only by apply, in log order.
type cache[T any] struct {
	mu       sync.RWMutex
	pos      int64 // every log entry up to pos is applied
	docs     map[string]*Doc[T]
	gone     map[string]tombstone
	requests map[string]string // create request id -> name
	orders   map[string]*order[T]
	indexes  map[string]*index[T]
	ring     []Event[T] // the latest changes, ring[i].Seq == ringFirst+i
	ringSize int
	changed  chan struct{} // closed (and replaced) by every apply
}

// Event is one change as watchers receive it: the document's new state, or its last state
// with Deleted set; Doc is nil for a fence (no change to send).
type Event[T any] struct {
	Seq     int64
	Doc     *Doc[T]
	Deleted bool
}

type order[T any] struct {
	less   func(a, b *Doc[T]) bool
	sorted []*Doc[T]
}

type index[T any] struct {
	keys  func(*Doc[T]) []string
	names map[string]map[string]struct{} // key -> names
}

func newCache[T any](ringSize int) *cache[T] {
	return &cache[T]{docs: map[string]*Doc[T]{}, gone: map[string]tombstone{}, requests: map[string]string{},
		orders: map[string]*order[T]{}, indexes: map[string]*index[T]{}, ringSize: ringSize, changed: make(chan struct{})}
}

// current returns the live document named name, or its tombstone.
func (s *cache[T]) current(name string) (*Doc[T], tombstone, bool) {
	if d, ok := s.docs[name]; ok {
		return d, tombstone{}, true
	}
	t, ok := s.gone[name]
	return nil, t, ok
}

// seqOf is the sequence of the latest change to name (0 if none is known).
func (s *cache[T]) seqOf(name string) int64 {
	if d, ok := s.docs[name]; ok {
		return d.Seq
	}
	return s.gone[name].Seq
}

// reset empties the cache and loads it with stored documents and tombstones at position
// pos, then builds the orders and indexes once. Watchers are woken: their changes are no
// longer in the ring, so they continue from the cache's state.
func (s *cache[T]) reset(docs []*Doc[T], gone []tombstone, pos int64) {
	s.docs, s.gone, s.requests, s.ring = map[string]*Doc[T]{}, map[string]tombstone{}, map[string]string{}, nil
	for _, ix := range s.indexes {
		ix.names = map[string]map[string]struct{}{}
	}
	for _, d := range docs {
		s.docs[d.Name] = d
		s.requests[d.RequestID] = d.Name
	}
	for _, t := range gone {
		if d, ok := s.docs[t.Name]; ok && d.Seq > t.Seq {
			continue
		}
		delete(s.docs, t.Name)
		s.gone[t.Name] = t
		if t.RequestID != "" {
			s.requests[t.RequestID] = t.Name
		}
	}
	s.pos = pos
	for _, o := range s.orders {
		o.sorted = make([]*Doc[T], 0, len(s.docs))
		for _, d := range s.docs {
			o.sorted = append(o.sorted, d)
		}
		sort.Slice(o.sorted, func(i, j int) bool { return o.less(o.sorted[i], o.sorted[j]) })
	}
	for _, ix := range s.indexes {
		for _, d := range s.docs {
			ix.add(d)
		}
	}
	close(s.changed)
	s.changed = make(chan struct{})
}

// apply adds the log entry e, which must be the next one (e.Seq == pos+1; older ones are
// ignored). A document already newer than e (loaded from the materialisation) keeps its
// state; the position and the watchers' ring move on regardless.
func (s *cache[T]) apply(e *entry[T]) bool {
	if e.Seq != s.pos+1 {
		return false
	}
	s.pos = e.Seq
	ev := Event[T]{Seq: e.Seq, Doc: e.Doc, Deleted: e.Deleted}
	if !e.Fence && s.seqOf(e.Doc.Name) < e.Seq {
		old := s.docs[e.Doc.Name]
		if old != nil {
			s.unlink(old)
		}
		if e.Deleted {
			delete(s.docs, e.Doc.Name)
			s.gone[e.Doc.Name] = tombstone{Name: e.Doc.Name, Owner: e.Doc.Owner, Etag: e.Doc.Etag, Seq: e.Seq, RequestID: e.Doc.RequestID}
		} else {
			delete(s.gone, e.Doc.Name)
			s.docs[e.Doc.Name] = e.Doc
			s.link(e.Doc)
		}
		s.requests[e.Doc.RequestID] = e.Doc.Name
	}
	s.ring = append(s.ring, ev)
	if len(s.ring) >= 2*s.ringSize {
		s.ring = append(s.ring[:0:0], s.ring[len(s.ring)-s.ringSize:]...)
	}
	close(s.changed)
	s.changed = make(chan struct{})
	return true
}

func (s *cache[T]) link(d *Doc[T]) {
	for _, o := range s.orders {
		i := sort.Search(len(o.sorted), func(i int) bool { return !o.less(o.sorted[i], d) })
		o.sorted = slices.Insert(o.sorted, i, d)
	}
	for _, ix := range s.indexes {
		ix.add(d)
	}
}

func (s *cache[T]) unlink(d *Doc[T]) {
	for _, o := range s.orders {
		i := sort.Search(len(o.sorted), func(i int) bool { return !o.less(o.sorted[i], d) })
		for ; i < len(o.sorted) && !o.less(d, o.sorted[i]); i++ {
			if o.sorted[i] == d {
				o.sorted = slices.Delete(o.sorted, i, i+1)
				break
			}
		}
	}
	for _, ix := range s.indexes {
		for _, k := range ix.keys(d) {
			if set := ix.names[k]; set != nil {
				delete(set, d.Name)
				if len(set) == 0 {
					delete(ix.names, k)
				}
			}
		}
	}
}

func (ix *index[T]) add(d *Doc[T]) {
	for _, k := range ix.keys(d) {
		set := ix.names[k]
		if set == nil {
			set = map[string]struct{}{}
			ix.names[k] = set
		}
		set[d.Name] = struct{}{}
	}
}

// since returns the changes after seq held in the ring; behind is true if some of them
// have already left it.
func (s *cache[T]) since(seq int64) (evs []Event[T], behind bool) {
	if seq >= s.pos {
		return nil, false
	}
	if len(s.ring) == 0 || seq+1 < s.ring[0].Seq {
		return nil, true
	}
	return s.ring[seq+1-s.ring[0].Seq:], false
}
