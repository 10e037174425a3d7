// Package hub fans the bridge's picture out to every connected TAK client: it keeps the
// latest event of every uid, hands a new subscriber that picture, then every change, and
// drops a subscriber whose bounded queue is full rather than let one slow reader hold
// memory or delay the others.
package hub

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tansiq/tansiq/services/cotbridge/internal/cot"
)

// Frame is one event, encoded once for every subscriber.
type Frame struct {
	// UID is the event's uid; for a delete, the uid of the event it removes.
	UID string
	// Delete marks a frame that removes UID from the picture (a t-x-d-d event).
	Delete bool
	// Event is the event as sent.
	Event *cot.Event
	// XML is the event as a CoT XML stream message.
	XML []byte
	// Proto is the event as a TAK protocol version 1 payload (a serialized TakMessage).
	Proto []byte
	// Force, when set, is the only force whose clients may see the event (the position
	// of a unit whose force withholds it from the other); every other client gets
	// Withheld instead: a delete of UID, so that a client that saw it before loses it.
	Force    string
	Withheld *Frame
}

// For is the frame as a client of force sees it (force empty: a client of no known
// force, which sees only what both forces may).
func (f *Frame) For(force string) *Frame {
	if f.Force == "" || f.Force == force {
		return f
	}
	return f.Withheld
}

// Hub is the current picture and its subscribers. Its methods are safe for concurrent use.
type Hub struct {
	queueLen int

	mu      sync.Mutex
	current map[string]*Frame
	subs    map[*Sub]struct{}

	dropped atomic.Int64
}

// New returns a hub whose subscribers may fall at most queueLen frames behind.
func New(queueLen int) *Hub {
	return &Hub{queueLen: queueLen, current: map[string]*Frame{}, subs: map[*Sub]struct{}{}}
}

// Sub is one subscriber: it reads C until Dropped is closed.
type Sub struct {
	C       <-chan *Frame
	ch      chan *Frame
	dropped chan struct{}
}

// Dropped is closed when the subscriber fell a whole queue behind and was removed.
func (s *Sub) Dropped() <-chan struct{} { return s.dropped }

// Subscribe returns a new subscriber and the picture as it stands, zones first; every
// change published after the picture was taken arrives on the subscriber's channel.
func (h *Hub) Subscribe() (*Sub, []*Frame) {
	ch := make(chan *Frame, h.queueLen)
	s := &Sub{C: ch, ch: ch, dropped: make(chan struct{})}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.subs[s] = struct{}{}
	return s, h.snapshotLocked()
}

// Unsubscribe removes s; calling it for a dropped subscriber does nothing.
func (h *Hub) Unsubscribe(s *Sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, s)
}

// Publish makes f part of the picture (or removes its uid, for a delete) and queues it
// for every subscriber. A subscriber whose queue is full is dropped.
func (h *Hub) Publish(frames ...*Frame) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, f := range frames {
		if f.Delete {
			if _, ok := h.current[f.UID]; !ok {
				continue // nothing to remove: no subscriber has it
			}
			delete(h.current, f.UID)
		} else {
			h.current[f.UID] = f
		}
		for s := range h.subs {
			select {
			case s.ch <- f:
			default:
				delete(h.subs, s)
				close(s.dropped)
				h.dropped.Add(1)
			}
		}
	}
}

// Snapshot returns the picture as it stands, zones first.
func (h *Hub) Snapshot() []*Frame {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.snapshotLocked()
}

// Subscribers returns how many subscribers are connected.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Dropped returns how many subscribers were dropped for falling behind.
func (h *Hub) Dropped() int64 { return h.dropped.Load() }

func (h *Hub) snapshotLocked() []*Frame {
	out := make([]*Frame, 0, len(h.current))
	for _, f := range h.current {
		out = append(out, f)
	}
	// Shapes first, so a client draws the zones before what lies in them; then by uid,
	// so that every client receives the picture in the same order.
	slices.SortFunc(out, func(a, b *Frame) int {
		if sa, sb := isShape(a), isShape(b); sa != sb {
			if sa {
				return -1
			}
			return 1
		}
		return strings.Compare(a.UID, b.UID)
	})
	return out
}

func isShape(f *Frame) bool { return strings.HasPrefix(f.Event.Type, "u-d-") }

// NewFrame encodes e once for every subscriber. For a delete (a t-x-d-d event), the
// frame's UID is the uid of the event it removes, its first link's.
func NewFrame(e *cot.Event, del bool) (*Frame, error) {
	x, err := e.EncodeXML()
	if err != nil {
		return nil, err
	}
	p, err := e.EncodeProto()
	if err != nil {
		return nil, err
	}
	f := &Frame{UID: e.UID, Delete: del, Event: e, XML: x, Proto: p}
	if del {
		if e.Detail == nil || len(e.Detail.Links) == 0 {
			return nil, errors.New("hub: a delete names no event")
		}
		f.UID = e.Detail.Links[0].UID
	}
	return f, nil
}
