package assess

import "time"

// Incident is an incident already placed in the zones that contain it.
type Incident struct {
	Name       string    // resource name, e.g. "incidents/khidr-jija-2021-12-02"
	ZoneIDs    []string  // the zones it lies in; a repeated id counts once
	OccurTime  time.Time // when it happened
	Casualties int       // killed and wounded of every side; negative counts as 0 (unknown)
	// CoveredByArea is set when, at OccurTime, the incident's point lay in an area held
	// then: a unit's area of responsibility, or the area of a deployment in force. Such
	// an incident is covered in every zone it lies in.
	CoveredByArea bool
}

// DeploymentState is where a joint deployment stands in its life.
type DeploymentState int

// The states of a joint deployment. Only active and ended deployments cover a zone.
const (
	DeploymentStateUnspecified DeploymentState = iota
	DeploymentProposed                         // proposed by one force, not yet acknowledged by the other
	DeploymentActive                           // acknowledged by both: in force over its window
	DeploymentEnded                            // was active, ended at EndedAt
	DeploymentCancelled                        // withdrawn before it became active
)

// Deployment is a joint deployment in one zone over a planned window [Start, End).
type Deployment struct {
	Name   string // resource name, e.g. "deployments/makhmour-1"
	ZoneID string
	State  DeploymentState
	Start  time.Time
	End    time.Time // zero: open-ended
	// EndedAt is when an ended deployment was ended; an ended deployment without it
	// is taken to have covered nothing, so that a gap is shown rather than hidden.
	EndedAt time.Time
	// HasArea is set for a deployment with an area of its own: it covers the incidents
	// in that area (Incident.CoveredByArea), not its whole zone.
	HasArea bool
}

// Window is the half-open time range [From, To).
type Window struct {
	From, To time.Time
}

// DefaultWindowLength is the window coverage gaps are computed over when the caller
// gives none: the 30 days up to now.
const DefaultWindowLength = 30 * 24 * time.Hour

// Contains reports whether t is in [From, To).
func (w Window) Contains(t time.Time) bool {
	return !t.Before(w.From) && t.Before(w.To)
}
