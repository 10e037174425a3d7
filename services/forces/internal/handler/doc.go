// Package handler serves tansiq.forces.v1.ForcesService: each method validates its
// request, checks the domain's rules (hierarchy, references, removal) against the store,
// writes, and maps failures to gRPC statuses in one place.
package handler
