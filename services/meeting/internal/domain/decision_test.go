package domain

import (
	"slices"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
)

const (
	army = "forces/iraqi-army"
	pesh = "forces/peshmerga"
)

func jointDecision() Decision {
	m := &Meeting{HostForce: army, Attendees: []Attendee{{Person: "forces/peshmerga/people/jamal-mohammed-omar", Force: pesh}}}
	m.Normalize()
	return NewDecision("meetings/makhmour", m, Decision{Text: "Deploy joint forces", Kind: KindJointDeployment})
}

func TestNewDecisionNeedsEveryAttendingForce(t *testing.T) {
	d := jointDecision()
	if want := []string{army, pesh}; !slices.Equal(d.RequiredForces, want) || !slices.Equal(d.AwaitingForces, want) {
		t.Errorf("required %v awaiting %v, want both %v", d.RequiredForces, d.AwaitingForces, want)
	}
	if d.Binding || !d.BindingTime.IsZero() {
		t.Errorf("a new decision binds: %v at %v", d.Binding, d.BindingTime)
	}
}

func TestAcknowledge(t *testing.T) {
	t1 := time.Date(2021, 12, 7, 12, 0, 0, 0, time.UTC)
	t2 := t1.Add(2 * time.Hour)
	type ack struct {
		by   Actor
		at   time.Time
		note string
	}
	tests := []struct {
		name        string
		acks        []ack
		wantChanged []bool
		wantForces  []string
		wantAwait   []string
		wantBinding bool
		wantAt      time.Time
	}{
		{"one force", []ack{{Actor{Force: army}, t1, ""}}, []bool{true},
			[]string{army}, []string{pesh}, false, time.Time{}},
		{"both forces", []ack{{Actor{Force: pesh, Person: "forces/peshmerga/people/jamal-mohammed-omar"}, t1, ""}, {Actor{Force: army}, t2, ""}},
			[]bool{true, true}, []string{pesh, army}, []string{}, true, t2},
		{"same force twice keeps the first", []ack{{Actor{Force: army}, t1, "first"}, {Actor{Force: army}, t2, "second"}},
			[]bool{true, false}, []string{army}, []string{pesh}, false, time.Time{}},
		{"twice after binding changes nothing", []ack{{Actor{Force: army}, t1, ""}, {Actor{Force: pesh}, t1, ""}, {Actor{Force: pesh}, t2, ""}},
			[]bool{true, true, false}, []string{army, pesh}, []string{}, true, t1},
	}
	for _, tt := range tests {
		d := jointDecision()
		for i, a := range tt.acks {
			changed, err := d.Acknowledge(a.by, a.note, a.at)
			if err != nil || changed != tt.wantChanged[i] {
				t.Errorf("%s: ack %d changed %v err %v, want %v", tt.name, i, changed, err, tt.wantChanged[i])
			}
		}
		var forces []string
		for _, a := range d.Acknowledgements {
			forces = append(forces, a.Force)
		}
		if !slices.Equal(forces, tt.wantForces) || !slices.Equal(d.AwaitingForces, tt.wantAwait) ||
			d.Binding != tt.wantBinding || !d.BindingTime.Equal(tt.wantAt) {
			t.Errorf("%s: acks %v awaiting %v binding %v at %v; want %v %v %v at %v", tt.name,
				forces, d.AwaitingForces, d.Binding, d.BindingTime, tt.wantForces, tt.wantAwait, tt.wantBinding, tt.wantAt)
		}
		if tt.name == "same force twice keeps the first" && d.Acknowledgements[0].Note != "first" {
			t.Errorf("%s: note %q, want the first acknowledgement's", tt.name, d.Acknowledgements[0].Note)
		}
	}
}

func TestAcknowledgeRefusals(t *testing.T) {
	tests := []struct {
		name       string
		by         Actor
		wantReason string
	}{
		{"force that did not attend", Actor{Force: "forces/asayish"}, "NOT_A_REQUIRED_FORCE"},
		{"no force", Actor{Person: "services/gateway"}, "NO_ACTING_FORCE"},
	}
	for _, tt := range tests {
		d := jointDecision()
		changed, err := d.Acknowledge(tt.by, "", time.Now())
		e, ok := apperr.As(err)
		if changed || !ok || e.Kind != apperr.KindPermissionDenied || e.Reason != tt.wantReason {
			t.Errorf("%s: changed %v err %v, want PERMISSION_DENIED %s", tt.name, changed, err, tt.wantReason)
		}
		if len(d.Acknowledgements) != 0 || d.Binding {
			t.Errorf("%s: refused acknowledgement was recorded: %+v", tt.name, d)
		}
	}
}
