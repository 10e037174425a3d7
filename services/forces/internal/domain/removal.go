package domain

import "github.com/tansiq/tansiq/platform/apperr"

// CheckUnitRemovable refuses to delete a unit that others still hang on: a sub-unit naming
// it as parent_unit (child), or a person serving in it (member); empty strings mean none.
// Deleting it would leave them pointing at nothing.
func CheckUnitRemovable(unit, child, member string) error {
	switch {
	case child != "":
		return stillReferenced("UNIT_HAS_CHILDREN", unit, child, "%s still has sub-units, e.g. %s: move or delete them first")
	case member != "":
		return stillReferenced("UNIT_HAS_MEMBERS", unit, member, "people still serve in %s, e.g. %s: move them first")
	}
	return nil
}

// CheckPersonRemovable refuses to delete a person who still commands a unit (commanded is
// one such unit, or empty).
func CheckPersonRemovable(person, commanded string) error {
	if commanded != "" {
		return stillReferenced("PERSON_COMMANDS_UNIT", person, commanded, "%s still commands %s: change its commander first")
	}
	return nil
}

func stillReferenced(reason, name, by, format string) error {
	e := apperr.New(apperr.KindFailedPrecondition, reason, format, name, by)
	e.Metadata = map[string]string{"resource": name, "referenced_by": by}
	return e
}
