package deployments

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/platform/resname"
	"github.com/tansiq/tansiq/platform/store"
)

// Deployment states (the API's DeploymentState names). ENDED is also computed when read:
// an ACTIVE deployment whose end_time has passed reads as ENDED, with no write.
const (
	StateProposed  = "DEPLOYMENT_STATE_PROPOSED"
	StateActive    = "DEPLOYMENT_STATE_ACTIVE"
	StateEnded     = "DEPLOYMENT_STATE_ENDED"
	StateCancelled = "DEPLOYMENT_STATE_CANCELLED"
)

// openEnd stands for the end of an open-ended window in EndKey, so that range queries
// treat "no end" as later than any time.
var openEnd = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// Deployment is a stored joint deployment.
type Deployment struct {
	Title       string       `bson:"title,omitempty"`
	Zone        string       `bson:"zone"`
	Units       []string     `bson:"units"`
	LeadForce   string       `bson:"lead_force"`
	CommandPost *place.Place `bson:"command_post,omitempty"`
	// Area is the deployment's own ground; nil: its whole zone.
	Area      *Area     `bson:"area,omitempty"`
	StartTime time.Time `bson:"start_time"`
	// EndTime is zero for an open-ended deployment; EndKey is EndTime or openEnd.
	EndTime          time.Time         `bson:"end_time,omitempty"`
	EndKey           time.Time         `bson:"end_key"`
	Mandate          string            `bson:"mandate,omitempty"`
	Notes            string            `bson:"notes,omitempty"`
	ProposingForce   string            `bson:"proposing_force"`
	Forces           []string          `bson:"forces"`
	Acknowledgements []Acknowledgement `bson:"acknowledgements"`
	// State is the stored state; see Deployment.StateAt for the state as read.
	State        string    `bson:"state"`
	StateReason  string    `bson:"state_reason,omitempty"`
	ActivateTime time.Time `bson:"activate_time,omitempty"`
}

// Acknowledgement is one force's acknowledgement.
type Acknowledgement struct {
	Force  string    `bson:"force"`
	Person string    `bson:"person,omitempty"`
	Time   time.Time `bson:"time"`
	Note   string    `bson:"note,omitempty"`
}

// Doc is a stored deployment; its Owner is the proposing force.
type Doc = store.Doc[Deployment]

// ForceOf returns the force a unit name belongs to, "forces/{force}", or "".
func ForceOf(unit string) string {
	if !resname.Matches(resname.Unit, unit) {
		return ""
	}
	return resname.Ancestor(unit, resname.Force)
}

// forcesOf returns the forces of the units, each once, by name.
func forcesOf(units []string) []string {
	var out []string
	for _, u := range units {
		if f := ForceOf(u); f != "" {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// SetWindow sets the window and its query key.
func (d *Deployment) SetWindow(start, end time.Time) {
	d.StartTime, d.EndTime, d.EndKey = start, end, end
	if end.IsZero() {
		d.EndKey = openEnd
	}
}

// StateAt is the state as read at now: ACTIVE past its end_time reads as ENDED.
func (d *Deployment) StateAt(now time.Time) string {
	if d.State == StateActive && !d.EndTime.IsZero() && !now.Before(d.EndTime) {
		return StateEnded
	}
	return d.State
}

// Acknowledged reports whether force has acknowledged.
func (d *Deployment) Acknowledged(force string) bool {
	return slices.ContainsFunc(d.Acknowledgements, func(a Acknowledgement) bool { return a.Force == force })
}

// Pending returns the forces that have not acknowledged yet, by name.
func (d *Deployment) Pending() []string {
	var out []string
	for _, f := range d.Forces {
		if !d.Acknowledged(f) {
			out = append(out, f)
		}
	}
	return out
}

// ErrAlreadyAcknowledged is returned by Acknowledge when the force has acknowledged:
// the caller answers with the deployment unchanged.
var ErrAlreadyAcknowledged = errors.New("already acknowledged")

// wrongState refuses a change the deployment's state does not allow.
func wrongState(format string, args ...any) error {
	return apperr.New(apperr.KindFailedPrecondition, "WRONG_STATE", format, args...)
}

// Acknowledge records force's acknowledgement; the last one needed makes the deployment
// ACTIVE. force must be among Forces (the caller checks who may speak for it).
func (d *Deployment) Acknowledge(a Acknowledgement) error {
	if !slices.Contains(d.Forces, a.Force) {
		return notParticipant(a.Force)
	}
	if d.Acknowledged(a.Force) {
		return ErrAlreadyAcknowledged
	}
	if d.State != StateProposed {
		return wrongState("the deployment is %s: only a proposed deployment is acknowledged", short(d.State))
	}
	d.Acknowledgements = append(d.Acknowledgements, a)
	if len(d.Pending()) == 0 {
		d.State, d.ActivateTime = StateActive, a.Time
	}
	return nil
}

// End ends an ACTIVE deployment that has started: its end_time becomes now if it was
// unset or later.
func (d *Deployment) End(now time.Time, reason string) error {
	switch st := d.StateAt(now); {
	case st != StateActive:
		return wrongState("the deployment is %s: only an active deployment is ended", short(st))
	case now.Before(d.StartTime):
		return wrongState("the deployment has not started: cancel it instead")
	}
	if d.EndTime.IsZero() || d.EndTime.After(now) {
		d.SetWindow(d.StartTime, now)
	}
	d.State, d.StateReason = StateEnded, reason
	return nil
}

// Cancel cancels a PROPOSED deployment, or an ACTIVE one that has not started.
func (d *Deployment) Cancel(now time.Time, reason string) error {
	switch st := d.StateAt(now); {
	case st == StateProposed:
	case st == StateActive && now.Before(d.StartTime):
	case st == StateActive:
		return wrongState("the deployment has started: end it instead")
	default:
		return wrongState("the deployment is %s: only a proposed deployment, or an active one not yet started, is cancelled", short(st))
	}
	d.State, d.StateReason = StateCancelled, reason
	return nil
}

// notParticipant refuses a force that takes no part in the deployment.
func notParticipant(force string) error {
	if force == "" {
		force = "the caller"
	}
	return &apperr.Error{Kind: apperr.KindPermissionDenied, Reason: "NOT_A_PARTICIPANT",
		Message:  fmt.Sprintf("%s takes no part in the deployment: only its forces act on it", force),
		Metadata: map[string]string{"force": force}}
}

// short is a state name without its prefix, for messages.
func short(state string) string {
	return strings.ToLower(strings.TrimPrefix(state, "DEPLOYMENT_STATE_"))
}
