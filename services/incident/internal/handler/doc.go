// Package handler serves tansiq.incident.v1.IncidentService: each method validates its
// request, calls the domain and the store, and maps failures to gRPC statuses in one place.
package handler
