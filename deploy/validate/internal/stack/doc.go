// Package stack checks the non-Kubernetes deployment files offline: the compose file (the
// services it must run exist, and what they reference, from depends_on and addresses to build
// arguments, mounted inputs and secrets, is there), the OpenTelemetry collector configuration
// (every pipeline is wired to components that are defined, OTLP gRPC in, debug and file out),
// and the Dockerfile (a distroless, non-root final stage declaring the build arguments used).
package stack
