package domain

import (
	"context"
	"fmt"
)

// MaxDepth bounds a hierarchy: a unit has at most this many units above it. It keeps the
// walk up the parent chain short, and ends it even if the stored data held a cycle.
const MaxDepth = 32

// ParentOf looks up the parent_unit of the named unit; found is false when there is no
// such unit.
type ParentOf func(ctx context.Context, unit string) (parent string, found bool, err error)

// CheckParent checks that unit may have parent as its parent_unit: the parent is of the
// same force, exists, and does not have unit among its ancestors (which would make a
// cycle), and the chain above stays within MaxDepth. It walks the chain one look-up per
// level. An empty parent (the top of a hierarchy) is always allowed. field is the parent's
// path in the request.
func CheckParent(ctx context.Context, field, unit, parent string, parentOf ParentOf) error {
	if parent == "" {
		return nil
	}
	if force := ForceOf(unit); ForceOf(parent) != force {
		return invalid("CROSS_FORCE_PARENT", field, fmt.Sprintf("must be a unit of %s, the unit's own force", force))
	}
	if parent == unit {
		return cycle(field)
	}
	cur := parent
	for depth := 1; ; depth++ {
		if depth > MaxDepth {
			return invalid("HIERARCHY_TOO_DEEP", field, fmt.Sprintf("would put the unit more than %d levels deep", MaxDepth))
		}
		up, found, err := parentOf(ctx, cur)
		if err != nil {
			return err
		}
		if !found {
			if cur == parent {
				return invalid("PARENT_NOT_FOUND", field, fmt.Sprintf("%s is not a unit", parent))
			}
			return nil // an ancestor was deleted under us: the chain ends there
		}
		if up == "" {
			return nil
		}
		if up == unit {
			return cycle(field)
		}
		cur = up
	}
}

func cycle(field string) error {
	return invalid("HIERARCHY_CYCLE", field, "would make a cycle: the parent is the unit itself or one of its sub-units")
}
