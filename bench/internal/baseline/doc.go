// Package baseline is the yardstick of the benchmarks: a bare grpc-go server with one
// trivial unary method and no interceptors, telemetry, authentication or store, answering
// with a fixed message of the size of a small read. What the real processes do is
// reported as a ratio of what this does on the same machine under the same load.
package baseline
