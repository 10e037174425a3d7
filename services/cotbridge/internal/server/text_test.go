package server

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	takv1 "github.com/tansiq/tansiq/proto/tansiq/tak/v1"
	"github.com/tansiq/tansiq/services/cotbridge/internal/cot"
	"github.com/tansiq/tansiq/services/cotbridge/internal/hub"
)

// recordingSink keeps the peers whose positions reached it: what would reach the API.
type recordingSink struct {
	mu    sync.Mutex
	peers []Peer
}

func (s *recordingSink) ReportPosition(_ context.Context, p Peer, _ *cot.Event) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.peers = append(s.peers, p)
	return true, nil
}

func (s *recordingSink) got() []Peer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.peers)
}

func TestControlCharactersInClientTextAreRefused(t *testing.T) {
	h := hub.New(100)
	sink := &recordingSink{}
	srv, addr := testServer(t, h, Config{Positions: sink})
	p := connect(t, addr)
	for _, bad := range []struct{ uid, callsign string }{
		{"ANDROID-1", "\u202eFront"},                  // right-to-left override: reads "tnorF"
		{"ANDROID-\u2066x", "Front"},                  // a bidi isolate in the uid
		{"ANDROID-1", "Front\nlevel=INFO msg=forged"}, // a line break: a forged log line
		{"ANDROID-1", "Fro\u0301nt"},                  // not NFC: looks like another name
	} {
		p.send(t, xmlEvent("a-f-G-U-C", bad.uid, `<detail><contact callsign="`+xmlAttr(bad.callsign)+`"/></detail>`))
	}
	// An escape character does not even parse as XML 1.0.
	p.send(t, xmlEvent("a-f-G-U-C", "ANDROID-1", `<detail><contact callsign="&#x1b;[31mFront"/></detail>`))
	p.send(t, xmlEvent("a-f-G-U-C", "ANDROID-1", `<detail><contact callsign="Front"/></detail>`))
	eventually(t, "the clean position reported", func() bool { return len(sink.got()) == 1 })
	if got := sink.got(); got[0].Callsign != "Front" || got[0].UID != "ANDROID-1" {
		t.Errorf("reported %+v, want only the clean position", got)
	}
	if got := srv.Stats.BadText.Load() + srv.Stats.Malformed.Load(); got != 5 {
		t.Errorf("refused %d events (bad text %d, malformed %d), want 5", got, srv.Stats.BadText.Load(), srv.Stats.Malformed.Load())
	}
	marker(t, h, "still-served", "")
	p.await(t, "still-served")
}

// xmlAttr escapes s for an attribute value, line breaks as character references so that
// the parser keeps them.
func xmlAttr(s string) string {
	var b []byte
	for _, r := range s {
		switch r {
		case '\n':
			b = append(b, "&#xA;"...)
		case '"':
			b = append(b, "&quot;"...)
		default:
			b = append(b, string(r)...)
		}
	}
	return string(b)
}

// TestControlCharactersInProtocolV1AreRefused: protocol v1 carries text in protobuf
// strings, which no XML parser checks; the same rule refuses it.
func TestControlCharactersInProtocolV1AreRefused(t *testing.T) {
	h := hub.New(100)
	sink := &recordingSink{}
	srv, addr := testServer(t, h, Config{Positions: sink})
	p := connect(t, addr)
	p.send(t, xmlEvent("t-x-takp-q", "request", `<detail><TakControl><TakRequest version="1"/></TakControl></detail>`))
	eventually(t, "protocol version 1 negotiated", func() bool { return srv.Stats.Negotiated.Load() == 1 })
	now := uint64(time.Now().UnixMilli())
	for _, callsign := range []string{"\x1b[31mFront", "Front\x00", "\u202eFront", "Front"} {
		b, err := proto.Marshal(&takv1.TakMessage{CotEvent: &takv1.CotEvent{
			Type: "a-f-G-U-C", Uid: "ANDROID-1", How: "m-g", SendTime: now, StartTime: now, StaleTime: now + 60000,
			Lat: 35.8, Lon: 43.6, Ce: 10, Le: 10,
			Detail: &takv1.Detail{Contact: &takv1.Contact{Callsign: callsign}}}})
		if err != nil {
			t.Fatal(err)
		}
		// The streaming framing: 0xbf, the length as a varint, the message.
		frame := protowire.AppendVarint([]byte{0xbf}, uint64(len(b)))
		p.send(t, string(append(frame, b...)))
	}
	eventually(t, "the clean position reported", func() bool { return len(sink.got()) == 1 })
	if got := sink.got(); got[0].Callsign != "Front" {
		t.Errorf("reported %+v, want only the clean position", got)
	}
	if got := srv.Stats.BadText.Load(); got != 3 {
		t.Errorf("refused %d events for their text, want 3", got)
	}
}
