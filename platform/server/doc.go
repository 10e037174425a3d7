// Package server runs a Tansiq gRPC server the same way in every deployable: health
// (grpc.health.v1), reflection, OpenTelemetry stats, recovery and logging interceptors with
// trace ids, message-size and keepalive limits, optional TLS, and a graceful stop that turns
// health NOT_SERVING first and keeps serving for a short grace, then ends streams such as
// watches with UNAVAILABLE (so their clients resume elsewhere), lets unary calls in flight
// finish, and falls back to a hard stop after a timeout.
package server
