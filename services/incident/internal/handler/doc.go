// Package handler serves tansiq.incident.v1.IncidentService: each method validates its
// request, calls the domain and the store, and maps failures to gRPC statuses in one place.
//
// The layout is the one every service keeps: handler.go holds the Handler and the helpers
// its methods share, incidents.go the methods of the incident resource with its update
// mask and proto conversions, validate.go the request checks.
package handler
