package server

import (
	"bufio"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tansiq/tansiq/services/cotbridge/internal/cot"
	"github.com/tansiq/tansiq/services/cotbridge/internal/hub"
)

// testServer serves h on a free loopback port until the test ends.
func testServer(t testing.TB, h *hub.Hub, cfg Config) (*Server, string) {
	t.Helper()
	srv := New(h, cfg, slog.New(slog.DiscardHandler))
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, lis, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return srv, lis.Addr().String()
}

// marker publishes an event with the given uid.
func marker(t *testing.T, h *hub.Hub, uid string, remarks string) {
	t.Helper()
	now := time.Now().UTC()
	e := &cot.Event{Version: "2.0", UID: uid, Type: "a-f-G-U-C", How: "h-e",
		Time: cot.Time{Time: now}, Start: cot.Time{Time: now}, Stale: cot.Time{Time: now.Add(time.Minute)},
		Point:  cot.Point{Lat: 35.8, Lon: 43.6, HAE: cot.Unknown, CE: 50, LE: cot.Unknown},
		Detail: &cot.Detail{Remarks: &cot.Remarks{Text: remarks}}}
	f, err := hub.NewFrame(e, false)
	if err != nil {
		t.Fatal(err)
	}
	h.Publish(f)
}

// peer is a test TAK client: it reads event uids with encoding/xml.
type peer struct {
	conn net.Conn
	uids chan string
}

func connect(t *testing.T, addr string) *peer {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	p := &peer{conn: conn, uids: make(chan string, 10000)}
	go func() {
		defer close(p.uids)
		dec := xml.NewDecoder(bufio.NewReader(conn))
		for {
			var e struct {
				UID string `xml:"uid,attr"`
			}
			if err := dec.Decode(&e); err != nil {
				return
			}
			p.uids <- e.UID
		}
	}()
	return p
}

// anyEvent makes await take the first event, whatever its uid.
const anyEvent = "*"

// await reads uids until want arrives; it fails on a closed connection or after 10 s.
func (p *peer) await(t *testing.T, want string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case uid, ok := <-p.uids:
			if !ok {
				t.Fatalf("connection closed before %s arrived", want)
			}
			if uid == want || want == anyEvent {
				return
			}
		case <-timeout:
			t.Fatalf("%s did not arrive", want)
		}
	}
}

// closed waits for the server to end the connection.
func (p *peer) closed(t *testing.T) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-p.uids:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("the server did not end the connection")
		}
	}
}

func (p *peer) send(t *testing.T, s string) {
	t.Helper()
	if _, err := io.WriteString(p.conn, s); err != nil {
		t.Fatal(err)
	}
}

func xmlEvent(typ, uid, inner string) string {
	now := time.Now().UTC().Format(time.RFC3339)
	return fmt.Sprintf(`<?xml version="1.0"?>`+"\n"+`<event version="2.0" uid="%s" type="%s" how="m-g" time="%s" start="%s" stale="%s">`+
		`<point lat="35.8" lon="43.6" hae="0" ce="10" le="10"/>%s</event>`, uid, typ, now, now, now, inner)
}

// eventually polls cond for up to 10 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("%s: not within 10 s", what)
}

func TestMalformedAndUnknownEventsAreCountedAndTheClientStays(t *testing.T) {
	h := hub.New(100)
	srv, addr := testServer(t, h, Config{})
	p := connect(t, addr)
	p.await(t, anyEvent) // the protocol offer comes first
	p.send(t, `<?xml version="1.0"?><event uid="x" type="a-f-G"><point lat="nope"></event>`)
	p.send(t, "<not-cot/></event>")
	p.send(t, xmlEvent("b-m-p-s-m", "spot-1", ""))
	eventually(t, "two malformed and one unknown counted", func() bool {
		return srv.Stats.Malformed.Load() == 2 && srv.Stats.Unknown.Load() == 1
	})
	marker(t, h, "after-garbage", "")
	p.await(t, "after-garbage")
}

func TestOversizedEventEndsOnlyThatConnection(t *testing.T) {
	h := hub.New(100)
	srv, addr := testServer(t, h, Config{MaxEventBytes: 4096})
	bad, good := connect(t, addr), connect(t, addr)
	// An event that never ends: the server reads at most MaxEventBytes of it.
	bad.send(t, `<event uid="x" type="a-f-G"><detail><remarks>`+strings.Repeat("A", 8192))
	bad.closed(t)
	if got := srv.Stats.Oversized.Load(); got != 1 {
		t.Errorf("oversized = %d, want 1", got)
	}
	marker(t, h, "still-serving", "")
	good.await(t, "still-serving")
}

