// Package handler serves tansiq.meeting.v1.MeetingService: each method validates its
// request, checks the people and units it names against the forces service (through the
// Directory interface, one batch call per kind), calls the domain and the store, and maps
// failures to gRPC statuses in one place.
package handler
