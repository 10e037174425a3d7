package handler

import (
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/types"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

// validateActionItem checks every field of an action item a client sends; paths selects the
// fields to check (nil: all, as on create).
func validateActionItem(v *apperr.Violations, p string, a *meetingv1.ActionItem, paths map[string]bool, now time.Time) {
	if a == nil {
		v.Add(p, "is required")
		return
	}
	has := func(f string) bool { return paths == nil || paths[f] }
	if has("title") {
		validateText(v, p+".title", a.GetTitle(), true, types.MaxShortLen)
	}
	if has("description") {
		validateText(v, p+".description", a.GetDescription(), false, types.MaxTextLen)
	}
	if has("owner") {
		validateName(v, p+".owner", a.GetOwner(), isOwnerName, "forces/{force}, forces/{force}/units/{unit} or forces/{force}/people/{person}")
	}
	if has("due_time") {
		validateTime(v, p+".due_time", a.GetDueTime(), false, now)
	}
}

// isOwnerName reports whether name can own an action item: a force, a unit or a person.
func isOwnerName(name string) bool {
	return domain.IsForceName(name) || domain.IsUnitName(name) || domain.IsPersonName(name)
}
