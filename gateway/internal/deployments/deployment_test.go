package deployments

import (
	"errors"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
)

var t0 = time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC)

func day(n int) time.Time { return t0.AddDate(0, 0, n) }

const (
	pm = "forces/peshmerga"
	ia = "forces/iraqi-army"
)

func proposed(start, end time.Time) Deployment {
	d := Deployment{Zone: "zones/makhmour", Units: []string{pm + "/units/makhmour-front", ia + "/units/makhmour-sector-brigade"},
		ProposingForce: pm, Forces: []string{ia, pm}, State: StateProposed,
		Acknowledgements: []Acknowledgement{{Force: pm, Time: t0}}}
	d.SetWindow(start, end)
	return d
}

func kind(err error) string {
	var e *apperr.Error
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrAlreadyAcknowledged):
		return "unchanged"
	case errors.As(err, &e):
		return e.Reason
	}
	return err.Error()
}

func TestAcknowledge(t *testing.T) {
	tests := []struct {
		name      string
		d         func() Deployment
		force     string
		want      string
		wantState string
	}{
		{"the other force activates it", func() Deployment { return proposed(day(1), day(30)) }, ia, "ok", StateActive},
		{"the proposer again: unchanged", func() Deployment { return proposed(day(1), day(30)) }, pm, "unchanged", StateProposed},
		{"a force taking no part", func() Deployment { return proposed(day(1), day(30)) }, "forces/other", "NOT_A_PARTICIPANT", StateProposed},
		{"cancelled", func() Deployment { d := proposed(day(1), day(30)); d.State = StateCancelled; return d }, ia, "WRONG_STATE", StateCancelled},
		{"three forces: the second is not the last", func() Deployment {
			d := proposed(day(1), day(30))
			d.Forces = []string{ia, "forces/other", pm}
			return d
		}, ia, "ok", StateProposed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.d()
			err := d.Acknowledge(Acknowledgement{Force: tt.force, Time: day(2)})
			if got := kind(err); got != tt.want {
				t.Errorf("Acknowledge = %s, want %s", got, tt.want)
			}
			if d.State != tt.wantState {
				t.Errorf("state = %s, want %s", d.State, tt.wantState)
			}
			if d.State == StateActive && !d.ActivateTime.Equal(day(2)) {
				t.Errorf("activate time = %v, want the acknowledgement's", d.ActivateTime)
			}
		})
	}
}

func TestStateAt(t *testing.T) {
	d := proposed(day(1), day(10))
	d.State = StateActive
	tests := []struct {
		now  time.Time
		want string
	}{{day(0), StateActive}, {day(5), StateActive}, {day(10), StateEnded}, {day(20), StateEnded}}
	for _, tt := range tests {
		if got := d.StateAt(tt.now); got != tt.want {
			t.Errorf("StateAt(%v) = %s, want %s", tt.now, got, tt.want)
		}
	}
	open := proposed(day(1), time.Time{})
	open.State = StateActive
	if got := open.StateAt(day(1000)); got != StateActive {
		t.Errorf("open-ended StateAt(far future) = %s, want active", got)
	}
}

func TestEndAndCancel(t *testing.T) {
	active := func(start, end time.Time) Deployment {
		d := proposed(start, end)
		d.State = StateActive
		return d
	}
	tests := []struct {
		name    string
		d       Deployment
		end     bool // End rather than Cancel
		now     time.Time
		want    string
		state   string
		wantEnd time.Time
	}{
		{"end an active one early", active(day(1), day(30)), true, day(5), "ok", StateEnded, day(5)},
		{"end an open-ended one", active(day(1), time.Time{}), true, day(5), "ok", StateEnded, day(5)},
		{"end one not started", active(day(10), day(30)), true, day(5), "WRONG_STATE", StateActive, day(30)},
		{"end a proposed one", proposed(day(1), day(30)), true, day(5), "WRONG_STATE", StateProposed, day(30)},
		{"end one already over", active(day(1), day(3)), true, day(5), "WRONG_STATE", StateActive, day(3)},
		{"cancel a proposed one", proposed(day(1), day(30)), false, day(5), "ok", StateCancelled, day(30)},
		{"cancel an active one not started", active(day(10), day(30)), false, day(5), "ok", StateCancelled, day(30)},
		{"cancel an active one started", active(day(1), day(30)), false, day(5), "WRONG_STATE", StateActive, day(30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.d
			var err error
			if tt.end {
				err = d.End(tt.now, "done")
			} else {
				err = d.Cancel(tt.now, "withdrawn")
			}
			if got := kind(err); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if d.State != tt.state || !d.EndTime.Equal(tt.wantEnd) {
				t.Errorf("state %s ending %v, want %s ending %v", d.State, d.EndTime, tt.state, tt.wantEnd)
			}
		})
	}
}

