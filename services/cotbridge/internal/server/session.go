package server

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/reqcheck"

	"github.com/tansiq/tansiq/services/cotbridge/internal/cot"
	"github.com/tansiq/tansiq/services/cotbridge/internal/hub"
)

// Types of the control events a session exchanges.
const (
	typeProtoOffer    = "t-x-takp-v" // the server's offer of TAK protocol versions
	typeProtoRequest  = "t-x-takp-q" // a client's request for one
	typeProtoResponse = "t-x-takp-r" // the server's answer
	typePing          = "t-x-c-t"    // a client's keep-alive
	typePong          = "t-x-c-t-r"  // the answer to it
)

// protoVersion is the only TAK protocol version beyond XML the bridge speaks.
const protoVersion = 1

// controlMsg is a message the reader asks the writer to send ahead of the picture.
type controlMsg struct {
	event       *cot.Event // nil: nothing to send first
	switchProto bool       // after sending event (in XML), send everything else in protocol v1
	resend      bool       // send the picture again: what the client may see changed
}

// session is one connected client.
type session struct {
	srv     *Server
	conn    net.Conn
	peer    Peer // written by the reader only
	control chan controlMsg
	offerID string
	// force is the force the client speaks for ("" none): what it may see.
	force atomic.Pointer[string]
}

// resolve finds the client's force again; it reports whether it changed.
func (ss *session) resolve() bool {
	force := ""
	if r := ss.srv.cfg.Forces; r != nil {
		force = r.ForceOf(ss.peer)
	}
	if old := ss.force.Swap(&force); old != nil && *old == force {
		return false
	}
	return true
}

// visible is the frame as this client may see it; nil: not at all.
func (ss *session) visible(f *hub.Frame) *hub.Frame { return f.For(*ss.force.Load()) }

func (s *Server) serveConn(ctx context.Context, conn net.Conn) {
	defer func() { _ = conn.Close() }()
	ss := &session{srv: s, conn: conn, control: make(chan controlMsg, 4), offerID: "tansiq-takp-" + conn.RemoteAddr().String()}
	if tc, ok := conn.(*tls.Conn); ok {
		hctx, cancel := context.WithTimeout(ctx, s.cfg.HandshakeTimeout)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			s.Stats.HandshakeFailures.Add(1)
			s.log.Debug("TLS handshake failed", "remote", conn.RemoteAddr(), "err", err)
			return
		}
		if certs := tc.ConnectionState().PeerCertificates; len(certs) > 0 {
			// A name with control characters is no name: the device is not bound.
			if name := certs[0].Subject.CommonName; cleanName(name) {
				ss.peer.CertName = name
			} else {
				s.Stats.BadText.Add(1)
			}
		}
	}
	ss.resolve()
	sub, snapshot := s.hub.Subscribe()
	defer s.hub.Unsubscribe(sub)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() {
		defer cancel()
		ss.read(ctx)
	})
	err := ss.write(ctx, sub, snapshot)
	cancel()
	_ = conn.Close() // ends the reader
	wg.Wait()
	if err != nil && !errors.Is(err, net.ErrClosed) && ctx.Err() == nil {
		s.log.Debug("client ended", "remote", conn.RemoteAddr(), "err", err)
	}
}

// errSlowReader ends a client whose queue overflowed.
var errSlowReader = errors.New("client fell a whole queue behind: dropped")