func TestFloodIsRateLimited(t *testing.T) {
	h := hub.New(100)
	srv, addr := testServer(t, h, Config{EventsPerSecond: 10, Burst: 20})
	p := connect(t, addr)
	var b strings.Builder
	for i := range 1000 {
		b.WriteString(xmlEvent("b-m-p-s-m", fmt.Sprint("flood-", i), ""))
	}
	began := time.Now()
	p.send(t, b.String())
	eventually(t, "every flooded event read", func() bool {
		return srv.Stats.RateLimited.Load()+srv.Stats.Unknown.Load() == 1000
	})
	// At most the burst and the rate over the time it took were parsed.
	allowed := int64(20 + 10*time.Since(began).Seconds() + 1)
	if got := srv.Stats.Unknown.Load(); got > allowed {
		t.Errorf("%d of 1000 flooded events were parsed, want at most %d", got, allowed)
	}
	marker(t, h, "after-flood", "")
	p.await(t, "after-flood")
}

func TestSlowReaderIsDroppedAndOthersGetEverything(t *testing.T) {
	h := hub.New(16)
	_, addr := testServer(t, h, Config{WriteTimeout: time.Second})
	slow, err := net.Dial("tcp", addr) // never reads
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fast := connect(t, addr)
	fast.await(t, anyEvent)

	// Publish big events until the slow client's socket buffers and queue are full; the
	// fast one reads all of them.
	big := strings.Repeat("remarks ", 4096)
	var mu sync.Mutex
	var got []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for uid := range fast.uids {
			mu.Lock()
			got = append(got, uid)
			mu.Unlock()
			if uid == "last" {
				return
			}
		}
	}()
	received := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(got)
	}
	n := 0
	for ; h.Dropped() == 0 && n < 20000; n++ {
		marker(t, h, fmt.Sprint("big-", n), big)
		// Publish only as fast as the fast client reads (it stays well inside its queue of
		// 16), so that only the client that never reads falls behind, however slow the
		// machine or the race detector makes the reading.
		for wait := time.Now(); received() < n-7 && time.Since(wait) < 10*time.Second; {
			select {
			case <-done:
				t.Fatalf("the fast client's stream ended after %d of %d events", received(), n+1)
			case <-time.After(100 * time.Microsecond):
			}
		}
	}
	if h.Dropped() != 1 {
		t.Fatalf("dropped %d subscribers after %d events, want the slow one", h.Dropped(), n)
	}
	marker(t, h, "last", "")
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the fast client did not get every event")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != n+1 {
		t.Errorf("fast client got %d events, want all %d", len(got), n+1)
	}
	// The slow client's connection is closed: reading it ends.
	_ = slow.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.Copy(io.Discard, slow); err != nil {
		t.Errorf("slow client's connection not closed: %v", err)
	}
}

func TestIdleClientsAreBounded(t *testing.T) {
	h := hub.New(100)
	srv, addr := testServer(t, h, Config{MaxClients: 3})
	var peers []*peer
	for range 3 {
		p := connect(t, addr)
		p.await(t, anyEvent)
		peers = append(peers, p)
	}
	// A fourth is closed at once; the three that never send keep being served.
	extra := connect(t, addr)
	extra.closed(t)
	if got := srv.Stats.Refused.Load(); got != 1 {
		t.Errorf("refused = %d, want 1", got)
	}
	marker(t, h, "to-the-idle", "")
	for _, p := range peers {
		p.await(t, "to-the-idle")
	}
}

func TestPositionsFromUnboundClientsAreIgnoredAndCounted(t *testing.T) {
	h := hub.New(100)
	srv, addr := testServer(t, h, Config{})
	p := connect(t, addr)
	p.send(t, xmlEvent("a-f-G-U-C", "ANDROID-1", `<detail><contact callsign="Viper"/></detail>`))
	eventually(t, "position ignored", func() bool { return srv.Stats.PositionsIgnored.Load() == 1 })
}

func TestPingIsAnswered(t *testing.T) {
	h := hub.New(100)
	_, addr := testServer(t, h, Config{})
	p := connect(t, addr)
	p.send(t, xmlEvent("t-x-c-t", "ping-1", ""))
	p.await(t, "ping-1")
}
