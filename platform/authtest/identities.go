package authtest

import "github.com/tansiq/tansiq/platform/auth"

// The seed forces, which every service's tests use.
const (
	IraqiArmy = "forces/iraqi-army"
	Peshmerga = "forces/peshmerga"
)

// KnownForces are the forces the test Verifier accepts: the seed forces and a third, for
// tests of a force that takes no part in a record.
var KnownForces = []string{IraqiArmy, Peshmerga, "forces/federal-police"}

// OtherForce is the seed force that is not force (Peshmerga for any force but Peshmerga).
func OtherForce(force string) string {
	if force == Peshmerga {
		return IraqiArmy
	}
	return Peshmerga
}

// Person is a person of force with role, named "<force>/people/<person>".
func Person(force, person string, role auth.Role) auth.Identity {
	return auth.Identity{Subject: force + "/people/" + person, Force: force, Role: role, DisplayName: person}
}

// Operator is an operator of force: one who may change the force's records.
func Operator(force string) auth.Identity {
	return Person(force, "authtest-operator", auth.RoleOperator)
}

// Commander is a commander of force.
func Commander(force string) auth.Identity {
	return Person(force, "authtest-commander", auth.RoleCommander)
}

// Viewer is a viewer of force: one who reads everything and changes nothing.
func Viewer(force string) auth.Identity { return Person(force, "authtest-viewer", auth.RoleViewer) }

// Service is a program calling on its own behalf.
func Service() auth.Identity { return auth.ServiceIdentity("authtest") }
