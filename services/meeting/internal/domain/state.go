package domain

import "github.com/tansiq/tansiq/platform/apperr"

// Meeting states (the API's MeetingState names): SCHEDULED, then HELD and at last CLOSED,
// or CANCELLED instead of held.
const (
	StateScheduled = "MEETING_STATE_SCHEDULED"
	StateHeld      = "MEETING_STATE_HELD"
	StateCancelled = "MEETING_STATE_CANCELLED"
	StateClosed    = "MEETING_STATE_CLOSED"
)

// Hold marks a scheduled meeting held, so decisions can be recorded.
func (m *Meeting) Hold() error {
	if m.State != StateScheduled {
		return wrongState(m.State, "held", StateScheduled)
	}
	m.State = StateHeld
	return nil
}

// Cancel calls off a scheduled meeting, with the reason given.
func (m *Meeting) Cancel(reason string) error {
	if m.State != StateScheduled {
		return wrongState(m.State, "cancelled", StateScheduled)
	}
	m.State, m.StateReason = StateCancelled, reason
	return nil
}

// Close completes the record of a held meeting, with the reason or remark given.
func (m *Meeting) Close(reason string) error {
	if m.State != StateHeld {
		return wrongState(m.State, "closed", StateHeld)
	}
	m.State, m.StateReason = StateClosed, reason
	return nil
}

// CheckEditable refuses field changes once the meeting is cancelled or closed.
func (m *Meeting) CheckEditable() error {
	if m.State == StateCancelled || m.State == StateClosed {
		e := apperr.New(apperr.KindFailedPrecondition, "MEETING_FINAL", "the meeting is %s and no longer changes", m.State)
		e.Metadata = map[string]string{"state": m.State}
		return e
	}
	return nil
}

// CheckDecidable refuses recording a decision unless the meeting is held.
func (m *Meeting) CheckDecidable() error {
	if m.State != StateHeld {
		return wrongState(m.State, "given decisions", StateHeld)
	}
	return nil
}

func wrongState(have, verb, need string) error {
	e := apperr.New(apperr.KindFailedPrecondition, "WRONG_STATE",
		"the meeting is %s: only a meeting in %s can be %s", have, need, verb)
	e.Metadata = map[string]string{"state": have}
	return e
}
