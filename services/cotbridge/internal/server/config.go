package server

import (
	"context"
	"time"

	"github.com/tansiq/tansiq/services/cotbridge/internal/cot"
)

// Config bounds what one client may cost.
type Config struct {
	// MaxEventBytes is the largest event a client may send (default 64 KiB); a larger
	// one ends its connection.
	MaxEventBytes int
	// EventsPerSecond and Burst rate-limit what one client sends (default 10/s, burst 50);
	// events over the limit are discarded unread.
	EventsPerSecond float64
	Burst           int
	// WriteTimeout ends a client that does not take a write within it (default 10 s).
	WriteTimeout time.Duration
	// HandshakeTimeout ends a TLS client that does not finish its handshake (default 10 s).
	HandshakeTimeout time.Duration
	// IdleTimeout ends a client that sends no event (not even a ping) for this long
	// (default 5 min; TAK clients send their position or a t-x-c-t ping far more often),
	// so that clients that never send do not hold their slots for ever. Negative: never.
	IdleTimeout time.Duration
	// MaxClients bounds the connections served at once (default 1000); more are closed
	// on accept.
	MaxClients int
	// Positions receives the positions clients send; nil ignores (and counts) them all.
	Positions PositionSink
	// Forces tells which force a client speaks for; nil: none, so that every client sees
	// only what both forces may.
	Forces ForceResolver
}

func (c Config) withDefaults() Config {
	if c.MaxEventBytes == 0 {
		c.MaxEventBytes = 64 << 10
	}
	if c.EventsPerSecond == 0 {
		c.EventsPerSecond = 10
	}
	if c.Burst == 0 {
		c.Burst = 50
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = 10 * time.Second
	}
	if c.HandshakeTimeout == 0 {
		c.HandshakeTimeout = 10 * time.Second
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 5 * time.Minute
	}
	if c.MaxClients == 0 {
		c.MaxClients = 1000
	}
	return c
}

// Peer is who sent a position: the CommonName of its verified client certificate
// (empty over plain TCP) and the uid and callsign of its event.
type Peer struct {
	CertName string
	UID      string
	Callsign string
}

// ForceResolver names the force a client speaks for, "forces/{force}": the force of the
// unit its device is bound to; empty for a client of no known force.
type ForceResolver interface {
	ForceOf(peer Peer) string
}

// PositionSink takes a position a client reported about itself. It reports whether the
// position was accepted (false: the client is not bound to a unit, so it was ignored).
type PositionSink interface {
	ReportPosition(ctx context.Context, peer Peer, e *cot.Event) (bool, error)
}
