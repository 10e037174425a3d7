package server

import "sync/atomic"

// Stats counts what the server refused or passed on, since it started.
type Stats struct {
	Connections       atomic.Int64 // connections accepted
	Refused           atomic.Int64 // connections closed on accept: too many clients
	HandshakeFailures atomic.Int64 // TLS clients that did not complete a handshake
	Idle              atomic.Int64 // clients ended for sending nothing for IdleTimeout
	Malformed         atomic.Int64 // events that were not CoT
	Oversized         atomic.Int64 // events over MaxEventBytes (each ended a connection)
	RateLimited       atomic.Int64 // events discarded over a client's rate
	Unknown           atomic.Int64 // well-formed events of a type the bridge does not take
	BadText           atomic.Int64 // events (or certificate names) with control characters or bidi overrides: refused
	PositionsIgnored  atomic.Int64 // positions from clients not bound to a unit
	PositionsReported atomic.Int64 // positions reported to the forces service
	PositionsFailed   atomic.Int64 // positions the forces service refused or did not take
	Negotiated        atomic.Int64 // clients switched to TAK protocol version 1
}
