package domain

import "github.com/tansiq/tansiq/platform/apperr"

// UnitReferrers are, for a unit being deleted, one record of each kind that still names it
// ("" for none): a sub-unit naming it as parent_unit (Child), a person serving in it
// (Member), a TAK binding whose device reports for it (Binding) and an area of
// responsibility drawn for it (Area).
type UnitReferrers struct {
	Child, Member, Binding, Area string
}

// CheckUnitRemovable refuses to delete a unit that records still name: deleting it would
// leave them pointing at nothing, and a unit created again under its name would inherit
// them (a device's reports, an area's ground in the security vacuum).
func CheckUnitRemovable(unit string, r UnitReferrers) error {
	switch {
	case r.Child != "":
		return stillReferenced("UNIT_HAS_CHILDREN", unit, r.Child, "%s still has sub-units, e.g. %s: move or delete them first")
	case r.Member != "":
		return stillReferenced("UNIT_HAS_MEMBERS", unit, r.Member, "people still serve in %s, e.g. %s: move them first")
	case r.Binding != "":
		return stillReferenced("UNIT_HAS_TAK_BINDINGS", unit, r.Binding, "TAK devices still report for %s, e.g. through %s: delete the bindings first")
	case r.Area != "":
		return stillReferenced("UNIT_HAS_AREAS", unit, r.Area,
			"%s has areas of responsibility, e.g. %s: areas are a unit's history and are never deleted, so neither is a unit that has one")
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
