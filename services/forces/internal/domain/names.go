package domain

import "github.com/tansiq/tansiq/platform/resname"

// AllForces is the wildcard parent of List methods that lists every force's records.
const AllForces = "forces/-"

// ForceOf returns the force a unit, person or TAK binding belongs to: the "forces/{force}" its name
// starts with. Records never change force, so the name alone answers who owns them.
// It returns "" for a name that is none of these.
func ForceOf(name string) string {
	if !resname.Matches(resname.Unit, name) && !resname.Matches(resname.Person, name) && !resname.Matches(resname.TakBinding, name) {
		return ""
	}
	return resname.Ancestor(name, resname.Force)
}

// UnitName is the name of unit id in force.
func UnitName(force, id string) string { return force + "/units/" + id }

// PersonName is the name of person id in force.
func PersonName(force, id string) string { return force + "/people/" + id }

// TakBindingName is the name of TAK binding id in force.
func TakBindingName(force, id string) string { return force + "/takBindings/" + id }
