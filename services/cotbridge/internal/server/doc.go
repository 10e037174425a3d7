// Package server serves the picture to TAK clients over streaming TCP and TLS, as a TAK
// server does: each client gets the whole picture on connect and every change after it,
// in CoT XML or, once negotiated, TAK protocol version 1. What a client sends is read
// with bounds on size and rate; positions (PLI) go to a PositionSink. No client can stop
// the server, slow the others, or hold memory without bound.
package server
