package handler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/resname"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

// Directory tells whether people and units exist and which force each belongs to: the
// forces service, as this service needs it. Each method is one batch call. found holds
// what exists, by name; missing the names that do not. A failure to answer is an
// *apperr.Error of kind UNAVAILABLE (or the context's error).
type Directory interface {
	People(ctx context.Context, names []string) (found map[string]domain.Member, missing []string, err error)
	Units(ctx context.Context, names []string) (found map[string]domain.Member, missing []string, err error)
}

// defaultLookupTimeout bounds each directory call. The child context also ends with the
// caller's deadline, so a call waits min(remaining, 3s): a forces service that hangs is
// answered as UNAVAILABLE while the caller still has time to retry, and nothing is stored.
const defaultLookupTimeout = 3 * time.Second

// forcesService names the dependency in UNAVAILABLE errors.
const forcesService = "forces service"

// lookupFunc is Directory.People or Directory.Units.
type lookupFunc func(ctx context.Context, names []string) (map[string]domain.Member, []string, error)

// lookup asks the directory about names in one call within the lookup timeout. No names,
// no call.
func (h *Handler) lookup(ctx context.Context, get lookupFunc, names []string) (map[string]domain.Member, error) {
	if len(names) == 0 {
		return map[string]domain.Member{}, nil
	}
	lctx, cancel := context.WithTimeout(ctx, h.lookupTimeout)
	defer cancel()
	found, _, err := get(lctx, names)
	if err == nil {
		return found, nil
	}
	switch {
	case ctx.Err() != nil:
		// The caller's own deadline passed or it went away: that, not the forces service,
		// is why there is no answer.
		return nil, ctx.Err()
	case apperr.IsKind(err, apperr.KindUnavailable):
		return nil, err
	case errors.Is(err, context.DeadlineExceeded):
		return nil, apperr.Unavailable(forcesService, fmt.Errorf("no answer within %v", h.lookupTimeout))
	default:
		return nil, apperr.Internal(fmt.Errorf("%s: %v", forcesService, err))
	}
}

// checkAttendees asks the forces service, in one call, about every attendee: unknown people
// and people claimed for the wrong force are INVALID_ARGUMENT, one violation per entry.
func (h *Handler) checkAttendees(ctx context.Context, field string, as []domain.Attendee) error {
	names := make([]string, 0, len(as))
	for _, a := range as {
		names = append(names, a.Person)
	}
	found, err := h.lookup(ctx, h.dir.People, names)
	if err != nil {
		return err
	}
	var v apperr.Violations
	v.Append("", domain.CheckAttendees(field, as, found))
	return v.Err()
}

// checkUnits asks the forces service, in one call, about every unit named: each unknown one
// is a violation on "<field>[i]".
func (h *Handler) checkUnits(ctx context.Context, field string, units []string) error {
	found, err := h.lookup(ctx, h.dir.Units, units)
	if err != nil {
		return err
	}
	var v apperr.Violations
	v.Append("", domain.CheckKnown(field, units, found))
	return v.Err()
}

// checkOwner asks the forces service whether an owner unit or person exists. A force owner
// needs no call: it must be one of the decision's forces, which the domain checks.
func (h *Handler) checkOwner(ctx context.Context, field, owner string) error {
	var get lookupFunc
	switch {
	case resname.Matches(resname.Unit, owner):
		get = h.dir.Units
	case resname.Matches(resname.Person, owner):
		get = h.dir.People
	default:
		return nil
	}
	found, err := h.lookup(ctx, get, []string{owner})
	if err != nil {
		return err
	}
	var v apperr.Violations
	if _, ok := found[owner]; !ok {
		v.Add(field, "is not known to the forces service")
	}
	return v.Err()
}
