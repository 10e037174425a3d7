package server

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tansiq/tansiq/services/cotbridge/internal/hub"
)

// BenchmarkFanOut100Clients measures events per second fanned out to 100 connected TCP
// clients (each event delivered to every client; deliveries/s counts each copy), with the
// bridge's default queue (10,000 events a client): events are published as fast as the
// clients take them, never more than half a queue ahead of the slowest, so none is
// dropped. rss-MiB is the resident memory of the process serving them at the end (the
// clients run in the same process, so it is an upper bound for the bridge).
func BenchmarkFanOut100Clients(b *testing.B) {
	const (
		clients = 100
		queue   = 10000
		ahead   = queue / 2
	)
	h := hub.New(queue)
	_, addr := testServer(b, h, Config{})
	counts := make([]atomic.Int64, clients)
	for i := range clients {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = conn.Close() })
		go countEvents(conn, &counts[i])
	}
	for h.Subscribers() < clients {
		time.Sleep(time.Millisecond)
	}
	// slowest waits until every client has read at least n events of the benchmark (each
	// first reads the protocol offer).
	slowest := func(n int64) {
		for {
			done := true
			for i := range counts {
				if counts[i].Load()-1 < n {
					done = false
					break
				}
			}
			if done {
				return
			}
			if h.Dropped() != 0 {
				b.Fatalf("%d clients dropped", h.Dropped())
			}
			time.Sleep(100 * time.Microsecond)
		}
	}
	frames := make([]*hub.Frame, b.N)
	for i := range frames {
		frames[i] = benchFrame(b, fmt.Sprint("tansiq.forces.peshmerga.units.u", i%500))
	}
	b.ResetTimer()
	began := time.Now()
	for i, f := range frames {
		h.Publish(f)
		if i >= ahead && i%1000 == 0 {
			slowest(int64(i - ahead))
		}
	}
	slowest(int64(b.N))
	elapsed := time.Since(began)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(b.N*clients)/elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(rssMiB(), "rss-MiB")
	if h.Dropped() != 0 {
		b.Fatalf("%d clients dropped", h.Dropped())
	}
}

func benchFrame(b *testing.B, uid string) *hub.Frame {
	b.Helper()
	e := controlEvent(uid, "a-f-G-U-C")
	e.Point.Lat, e.Point.Lon, e.Point.CE = 35.8, 43.6, 50
	f, err := hub.NewFrame(e, false)
	if err != nil {
		b.Fatal(err)
	}
	return f
}

// countEvents counts the events a client reads until its connection ends.
func countEvents(conn net.Conn, n *atomic.Int64) {
	r := bufio.NewReaderSize(conn, 64<<10)
	for {
		line, err := r.ReadSlice('>')
		if err != nil && err != bufio.ErrBufferFull {
			return
		}
		if bytes.Contains(line, []byte("<event ")) {
			n.Add(1)
		}
	}
}

// rssMiB is the process's resident memory, from /proc/self/status (Linux).
func rssMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
