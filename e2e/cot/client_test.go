package cot

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
)

// event is what the test reads of a CoT event, with encoding/xml into its own structs:
// nothing of the bridge's encoder is used to check the bridge.
type event struct {
	UID   string `xml:"uid,attr"`
	Type  string `xml:"type,attr"`
	Time  string `xml:"time,attr"`
	Stale string `xml:"stale,attr"`
	Point struct {
		Lat float64 `xml:"lat,attr"`
		Lon float64 `xml:"lon,attr"`
		CE  float64 `xml:"ce,attr"`
	} `xml:"point"`
	Detail detail `xml:"detail"`
	// Proto is set for an event that arrived in TAK protocol version 1.
	Proto bool `xml:"-"`
}

type detail struct {
	Contact struct {
		Callsign string `xml:"callsign,attr"`
	} `xml:"contact"`
	Links []struct {
		Point string `xml:"point,attr"`
		UID   string `xml:"uid,attr"`
	} `xml:"link"`
	Remarks     string `xml:"remarks"`
	StrokeColor struct {
		Value string `xml:"value,attr"`
	} `xml:"strokeColor"`
	Milsym struct {
		ID string `xml:"id,attr"`
	} `xml:"__milsym"`
	TakControl struct {
		Support []struct {
			Version int `xml:"version,attr"`
		} `xml:"TakProtocolSupport"`
		Response *struct {
			Status bool `xml:"status,attr"`
		} `xml:"TakResponse"`
	} `xml:"TakControl"`
}

func (e event) String() string {
	return fmt.Sprintf("%s %s %q", e.Type, e.UID, e.Detail.Contact.Callsign)
}

// client is a TAK client: it reads events as they come, in XML and, once the server
// answers a protocol request with true, in TAK protocol version 1.
type client struct {
	conn   net.Conn
	events chan event
	errc   chan error
	mu     sync.Mutex
	seen   []event
}

func newClient(conn net.Conn) *client {
	c := &client{conn: conn, events: make(chan event, 100000), errc: make(chan error, 1)}
	go c.read()
	return c
}

func (c *client) read() {
	r := bufio.NewReader(c.conn)
	proto := false
	for {
		var (
			e   event
			err error
		)
		if proto {
			e, err = readProto(r)
		} else {
			e, err = readXML(r)
		}
		if err != nil {
			c.errc <- err
			close(c.events)
			return
		}
		if e.Type == "t-x-takp-r" && e.Detail.TakControl.Response != nil && e.Detail.TakControl.Response.Status {
			proto = true
		}
		c.events <- e
	}
}

// readXML reads up to and including "</event>", and parses it.
func readXML(r *bufio.Reader) (event, error) {
	var buf []byte
	for !bytes.HasSuffix(buf, []byte("</event>")) {
		b, err := r.ReadByte()
		if err != nil {
			return event{}, err
		}
		buf = append(buf, b)
	}
	var e event
	if err := xml.Unmarshal(buf, &e); err != nil {
		return event{}, fmt.Errorf("not CoT XML: %w\n%s", err, buf)
	}
	return e, nil
}

// readProto reads one TAK protocol stream message (0xbf, varint length, TakMessage) and
// decodes the fields the test checks by their numbers in the public protocol: TakMessage
// 2 = cotEvent; CotEvent 1 = type, 5 = uid, 8 = staleTime, 10/11 = lat/lon, 15 = detail;
// Detail 1 = xmlDetail, 2 = contact; Contact 2 = callsign.
func readProto(r *bufio.Reader) (event, error) {
	magic, err := r.ReadByte()
	if err != nil {
		return event{}, err
	}
	if magic != 0xbf {
		return event{}, fmt.Errorf("frame starts with %#x, want 0xbf", magic)
	}
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return event{}, err
	}
	msg := make([]byte, n)
	if _, err := io.ReadFull(r, msg); err != nil {
		return event{}, err
	}
	e := event{Proto: true}
	ev := field(msg, 2)
	if ev == nil {
		return event{}, errors.New("TakMessage without cotEvent")
	}
	e.Type, e.UID = string(field(ev, 1)), string(field(ev, 5))
	if d := field(ev, 15); d != nil {
		if x := field(d, 1); len(x) > 0 {
			if err := xml.Unmarshal([]byte("<detail>"+string(x)+"</detail>"), &e.Detail); err != nil {
				return event{}, fmt.Errorf("xmlDetail: %w", err)
			}
		}
		if c := field(d, 2); c != nil {
			e.Detail.Contact.Callsign = string(field(c, 2))
		}
	}
	return e, nil
}

// field returns the bytes of the first length-delimited field num of a protobuf message.
func field(msg []byte, num protowire.Number) []byte {
	for len(msg) > 0 {
		n, typ, l := protowire.ConsumeTag(msg)
		if l < 0 {
			return nil
		}
		msg = msg[l:]
		if typ == protowire.BytesType {
			v, l := protowire.ConsumeBytes(msg)
			if l < 0 {
				return nil
			}
			if n == num {
				return v
			}
			msg = msg[l:]
			continue
		}
		l = protowire.ConsumeFieldValue(n, typ, msg)
		if l < 0 {
			return nil
		}
		msg = msg[l:]
	}
	return nil
}

// waitFor reads events until one matches, for at most within.
func (c *client) waitFor(t *testing.T, within time.Duration, what string, match func(event) bool) event {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case e, ok := <-c.events:
			if !ok {
				t.Fatalf("%s: connection ended: %v", what, <-c.errc)
			}
			c.mu.Lock()
			c.seen = append(c.seen, e)
			c.mu.Unlock()
			if match(e) {
				return e
			}
		case <-deadline:
			t.Fatalf("%s: not received within %v", what, within)
		}
	}
}

// waitAll reads events until each of uids has arrived, in any order, and returns the
// last of each.
func (c *client) waitAll(t *testing.T, within time.Duration, what string, uids ...string) map[string]event {
	t.Helper()
	got := map[string]event{}
	c.waitFor(t, within, what, func(e event) bool {
		for _, u := range uids {
			if e.UID == u {
				got[u] = e
			}
		}
		return len(got) == len(uids)
	})
	return got
}

// send writes a CoT XML event as a TAK client does: header, event, nothing after.
func (c *client) send(t *testing.T, typ, uid, inner string) {
	t.Helper()
	now := time.Now().UTC()
	msg := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<event version="2.0" uid="%s" type="%s" how="m-g" time="%s" start="%s" stale="%s">%s</event>`,
		uid, typ, now.Format(time.RFC3339), now.Format(time.RFC3339), now.Add(time.Minute).Format(time.RFC3339), inner)
	if _, err := c.conn.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
}

func hasPrefix(s, p string) bool { return strings.HasPrefix(s, p) }
