package domain

import "github.com/tansiq/tansiq/platform/apperr"

// Confirm moves a reported incident to confirmed.
func (i *Incident) Confirm() error {
	if i.State != StateReported {
		return wrongState(i.State, "confirmed", StateReported)
	}
	i.State = StateConfirmed
	return nil
}

// Close moves a reported or confirmed incident to closed, with the reason given.
func (i *Incident) Close(reason string) error {
	if i.State != StateReported && i.State != StateConfirmed {
		return wrongState(i.State, "closed", StateReported+" or "+StateConfirmed)
	}
	i.State = StateClosed
	i.CloseReason = reason
	return nil
}

// CheckEditable refuses field changes to a closed incident.
func (i *Incident) CheckEditable() error {
	if i.State == StateClosed {
		return apperr.New(apperr.KindFailedPrecondition, "INCIDENT_CLOSED", "a closed incident cannot be changed")
	}
	return nil
}

func wrongState(have, verb, need string) error {
	e := apperr.New(apperr.KindFailedPrecondition, "WRONG_STATE",
		"the incident is %s: only an incident in %s can be %s", have, need, verb)
	e.Metadata = map[string]string{"state": have}
	return e
}
