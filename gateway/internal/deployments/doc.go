// Package deployments serves tansiq.gateway.v1.DeploymentService: joint deployments of
// units of both forces in a zone, proposed by one force and active once every force
// taking part has acknowledged it with its own token. Units are checked against the
// forces service in one BatchGetUnits call and mandates against the meeting service;
// a unit may not be booked into two deployments whose windows overlap.
//
// The rules (states, acknowledgements, overlaps) are pure functions in deployment.go and
// conflicts.go; the handler validates, authorizes, calls them and the store.
package deployments
