// Package gwtest is what the gateway's handler tests share: an in-process gRPC server
// over bufconn whose callers say who they are in metadata (standing in for the
// authenticator), a matcher for the API's error details, and fakes of the forces,
// meeting and incident services that implement only the methods the gateway calls.
// Nothing outside tests imports it.
package gwtest
