// Package authtest lets handler tests prove who may call what. It serves a handler in
// process (bufconn) behind the interceptors every deployable runs in production (the audit
// recorder, the real token authenticator, audit capture: platform/app's order), with a test
// signing key, mints good, expired and wrongly signed tokens, and drives one mutating call
// through every kind of caller that must be refused and the one that must not, checking
// that refused calls change nothing and that every attempt is in the audit trail.
package authtest
