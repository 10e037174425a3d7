package domain

import (
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
)

func TestStatus(t *testing.T) {
	due := time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		item ActionItem
		now  time.Time
		want string
	}{
		{"before due", ActionItem{DueTime: due}, due.Add(-time.Hour), StatusOpen},
		{"at due", ActionItem{DueTime: due}, due, StatusOpen},
		{"after due", ActionItem{DueTime: due}, due.Add(time.Second), StatusOverdue},
		{"no due time", ActionItem{}, due.AddDate(10, 0, 0), StatusOpen},
		{"done after due", ActionItem{DueTime: due, Done: true}, due.AddDate(1, 0, 0), StatusDone},
		{"done before due", ActionItem{DueTime: due, Done: true}, due.Add(-time.Hour), StatusDone},
	}
	for _, tt := range tests {
		if got := tt.item.Status(tt.now); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestAddUpdateDoneIsFinal(t *testing.T) {
	t1 := time.Date(2021, 12, 10, 0, 0, 0, 0, time.UTC)
	t2 := t1.Add(24 * time.Hour)
	a := ActionItem{}
	a.AddUpdate("liaison officers named", "forces/peshmerga/people/jamal-mohammed-omar", false, false, t1)
	a.AddUpdate("checkpoint manned", "", true, false, t1)
	a.AddUpdate("still manned", "", true, false, t2)
	if !a.Done || !a.DoneTime.Equal(t1) {
		t.Errorf("done %v at %v, want done at %v", a.Done, a.DoneTime, t1)
	}
	var marks []bool
	for _, u := range a.Updates {
		marks = append(marks, u.MarkedDone)
	}
	if len(marks) != 3 || marks[0] || !marks[1] || marks[2] {
		t.Errorf("marked_done per update = %v, want [false true false]", marks)
	}
}

func TestNewActionItemOwner(t *testing.T) {
	d := jointDecision()
	d.Zones = []string{"zones/makhmour"}
	tests := []struct {
		owner     string
		wantForce string
		wantErr   bool
	}{
		{"forces/peshmerga", pesh, false},
		{"forces/peshmerga/units/makhmour-front", pesh, false},
		{"forces/iraqi-army/people/abdul-amir-al-shammari", army, false},
		{"forces/asayish", "", true},
		{"forces/asayish/units/erbil-branch", "", true},
		{"zones/makhmour", "", true},
	}
	for _, tt := range tests {
		a, err := NewActionItem("meetings/makhmour/decisions/joint", &d, ActionItem{Title: "t", Owner: tt.owner})
		if (err != nil) != tt.wantErr || a.OwnerForce != tt.wantForce {
			t.Errorf("owner %s: force %q err %v, want %q err %v", tt.owner, a.OwnerForce, err, tt.wantForce, tt.wantErr)
		}
		if err != nil && !apperr.IsKind(err, apperr.KindInvalidArgument) {
			t.Errorf("owner %s: err %v, want INVALID_ARGUMENT", tt.owner, err)
		}
		if err == nil && (a.Meeting != "meetings/makhmour" || len(a.Zones) != 1 || len(a.RequiredForces) != 2) {
			t.Errorf("owner %s: parents and copies not set: %+v", tt.owner, a)
		}
	}
}
