package server

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tansiq/tansiq/services/cotbridge/internal/hub"
)

// BenchmarkFanOut100Clients measures events per second fanned out to 100 connected TCP
// clients (each event delivered to every client; deliveries/s counts each copy) and the
// resident memory of the process serving them (the clients run in the same process, so
// it is an upper bound for the bridge).
func BenchmarkFanOut100Clients(b *testing.B) {
	const clients = 100
	h := hub.New(100000)
	_, addr := testServer(b, h, Config{})
	var wg sync.WaitGroup
	counts := make([]chan int, clients)
	for i := range clients {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = conn.Close() })
		counts[i] = make(chan int, 1)
		wg.Go(func() { countUntilLast(conn, counts[i]) })
	}
	for h.Subscribers() < clients {
		time.Sleep(time.Millisecond)
	}
	frames := make([]*hub.Frame, b.N)
	for i := range frames {
		frames[i] = benchFrame(b, fmt.Sprint("tansiq.forces.peshmerga.units.u", i%500))
	}
	last := benchFrame(b, "last")
	b.ResetTimer()
	began := time.Now()
	for _, f := range frames {
		h.Publish(f)
	}
	h.Publish(last)
	for _, c := range counts {
		if n := <-c; n < b.N {
			b.Fatalf("a client got %d of %d events", n, b.N)
		}
	}
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

// countUntilLast counts the events a client reads until the one with uid "last".
func countUntilLast(conn net.Conn, out chan<- int) {
	r := bufio.NewReaderSize(conn, 64<<10)
	n := 0
	for {
		line, err := r.ReadSlice('>')
		if err != nil && err != bufio.ErrBufferFull {
			out <- n
			return
		}
		if bytes.Contains(line, []byte("<event ")) {
			if bytes.Contains(line, []byte(`uid="last"`)) {
				out <- n
				return
			}
			n++
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
