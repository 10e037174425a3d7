// Package faults is the fault suite: each test brings the whole system up as real
// processes (deploy/local/stack) in a directory of its own, then breaks it the way
// production does (a service killed with SIGKILL under load, the store killed, a
// service stopped with SIGTERM under load, a dependency down or slow, hostile input,
// a caller over its limits) and checks what the README promises: nothing acknowledged
// is lost or written twice, in-flight calls finish on a graceful stop, callers get
// UNAVAILABLE or DEADLINE_EXCEEDED within their deadline, the system heals by itself,
// and the test process leaks no goroutine.
//
// The package holds only tests; this file gives it its documentation.
package faults
