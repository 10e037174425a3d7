package domain

import (
	"testing"

	"github.com/tansiq/tansiq/platform/apperr"
)

func TestStateMoves(t *testing.T) {
	hold := (*Meeting).Hold
	cancel := func(m *Meeting) error { return m.Cancel("the road from Erbil is closed") }
	closeM := func(m *Meeting) error { return m.Close("statement issued") }
	tests := []struct {
		name    string
		from    string
		do      func(*Meeting) error
		want    string
		wantErr bool
	}{
		{"hold scheduled", StateScheduled, hold, StateHeld, false},
		{"hold held", StateHeld, hold, StateHeld, true},
		{"hold cancelled", StateCancelled, hold, StateCancelled, true},
		{"hold closed", StateClosed, hold, StateClosed, true},
		{"cancel scheduled", StateScheduled, cancel, StateCancelled, false},
		{"cancel held", StateHeld, cancel, StateHeld, true},
		{"cancel cancelled", StateCancelled, cancel, StateCancelled, true},
		{"close held", StateHeld, closeM, StateClosed, false},
		{"close scheduled", StateScheduled, closeM, StateScheduled, true},
		{"close closed", StateClosed, closeM, StateClosed, true},
		{"close cancelled", StateCancelled, closeM, StateCancelled, true},
	}
	for _, tt := range tests {
		m := &Meeting{State: tt.from}
		err := tt.do(m)
		if got := m.State; got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("%s: state %s err %v; want %s err %v", tt.name, got, err, tt.want, tt.wantErr)
		}
		if err != nil && !apperr.IsKind(err, apperr.KindFailedPrecondition) {
			t.Errorf("%s: err %v, want FAILED_PRECONDITION", tt.name, err)
		}
	}
}

func TestStateReasonKept(t *testing.T) {
	m := &Meeting{State: StateScheduled}
	if err := m.Cancel("postponed after the Khidr Jija attack"); err != nil {
		t.Fatal(err)
	}
	if got, want := m.StateReason, "postponed after the Khidr Jija attack"; got != want {
		t.Errorf("state_reason = %q, want %q", got, want)
	}
}

func TestEditableAndDecidable(t *testing.T) {
	tests := []struct {
		state              string
		editable, decision bool
	}{
		{StateScheduled, true, false},
		{StateHeld, true, true},
		{StateCancelled, false, false},
		{StateClosed, false, false},
	}
	for _, tt := range tests {
		m := &Meeting{State: tt.state}
		if got := m.CheckEditable() == nil; got != tt.editable {
			t.Errorf("%s: editable %v, want %v", tt.state, got, tt.editable)
		}
		if got := m.CheckDecidable() == nil; got != tt.decision {
			t.Errorf("%s: decidable %v, want %v", tt.state, got, tt.decision)
		}
	}
}
