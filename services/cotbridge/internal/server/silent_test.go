package server

import (
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tansiq/tansiq/services/cotbridge/internal/hub"
)

// heapAndGoroutines is the live heap after a collection, and the goroutines running.
func heapAndGoroutines() (uint64, int) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc, runtime.NumGoroutine()
}

// TestSilentClientsHoldABoundedAmount connects many clients that never send and never
// read while big events are published: the server holds at most MaxClients of them, each
// with two goroutines, a bounded queue and bounded buffers, however long they stay; and
// it lets go of every one within IdleTimeout, back to what it held before they came.
func TestSilentClientsHoldABoundedAmount(t *testing.T) {
	const (
		maxClients = 20
		attempts   = 3 * maxClients
		queue      = 64
		// perClient bounds what one connection may cost the server: its queue of frame
		// pointers, its 32 KiB write buffer, its 4 KiB read buffer, the connection and
		// the two goroutines' stacks, with room to spare.
		perClient = 160 << 10
		// slack absorbs the runtime's and the test's own allocations and goroutines.
		slackHeap       = 2 << 20
		slackGoroutines = 8
		idle            = 3 * time.Second
	)
	h := hub.New(queue)
	srv, addr := testServer(t, h, Config{MaxClients: maxClients, IdleTimeout: idle, WriteTimeout: time.Minute})
	marker(t, h, "before", "")
	heap0, g0 := heapAndGoroutines()

	began := time.Now()
	for range attempts {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	eventually(t, "every connection served or refused", func() bool {
		return srv.Stats.Connections.Load() == attempts && srv.Clients()+int(srv.Stats.Refused.Load()) == attempts
	})
	// Big events (32 KiB) that no silent client reads, fewer than a queue, so that only
	// silence ends them. The queues share the frames: they hold a queue of them at most.
	big := strings.Repeat("remarks ", 4096)
	const frameBytes = 2 * 32 << 10 // each in XML and in protocol v1
	for range queue - 1 {
		marker(t, h, "flooded", big)
	}
	heap1, g1 := heapAndGoroutines()
	t.Logf("while connected: %d clients, heap %+d KiB, goroutines %+d", srv.Clients(), (int64(heap1)-int64(heap0))>>10, g1-g0)
	if got := srv.Clients(); got != maxClients {
		t.Errorf("%d clients served, want %d", got, maxClients)
	}
	if g1-g0 > 2*maxClients+slackGoroutines {
		t.Errorf("%d goroutines more than before, want at most %d", g1-g0, 2*maxClients+slackGoroutines)
	}
	if limit := uint64(maxClients*perClient + queue*frameBytes + slackHeap); heap1 > heap0 && heap1-heap0 > limit {
		t.Errorf("heap grew %d KiB, want at most %d KiB", (heap1-heap0)>>10, limit>>10)
	}

	// None of them ever sends: each is let go once IdleTimeout has passed, and the server
	// is back to what it held before.
	eventually(t, "every silent client let go", func() bool { return srv.Clients() == 0 })
	if took := time.Since(began); took < idle {
		t.Errorf("silent clients let go after %v, before the idle timeout", took)
	}
	if got := srv.Stats.Idle.Load(); got != maxClients {
		t.Errorf("%d clients ended as idle, want %d", got, maxClients)
	}
	eventually(t, "their goroutines ended", func() bool {
		_, g := heapAndGoroutines()
		return g <= g0+slackGoroutines/2
	})
	heap2, _ := heapAndGoroutines()
	if limit := uint64(queue*frameBytes + slackHeap); heap2 > heap0 && heap2-heap0 > limit {
		t.Errorf("heap after the clients left is %d KiB above before, want at most %d KiB", (heap2-heap0)>>10, limit>>10)
	}
}