// write sends the protocol offer, the picture, then every change and control message,
// until ctx ends or a write fails or times out.
func (ss *session) write(ctx context.Context, sub *hub.Sub, snapshot []*hub.Frame) error {
	w := &frameWriter{conn: ss.conn, bw: bufio.NewWriterSize(ss.conn, 32<<10), timeout: ss.srv.cfg.WriteTimeout}
	offer := controlEvent(ss.offerID, typeProtoOffer)
	offer.Detail.TakControl = &cot.TakControl{Support: []cot.ProtocolVersion{{Version: protoVersion}}}
	if err := w.event(offer); err != nil {
		return err
	}
	if err := ss.picture(w, snapshot); err != nil {
		return err
	}
	for {
		if len(sub.C) == 0 && len(ss.control) == 0 {
			if err := w.flush(); err != nil {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-sub.Dropped():
			return errSlowReader
		case m := <-ss.control:
			if m.event != nil {
				if err := w.event(m.event); err != nil {
					return err
				}
			}
			// The picture again: in protocol v1, since the client may have dropped what
			// arrived in XML while it negotiated; or as the client's new force may see
			// it. Changes queued meanwhile follow it.
			w.proto = w.proto || m.switchProto
			if m.switchProto || m.resend {
				if err := ss.picture(w, ss.srv.hub.Snapshot()); err != nil {
					return err
				}
			}
		case f := <-sub.C:
			if f = ss.visible(f); f == nil {
				continue
			}
			if err := w.frame(f); err != nil {
				return err
			}
		}
	}
}

// picture writes the frames the client may see.
func (ss *session) picture(w *frameWriter, frames []*hub.Frame) error {
	for _, f := range frames {
		if f = ss.visible(f); f == nil {
			continue
		}
		if err := w.frame(f); err != nil {
			return err
		}
	}
	return nil
}

// frameWriter writes frames in the session's current encoding, each write bounded in
// time.
type frameWriter struct {
	conn    net.Conn
	bw      *bufio.Writer
	timeout time.Duration
	proto   bool
	scratch []byte
}

func (w *frameWriter) frame(f *hub.Frame) error {
	if w.proto {
		w.scratch = cot.AppendFrame(w.scratch[:0], f.Proto)
		return w.write(w.scratch)
	}
	return w.write(f.XML)
}

func (w *frameWriter) event(e *cot.Event) error {
	if w.proto {
		b, err := e.EncodeProto()
		if err != nil {
			return err
		}
		w.scratch = cot.AppendFrame(w.scratch[:0], b)
		return w.write(w.scratch)
	}
	b, err := e.EncodeXML()
	if err != nil {
		return err
	}
	return w.write(b)
}

func (w *frameWriter) write(b []byte) error {
	_ = w.conn.SetWriteDeadline(time.Now().Add(w.timeout))
	_, err := w.bw.Write(b)
	return err
}

func (w *frameWriter) flush() error {
	if w.bw.Buffered() == 0 {
		return nil
	}
	_ = w.conn.SetWriteDeadline(time.Now().Add(w.timeout))
	return w.bw.Flush()
}

// read takes what the client sends until it disconnects or breaks the rules (an event
// too large, garbage in protocol v1 framing); malformed XML events are skipped.
func (ss *session) read(ctx context.Context) {
	st := &ss.srv.Stats
	r := cot.NewReader(ss.conn, ss.srv.cfg.MaxEventBytes)
	limit := rate.NewLimiter(rate.Limit(ss.srv.cfg.EventsPerSecond), ss.srv.cfg.Burst)
	proto := false
	for {
		var (
			b   []byte
			err error
		)
		if idle := ss.srv.cfg.IdleTimeout; idle > 0 {
			// The whole next event must arrive within it: a client sending a byte at a
			// time is idle too.
			_ = ss.conn.SetReadDeadline(time.Now().Add(idle))
		}
		if proto {
			b, err = r.NextProto()
		} else {
			b, err = r.NextXML()
		}
		switch {
		case errors.Is(err, cot.ErrTooLarge):
			st.Oversized.Add(1)
			return
		case errors.Is(err, cot.ErrBadFrame):
			st.Malformed.Add(1)
			return
		case errors.Is(err, os.ErrDeadlineExceeded):
			st.Idle.Add(1)
			return
		case err != nil:
			return
		}
		if !limit.Allow() {
			st.RateLimited.Add(1)
			continue
		}
		var e *cot.Event
		if proto {
			e, err = cot.ParseProto(b)
		} else {
			e, err = cot.ParseXML(b)
		}
		if err != nil {
			st.Malformed.Add(1)
			continue
		}
		if e == nil {
			continue // protocol v1 control information only
		}
		if !cleanText(e) {
			st.BadText.Add(1)
			continue
		}
		switch {
		case e.Type == typeProtoRequest && !proto:
			ok := e.Detail != nil && e.Detail.TakControl != nil && e.Detail.TakControl.Request != nil &&
				e.Detail.TakControl.Request.Version == protoVersion
			resp := controlEvent(ss.offerID, typeProtoResponse)
			resp.Detail.TakControl = &cot.TakControl{Response: &cot.ProtocolStatus{Status: ok}}
			if !ss.send(controlMsg{event: resp, switchProto: ok}) {
				return
			}
			if ok {
				st.Negotiated.Add(1)
				proto = true // the client sends nothing more in XML
			}
		case e.Type == typePing:
			if !ss.send(controlMsg{event: controlEvent(e.UID, typePong)}) {
				return
			}
		case e.IsPosition():
			ss.position(ctx, e)
		default:
			st.Unknown.Add(1)
		}
	}
}

// maxTextLen bounds each text field of a client's event the bridge passes on.
const maxTextLen = 256

// cleanText reports whether the text of a client's event that the bridge uses (its uid,
// type and callsign, which reach logs, the API and other clients) is UTF-8 in NFC,
// within maxTextLen characters and free of control characters and bidirectional
// overrides, by the rule the API applies to every text field. Such events are refused,
// not cleaned, so that what a position report names is what the device sent; a name
// takes no line breaks either.
func cleanText(e *cot.Event) bool {
	if !cleanName(e.UID) || !cleanName(e.Type) || !cleanName(e.How) {
		return false
	}
	return e.Detail == nil || e.Detail.Contact == nil || cleanName(e.Detail.Contact.Callsign)
}

// cleanName reports whether s passes the API's text rule, on one line.
func cleanName(s string) bool {
	if strings.ContainsAny(s, "\t\n\r") {
		return false
	}
	var v apperr.Violations
	reqcheck.Text(&v, "text", s, maxTextLen)
	return v.Err() == nil
}

// send queues a control message; a client whose control messages pile up (it sends
// faster than it reads) is ended.
func (ss *session) send(m controlMsg) bool {
	select {
	case ss.control <- m:
		return true
	default:
		return false
	}
}

// position passes a client's own position to the sink; anything else is ignored.
func (ss *session) position(ctx context.Context, e *cot.Event) {
	st := &ss.srv.Stats
	ss.peer.UID = e.UID
	if e.Detail != nil && e.Detail.Contact != nil {
		ss.peer.Callsign = e.Detail.Contact.Callsign
	}
	// Bound by its uid or callsign, or its binding changed: it may see more, or less.
	if ss.resolve() && !ss.send(controlMsg{resend: true}) {
		return
	}
	sink := ss.srv.cfg.Positions
	if sink == nil {
		st.PositionsIgnored.Add(1)
		return
	}
	ok, err := sink.ReportPosition(ctx, ss.peer, e)
	switch {
	case err != nil:
		st.PositionsFailed.Add(1)
		ss.srv.log.Warn("position not reported", "uid", e.UID, "err", err)
	case ok:
		st.PositionsReported.Add(1)
	default:
		st.PositionsIgnored.Add(1)
	}
}

// controlEvent is a server control event: no place, valid for a minute.
func controlEvent(uid, typ string) *cot.Event {
	now := time.Now().UTC()
	return &cot.Event{Version: "2.0", UID: uid, Type: typ, How: "m-g",
		Time: cot.Time{Time: now}, Start: cot.Time{Time: now}, Stale: cot.Time{Time: now.Add(time.Minute)},
		Point: cot.Point{HAE: cot.Unknown, CE: cot.Unknown, LE: cot.Unknown}, Detail: &cot.Detail{}}
}
