// Package auth says who is calling a Tansiq server and what they may do.
//
// People present a bearer token: a JWT signed with Ed25519 (EdDSA) naming the person, their
// force and their role. Services present an mTLS client certificate naming the service.
// The gateway forwards the caller's own token to the services unchanged (ForwardUnary,
// ForwardStream), and every service verifies that same token itself with the public key: a
// service trusts a signature, never a header another hop could have set. So the rules hold
// for a call that bypasses the gateway exactly as for one that goes through it.
//
// The server interceptors (Authenticator) put an Identity in the context; handlers ask the
// pure authorization functions (CanRead, CanChange, CanAcknowledge) and map a *Denial to
// PERMISSION_DENIED, or to NOT_FOUND when the denial is Hidden.
package auth
