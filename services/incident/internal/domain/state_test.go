package domain

import (
	"testing"

	"github.com/tansiq/tansiq/platform/apperr"
)

func TestTransitions(t *testing.T) {
	tests := []struct {
		from    string
		do      func(*Incident) error
		want    string
		wantErr bool
	}{
		{StateReported, (*Incident).Confirm, StateConfirmed, false},
		{StateConfirmed, (*Incident).Confirm, StateConfirmed, true},
		{StateClosed, (*Incident).Confirm, StateClosed, true},
		{StateReported, func(i *Incident) error { return i.Close("dup") }, StateClosed, false},
		{StateConfirmed, func(i *Incident) error { return i.Close("done") }, StateClosed, false},
		{StateClosed, func(i *Incident) error { return i.Close("again") }, StateClosed, true},
	}
	for _, tt := range tests {
		i := &Incident{State: tt.from}
		err := tt.do(i)
		if (err != nil) != tt.wantErr || i.State != tt.want {
			t.Errorf("from %s: state %s err %v; want %s err %v", tt.from, i.State, err, tt.want, tt.wantErr)
		}
		if err != nil && !apperr.IsKind(err, apperr.KindFailedPrecondition) {
			t.Errorf("from %s: err kind = %v, want FAILED_PRECONDITION", tt.from, err)
		}
	}
}

func TestTotalsKeepUnknownSplit(t *testing.T) {
	// The seed: "18 civilians and Peshmerga killed or wounded", split unknown.
	i := Incident{Casualties: []Casualties{
		{Sides: []string{"CASUALTY_SIDE_CIVILIAN", "CASUALTY_SIDE_PESHMERGA"}, KilledOrWounded: 18},
		{Sides: []string{"CASUALTY_SIDE_ASSAILANT"}, Killed: 2, Wounded: 1},
	}}
	got := i.Totals()
	want := Totals{Killed: 2, Wounded: 1, All: 21}
	if got != want {
		t.Fatalf("Totals() = %+v, want %+v", got, want)
	}
}
