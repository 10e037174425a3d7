// Package suite is the whole benchmark run behind `make bench`: it builds and starts the
// real processes (store, incident service, gateway) beside a bare gRPC baseline, drives
// each with the same load generator, runs the Go benchmarks of the zone and coverage
// code, measures memory and start-up, and writes BENCHMARKS.md with every figure beside
// its target.
package suite
