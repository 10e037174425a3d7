package domain

import "github.com/tansiq/tansiq/platform/apperr"

// The joint rules: who decides what between the two forces once a meeting has taken place.
// They are kept here together so that one reading shows every one of them. The handler
// checks each inside the store's compare-and-swap of the record it guards (the item, the
// meeting, the decision), on the version that write replaces, so they hold with any number
// of service replicas on one store.
//
//   - An action item's status is its owner force's: only that force marks it done, and only
//     that force reopens it (StatusForce). Others may add notes.
//   - A meeting's attendees are frozen once it is held (CheckAttendeesEditable): who took
//     part is history, and decisions already name who must acknowledge them.
//   - A decision binds only once every force it names has acknowledged it: the forces that
//     attended and the force of every unit it names, attending or not (namedForces).

// StatusForce is the force whose operators may mark the item done or reopen it: the force
// that owns it.
func (a *ActionItem) StatusForce() string { return a.OwnerForce }

// CheckAttendeesEditable refuses a change of attendees unless the meeting is still
// scheduled.
func (m *Meeting) CheckAttendeesEditable() error {
	if m.State == StateScheduled {
		return nil
	}
	e := apperr.New(apperr.KindFailedPrecondition, "ATTENDEES_FROZEN",
		"the meeting is %s: its attendees no longer change", m.State)
	e.Metadata = map[string]string{"state": m.State}
	return e
}

// namedForces are the forces whose acknowledgement d needs: the meeting's attending forces,
// then the force of each unit the decision names, each once, in that order.
func namedForces(m *Meeting, d *Decision) []string {
	forces := append([]string(nil), m.AttendingForces...)
	for _, u := range d.Units {
		if f := ForceOf(u); f != "" && !contains(forces, f) {
			forces = append(forces, f)
		}
	}
	return forces
}
