package domain

import (
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
)

// Decision kinds (the API's DecisionKind names).
const (
	KindJointDeployment     = "DECISION_KIND_JOINT_DEPLOYMENT"
	KindIntelligenceSharing = "DECISION_KIND_INTELLIGENCE_SHARING"
	KindJointOperation      = "DECISION_KIND_JOINT_OPERATION"
	KindOther               = "DECISION_KIND_OTHER"
)

// Decision is a decision taken at a meeting, with each force's acknowledgement of it. Its
// text never changes once recorded, so an acknowledgement always refers to what was
// acknowledged; the acknowledgements live in the same document, so adding one and making
// the decision binding is one atomic write.
type Decision struct {
	// Meeting is the parent meeting's name, kept for queries by meeting.
	Meeting   string   `bson:"meeting"`
	Text      string   `bson:"text"`
	Kind      string   `bson:"kind"`
	Zones     []string `bson:"zones,omitempty"`
	Units     []string `bson:"units,omitempty"`
	Incidents []string `bson:"incidents,omitempty"`
	// RequiredForces are the forces the decision names: the meeting's attending forces
	// when it was recorded and the force of every unit it names (see namedForces). They
	// are copied, not looked up, so who must acknowledge never changes afterwards.
	RequiredForces   []string          `bson:"required_forces"`
	Acknowledgements []Acknowledgement `bson:"acknowledgements,omitempty"`
	// AwaitingForces are the required forces yet to acknowledge, derived and stored for
	// the awaiting_force filter.
	AwaitingForces []string  `bson:"awaiting_forces"`
	Binding        bool      `bson:"binding"`
	BindingTime    time.Time `bson:"binding_time,omitempty"`
}

// Acknowledgement is one force's acknowledgement of a decision.
type Acknowledgement struct {
	Force  string    `bson:"force"`
	Person string    `bson:"person,omitempty"`
	Time   time.Time `bson:"time"`
	Note   string    `bson:"note,omitempty"`
}

// NewDecision returns a decision of meeting m, needing the acknowledgement of each force it
// names (attending the meeting or not), with none given yet.
func NewDecision(meetingName string, m *Meeting, d Decision) Decision {
	d.Meeting = meetingName
	d.RequiredForces = namedForces(m, &d)
	d.Acknowledgements = nil
	d.settle()
	return d
}

// Actor is who acts on a record: the force the caller speaks for and, when the caller is a
// person, that person ("forces/{force}/people/{person}").
type Actor struct {
	Force  string
	Person string
}

// Acknowledge records the actor's force's acknowledgement at time at. Acknowledging again
// for a force that already did changes nothing and reports changed false: the first
// acknowledgement stands. A force that is not required, or an actor speaking for no force,
// is refused with PERMISSION_DENIED: a force acknowledges only for itself, and only a
// decision it took part in.
func (d *Decision) Acknowledge(by Actor, note string, at time.Time) (changed bool, err error) {
	if by.Force == "" {
		return false, apperr.New(apperr.KindPermissionDenied, "NO_ACTING_FORCE",
			"acknowledging needs a caller who speaks for a force")
	}
	if !contains(d.RequiredForces, by.Force) {
		e := apperr.New(apperr.KindPermissionDenied, "NOT_A_REQUIRED_FORCE",
			"%s is not named by the decision and cannot acknowledge it", by.Force)
		e.Metadata = map[string]string{"force": by.Force}
		return false, e
	}
	if d.AcknowledgedBy(by.Force) {
		return false, nil
	}
	d.Acknowledgements = append(d.Acknowledgements, Acknowledgement{Force: by.Force, Person: by.Person, Time: at, Note: note})
	d.settle()
	return true, nil
}

// AcknowledgedBy reports whether force has acknowledged the decision.
func (d *Decision) AcknowledgedBy(force string) bool {
	for _, a := range d.Acknowledgements {
		if a.Force == force {
			return true
		}
	}
	return false
}

// settle recomputes the forces still awaited and whether the decision binds: it does once
// every required force has acknowledged, from the time of the last acknowledgement needed.
func (d *Decision) settle() {
	d.AwaitingForces = []string{}
	for _, f := range d.RequiredForces {
		if !d.AcknowledgedBy(f) {
			d.AwaitingForces = append(d.AwaitingForces, f)
		}
	}
	d.Binding = len(d.AwaitingForces) == 0 && len(d.RequiredForces) > 0
	d.BindingTime = time.Time{}
	if d.Binding {
		for _, a := range d.Acknowledgements {
			if contains(d.RequiredForces, a.Force) && a.Time.After(d.BindingTime) {
				d.BindingTime = a.Time
			}
		}
	}
}
