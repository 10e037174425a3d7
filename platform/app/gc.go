package app

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// HeapFloor is the smallest heap goal the garbage collector of a Tansiq process is given
// when GOGC is not set: the goal is the larger of this and what GOGC=100 gives (twice the
// live heap). A server whose live heap is small (the gateway; a service holding a few
// thousand records) but that allocates for every call would otherwise collect many times a
// second, each cycle's fixed cost (stacks, globals, waking the workers) spread over few
// calls; once the live heap is over half of HeapFloor the floor changes nothing. It costs
// up to about HeapFloor of extra resident memory in a process whose live heap is small,
// and none in one whose heap is large.
const HeapFloor = 64 << 20

// HeapBudget and HeapRoom give a large live heap more room to allocate in when GOGC is not
// set: the heap goal is up to HeapRoom times the live heap (GOGC 300, where the default
// gives twice), as long as that stays under HeapBudget; past it the goal is HeapBudget,
// and never less than twice the live heap however large the heap. A collection marks the
// whole live heap, so its cost grows with the records a process holds in memory (the
// incident service's cache, the gateway's placements), while the calls served between two
// collections grow with the room above the live heap: more room, fewer collections per
// call (measured in the README, Performance). It costs resident memory: a heap of up to
// HeapBudget in a process whose live heap is over HeapBudget/HeapRoom, where the default
// would keep twice the live heap. It is no memory limit: a live heap over half of
// HeapBudget still gets twice itself, so the collector never runs more often than at the
// default (GOMEMLIMIT, when set, does cap the goal).
const (
	HeapBudget = 384 << 20
	HeapRoom   = 4
)

var tuneGCOnce sync.Once

// tuneGC keeps the heap goal at or above HeapFloor, and gives a large heap the room of
// HeapRoom and HeapBudget, once per process, unless GOGC is set
// in the environment: then the runtime's own setting stands untouched. GOMEMLIMIT, when
// set, still caps the goal (the runtime applies it over any GOGC). It reports whether the
// floor is kept.
func tuneGC(getenv func(string) string) bool {
	if getenv("GOGC") != "" {
		return false
	}
	tuneGCOnce.Do(func() {
		f := newHeapFloor(HeapFloor)
		f.adjust()
		f.arm()
	})
	return true
}

// heapFloor sets GOGC after every collection so that the next heap goal is at least
// floor, and the room HeapRoom and HeapBudget give (gcPercentFor).
type heapFloor struct {
	floor uint64
	mu    sync.Mutex
	// stats are the live heap, and the stacks and globals the last collection scanned.
	stats []metrics.Sample
}

func newHeapFloor(floor uint64) *heapFloor {
	return &heapFloor{floor: floor, stats: []metrics.Sample{
		{Name: "/gc/heap/live:bytes"}, {Name: "/gc/scan/stack:bytes"}, {Name: "/gc/scan/globals:bytes"}}}
}

// sentinel is an object nothing keeps: its cleanup runs once a collection has found it
// unreachable, which is how the floor hears of each cycle. It holds a pointer so that
// the runtime never batches it with other objects (which could delay its cleanup for ever).
type sentinel struct{ _ *byte }

// arm schedules adjust after the next collection, and itself again after it.
func (f *heapFloor) arm() {
	runtime.AddCleanup(&sentinel{}, func(f *heapFloor) {
		f.adjust()
		f.arm()
	}, f)
}

func (f *heapFloor) adjust() {
	f.mu.Lock()
	defer f.mu.Unlock()
	metrics.Read(f.stats)
	live := f.stats[0].Value.Uint64()
	debug.SetGCPercent(gcPercentFor(live, live+f.stats[1].Value.Uint64()+f.stats[2].Value.Uint64(), f.floor, HeapBudget))
}

// gcPercentFor is the GOGC that makes the runtime's heap goal the larger of floor and
// HeapRoom times the live heap, the latter at most budget; and never under the runtime's
// default, 100. The goal is live + scanned × GOGC/100 (scanned: the live heap, stacks and
// globals), but never under the runtime's minimum heap, 4 MiB × GOGC/100, which alone
// reaches the floor for a heap that small (a process just started).
func gcPercentFor(live, scanned, floor, budget uint64) int {
	const def, minHeap = 100, 4 << 20
	goal := max(floor, min(budget, live+scanned*(HeapRoom-1)))
	if live+scanned*def/100 >= goal {
		return def
	}
	p := ((goal-live)*100 + scanned - 1) / max(scanned, 1) // rounded up
	return int(min(p, (floor*100+minHeap-1)/minHeap))
}
