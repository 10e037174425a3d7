package domain

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/tansiq/tansiq/platform/apperr"
)

// tree is a stored hierarchy: unit -> parent_unit.
type tree map[string]string

func (tr tree) parentOf(_ context.Context, unit string) (string, bool, error) {
	p, ok := tr[unit]
	return p, ok, nil
}

const (
	joc     = "forces/iraqi-army/units/joint-operations-command"
	nineveh = "forces/iraqi-army/units/nineveh-operations-command"
	brigade = "forces/iraqi-army/units/makhmour-sector-brigade"
	west    = "forces/iraqi-army/units/west-nineveh-operations-command"
	pmgc    = "forces/peshmerga/units/general-command"
)

func TestCheckParent(t *testing.T) {
	tr := tree{joc: "", nineveh: joc, west: joc, brigade: nineveh, pmgc: ""}
	tests := []struct {
		name         string
		unit, parent string
		wantReason   string // "" for allowed
	}{
		{"top of a hierarchy", brigade, "", ""},
		{"existing parent in the same force", brigade, west, ""},
		{"new unit under a brigade", "forces/iraqi-army/units/new-battalion", brigade, ""},
		{"cross-force parent", brigade, pmgc, "CROSS_FORCE_PARENT"},
		{"cross-force parent, new unit", "forces/peshmerga/units/makhmour-front", nineveh, "CROSS_FORCE_PARENT"},
		{"missing parent", brigade, "forces/iraqi-army/units/no-such-unit", "PARENT_NOT_FOUND"},
		{"its own parent", nineveh, nineveh, "HIERARCHY_CYCLE"},
		{"under its child", nineveh, brigade, "HIERARCHY_CYCLE"},
		{"under its grandchild", joc, brigade, "HIERARCHY_CYCLE"},
		{"sideways move is no cycle", nineveh, west, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckParent(context.Background(), "unit.parent_unit", tt.unit, tt.parent, tr.parentOf)
			if got := reasonOf(err); got != tt.wantReason {
				t.Fatalf("reason = %q (err %v), want %q", got, err, tt.wantReason)
			}
			if err == nil {
				return
			}
			e, _ := apperr.As(err)
			if e.Kind != apperr.KindInvalidArgument || len(e.Violations) != 1 || e.Violations[0].Field != "unit.parent_unit" {
				t.Fatalf("error = %+v, want INVALID_ARGUMENT with one violation on unit.parent_unit", e)
			}
		})
	}
}

func TestCheckParentBoundsTheWalk(t *testing.T) {
	// A chain exactly MaxDepth long is allowed; one more level is refused.
	tr := tree{}
	name := func(i int) string { return fmt.Sprintf("forces/iraqi-army/units/unit-%03d", i) }
	tr[name(0)] = ""
	for i := 1; i < MaxDepth; i++ {
		tr[name(i)] = name(i - 1)
	}
	ctx := context.Background()
	if err := CheckParent(ctx, "f", "forces/iraqi-army/units/leaf-unit", name(MaxDepth-1), tr.parentOf); err != nil {
		t.Fatalf("a chain of %d levels: %v", MaxDepth, err)
	}
	tr[name(MaxDepth)] = name(MaxDepth - 1)
	if got := reasonOf(CheckParent(ctx, "f", "forces/iraqi-army/units/leaf-unit", name(MaxDepth), tr.parentOf)); got != "HIERARCHY_TOO_DEEP" {
		t.Fatalf("a chain of %d levels: reason %q, want HIERARCHY_TOO_DEEP", MaxDepth+1, got)
	}
	// Stored data that already loops must not loop the walk.
	loop := tree{name(1): name(2), name(2): name(1)}
	if got := reasonOf(CheckParent(ctx, "f", "forces/iraqi-army/units/leaf-unit", name(1), loop.parentOf)); got != "HIERARCHY_TOO_DEEP" {
		t.Fatalf("looping data: reason %q, want HIERARCHY_TOO_DEEP", got)
	}
}

func TestCheckParentPassesLookupErrors(t *testing.T) {
	boom := errors.New("store down")
	err := CheckParent(context.Background(), "f", brigade, nineveh, func(context.Context, string) (string, bool, error) { return "", false, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the look-up's error", err)
	}
}

func TestCheckReference(t *testing.T) {
	people := map[string]bool{"forces/peshmerga/people/sirwan-barzani": true}
	exists := func(_ context.Context, n string) (bool, error) { return people[n], nil }
	tests := []struct {
		ref, force, wantReason string
	}{
		{"", "forces/peshmerga", ""},
		{"forces/peshmerga/people/sirwan-barzani", "forces/peshmerga", ""},
		{"forces/peshmerga/people/sirwan-barzani", "forces/iraqi-army", "CROSS_FORCE_REFERENCE"},
		{"forces/peshmerga/people/nobody-known", "forces/peshmerga", "REFERENCE_NOT_FOUND"},
	}
	for _, tt := range tests {
		if got := reasonOf(CheckReference(context.Background(), "unit.commander", tt.ref, tt.force, exists)); got != tt.wantReason {
			t.Errorf("CheckReference(%q, %q) reason = %q, want %q", tt.ref, tt.force, got, tt.wantReason)
		}
	}
}

func TestRemovable(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantReason string
	}{
		{"leaf unit", CheckUnitRemovable(brigade, UnitReferrers{}), ""},
		{"unit with children", CheckUnitRemovable(joc, UnitReferrers{Child: nineveh}), "UNIT_HAS_CHILDREN"},
		{"unit with members", CheckUnitRemovable(brigade, UnitReferrers{Member: "forces/iraqi-army/people/some-officer"}), "UNIT_HAS_MEMBERS"},
		{"unit with a TAK binding", CheckUnitRemovable(brigade, UnitReferrers{Binding: "forces/iraqi-army/takBindings/radio"}), "UNIT_HAS_TAK_BINDINGS"},
		{"unit with an area", CheckUnitRemovable(brigade, UnitReferrers{Area: brigade + "/areas/sector"}), "UNIT_HAS_AREAS"},
		{"person commanding nothing", CheckPersonRemovable("forces/peshmerga/people/sirwan-barzani", ""), ""},
		{"commander", CheckPersonRemovable("forces/peshmerga/people/sirwan-barzani", pmgc), "PERSON_COMMANDS_UNIT"},
	}
	for _, tt := range tests {
		if got := reasonOf(tt.err); got != tt.wantReason {
			t.Errorf("%s: reason = %q, want %q", tt.name, got, tt.wantReason)
		}
		if tt.err != nil && !apperr.IsKind(tt.err, apperr.KindFailedPrecondition) {
			t.Errorf("%s: err = %v, want FAILED_PRECONDITION", tt.name, tt.err)
		}
	}
}

func reasonOf(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := apperr.As(err); ok {
		return e.Reason
	}
	return "not an apperr: " + err.Error()
}