func TestWindowOverlap(t *testing.T) {
	tests := []struct {
		name   string
		a, b   Window
		want   Window
		wantOK bool
	}{
		{"apart", Window{day(1), day(5)}, Window{day(5), day(9)}, Window{}, false},
		{"overlapping", Window{day(1), day(5)}, Window{day(3), day(9)}, Window{day(3), day(5)}, true},
		{"inside", Window{day(1), day(9)}, Window{day(3), day(5)}, Window{day(3), day(5)}, true},
		{"one open-ended", Window{day(1), time.Time{}}, Window{day(3), day(5)}, Window{day(3), day(5)}, true},
		{"open-ended after", Window{day(6), time.Time{}}, Window{day(3), day(5)}, Window{}, false},
		{"both open-ended", Window{day(1), time.Time{}}, Window{day(3), time.Time{}}, Window{day(3), time.Time{}}, true},
	}
	for _, tt := range tests {
		for _, swap := range []bool{false, true} {
			a, b := tt.a, tt.b
			if swap {
				a, b = b, a
			}
			got, ok := a.Overlap(b)
			if ok != tt.wantOK || got != tt.want {
				t.Errorf("%s (swapped %v): Overlap = %v, %v; want %v, %v", tt.name, swap, got, ok, tt.want, tt.wantOK)
			}
		}
	}
}

func TestConflicts(t *testing.T) {
	doc := func(name, zone, state string, start, end time.Time, units ...string) *Doc {
		d := Deployment{Zone: zone, Units: units, State: state}
		d.SetWindow(start, end)
		return &Doc{Name: name, Body: d}
	}
	front, brigade, garmiyan := pm+"/units/makhmour-front", ia+"/units/makhmour-sector-brigade", pm+"/units/garmiyan-front"
	others := []*Doc{
		doc("deployments/a", "zones/makhmour", StateProposed, day(1), day(10), front, brigade),
		doc("deployments/b", "zones/kifri", StateActive, day(5), time.Time{}, garmiyan, brigade),
		doc("deployments/c", "zones/makhmour", StateCancelled, day(1), day(30), front),
		doc("deployments/d", "zones/makhmour", StateEnded, day(1), day(30), front),
		doc("deployments/e", "zones/makhmour", StateActive, day(20), day(25), garmiyan),
	}
	uc, zo := Conflicts("zones/makhmour", []string{front, brigade}, Window{day(8), day(21)}, others, "", day(0))
	var got []string
	for _, c := range uc {
		got = append(got, c.Unit+" in "+c.Deployment)
	}
	want := []string{brigade + " in deployments/a", brigade + " in deployments/b", front + " in deployments/a"}
	if len(got) != len(want) {
		t.Fatalf("unit conflicts %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("unit conflict %d = %s, want %s", i, got[i], want[i])
		}
	}
	if uc[0].Overlap != (Window{day(8), day(10)}) || uc[0].State != StateProposed {
		t.Errorf("first conflict = %+v, want the overlap of days 8-10 with a proposed deployment", uc[0])
	}
	if len(zo) != 2 || zo[0].Deployment != "deployments/a" || zo[1].Deployment != "deployments/e" {
		t.Errorf("zone overlaps = %+v, want a then e", zo)
	}
	if uc, _ := Conflicts("", []string{front}, Window{day(8), day(21)}, others, "deployments/a", day(0)); len(uc) != 0 {
		t.Errorf("skipping deployments/a: conflicts %+v, want none", uc)
	}
}
