package auth

import (
	"errors"
	"testing"
)

const (
	peshmerga = "forces/peshmerga"
	iraqiArmy = "forces/iraqi-army"
)

// outcome names what a handler would answer.
type outcome string

const (
	allowed  outcome = "allowed"
	denied   outcome = "PERMISSION_DENIED"
	notFound outcome = "NOT_FOUND"
)

func outcomeOf(t *testing.T, err error) outcome {
	t.Helper()
	switch {
	case err == nil:
		return allowed
	case errors.Is(err, ErrNotVisible):
		return notFound
	case errors.Is(err, ErrPermissionDenied):
		return denied
	}
	t.Fatalf("error %v is neither visible nor hidden denial", err)
	return ""
}

func person(force string, role Role) Identity {
	return Identity{Subject: force + "/people/someone", Force: force, Role: role}
}

func TestAuthorization(t *testing.T) {
	pOperator := person(peshmerga, RoleOperator)
	pCommander := person(peshmerga, RoleCommander)
	pViewer := person(peshmerga, RoleViewer)
	iOperator := person(iraqiArmy, RoleOperator)
	service := ServiceIdentity("gateway")
	nobody := Identity{}

	tests := []struct {
		name    string
		id      Identity
		check   func(Identity, string) error
		force   string
		want    outcome
		wantWhy string
	}{
		{"operator reads own record", pOperator, CanRead, peshmerga, allowed, ""},
		{"operator reads the other force's record", pOperator, CanRead, iraqiArmy, allowed, ""},
		{"viewer reads", pViewer, CanRead, iraqiArmy, allowed, ""},
		{"service reads", service, CanRead, peshmerga, allowed, ""},
		{"no identity reads nothing", nobody, CanRead, peshmerga, notFound, ReasonNotVisible},

		{"operator changes own record", pOperator, CanChange, peshmerga, allowed, ""},
		{"commander changes own record", pCommander, CanChange, peshmerga, allowed, ""},
		{"operator changes the other force's record", pOperator, CanChange, iraqiArmy, denied, ReasonOtherForce},
		{"Iraqi operator changes a Peshmerga record", iOperator, CanChange, peshmerga, denied, ReasonOtherForce},
		{"viewer changes own record", pViewer, CanChange, peshmerga, denied, ReasonReadOnlyRole},
		{"service changes a record on its own", service, CanChange, peshmerga, denied, ReasonReadOnlyRole},
		{"record without owner", pOperator, CanChange, "", denied, ReasonNoOwner},
		{"no identity changes nothing, and learns nothing", nobody, CanChange, peshmerga, notFound, ReasonNotVisible},
		{"forged force claim without a role", Identity{Subject: "x", Force: peshmerga}, CanChange, peshmerga, notFound, ReasonNotVisible},

		{"operator acknowledges for own force", pOperator, CanAcknowledge, peshmerga, allowed, ""},
		{"commander acknowledges for own force", pCommander, CanAcknowledge, peshmerga, allowed, ""},
		{"operator acknowledges for the other force", pOperator, CanAcknowledge, iraqiArmy, denied, ReasonAcknowledgeOther},
		{"Iraqi operator acknowledges for the Peshmerga", iOperator, CanAcknowledge, peshmerga, denied, ReasonAcknowledgeOther},
		{"viewer acknowledges", pViewer, CanAcknowledge, peshmerga, denied, ReasonReadOnlyRole},
		{"service acknowledges", service, CanAcknowledge, peshmerga, denied, ReasonReadOnlyRole},
		{"acknowledgement for no force", pOperator, CanAcknowledge, "", denied, ReasonAcknowledgeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check(tt.id, tt.force)
			if got := outcomeOf(t, err); got != tt.want {
				t.Errorf("outcome: got %s (%v), want %s", got, err, tt.want)
			}
			var why string
			if d, ok := AsDenial(err); ok {
				why = d.Reason
			}
			if why != tt.wantWhy {
				t.Errorf("reason: got %q, want %q", why, tt.wantWhy)
			}
		})
	}
}

func TestRoleParsing(t *testing.T) {
	tests := []struct {
		in      string
		want    Role
		wantErr bool
	}{
		{"operator", RoleOperator, false},
		{" Commander ", RoleCommander, false},
		{"VIEWER", RoleViewer, false},
		{"service", RoleService, false},
		{"admin", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		got, err := ParseRole(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseRole(%q): got %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
