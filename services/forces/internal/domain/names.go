package domain

import (
	"regexp"
	"strings"
)

// idPart is one resource id: 4-63 characters of [a-z0-9-], starting with a letter and not
// ending with a hyphen.
const idPart = `[a-z][a-z0-9-]{2,61}[a-z0-9]`

var (
	idPattern      = regexp.MustCompile(`^` + idPart + `$`)
	forcePattern   = regexp.MustCompile(`^forces/` + idPart + `$`)
	unitPattern    = regexp.MustCompile(`^forces/` + idPart + `/units/` + idPart + `$`)
	personPattern  = regexp.MustCompile(`^forces/` + idPart + `/people/` + idPart + `$`)
	bindingPattern = regexp.MustCompile(`^forces/` + idPart + `/takBindings/` + idPart + `$`)
)

// AllForces is the wildcard parent of List methods that lists every force's records.
const AllForces = "forces/-"

// ValidID reports whether id can be the last segment of a resource name.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// IsForceName reports whether name looks like "forces/{force}".
func IsForceName(name string) bool { return forcePattern.MatchString(name) }

// IsUnitName reports whether name looks like "forces/{force}/units/{unit}".
func IsUnitName(name string) bool { return unitPattern.MatchString(name) }

// IsPersonName reports whether name looks like "forces/{force}/people/{person}".
func IsPersonName(name string) bool { return personPattern.MatchString(name) }

// IsTakBindingName reports whether name looks like "forces/{force}/takBindings/{b}".
func IsTakBindingName(name string) bool { return bindingPattern.MatchString(name) }

// ForceOf returns the force a unit, person or TAK binding belongs to: the "forces/{force}" its name
// starts with. Records never change force, so the name alone answers who owns them.
// It returns "" for a name that is none of these.
func ForceOf(name string) string {
	if !IsUnitName(name) && !IsPersonName(name) && !IsTakBindingName(name) {
		return ""
	}
	i := strings.Index(name[len("forces/"):], "/")
	return name[:len("forces/")+i]
}

// UnitName is the name of unit id in force.
func UnitName(force, id string) string { return force + "/units/" + id }

// PersonName is the name of person id in force.
func PersonName(force, id string) string { return force + "/people/" + id }

// TakBindingName is the name of TAK binding id in force.
func TakBindingName(force, id string) string { return force + "/takBindings/" + id }
