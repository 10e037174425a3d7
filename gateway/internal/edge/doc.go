// Package edge is the gateway's front door: it forwards every call for a backend
// service's API to that service unchanged (the bytes, the metadata with the caller's
// token, the deadline and the trace context), streams included, and describes the
// forwarded APIs through reflection, so a client needs one address. It knows nothing of
// zones or deployments.
package edge
