// Package limits bounds what one caller may hold open at the gateway at once, so that a
// client stuck in a retry loop, or one that opens watch after watch, cannot take the
// front door from everyone else. A caller is the subject of its verified token (the same
// person on many connections is one caller) or, for calls that carry no identity, the
// address it connects from.
//
// Two caps apply per caller, each on its own: calls that answer once (unary calls,
// whether served by the gateway or forwarded to a service) and streams (watches), which
// stay open for long and would otherwise starve the short calls of their budget. A call
// over a cap is refused at once with RESOURCE_EXHAUSTED and a google.rpc.RetryInfo
// saying when to try again; nothing waits in a queue.
//
// The interceptors need the caller's identity, so they must run after authentication.
package limits
