// Package load is the closed-loop load generator of the benchmarks: a fixed number of
// workers each make one call after another for a set time, every call timed, so that
// every target (the bare gRPC baseline, a service, the gateway, a store) is driven the same
// way and compared by the same numbers.
package load
