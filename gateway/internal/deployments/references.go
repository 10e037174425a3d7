package deployments

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/platform/apperr"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
)

// checkUnits asks the forces service, in one call, whether every unit exists and
// belongs to the force its name says; each that does not is a field violation.
func (h *Handler) checkUnits(ctx context.Context, field string, units []string) error {
	if h.cfg.Forces == nil {
		return apperr.Unavailable("forces service", fmt.Errorf("no forces service address configured"))
	}
	resp, err := h.cfg.Forces.BatchGetUnits(ctx, &forcesv1.BatchGetUnitsRequest{Names: units})
	if err != nil {
		return dependencyError("forces service", err)
	}
	found := map[string]string{}
	for _, u := range resp.GetUnits() {
		found[u.GetName()] = u.GetForce()
	}
	var v apperr.Violations
	for i, u := range units {
		switch f, ok := found[u]; {
		case !ok:
			v.Add(apperr.Index(field, i), "no such unit")
		case f != "" && f != ForceOf(u):
			v.Add(apperr.Index(field, i), "belongs to %s", f)
		}
	}
	return v.Err()
}

// checkMandate asks the meeting service whether the decision exists.
func (h *Handler) checkMandate(ctx context.Context, field, name string) error {
	if name == "" {
		return nil
	}
	if h.cfg.Meetings == nil {
		return apperr.Unavailable("meeting service", fmt.Errorf("no meeting service address configured"))
	}
	_, err := h.cfg.Meetings.GetDecision(ctx, &meetingv1.GetDecisionRequest{Name: name})
	if status.Code(err) == codes.NotFound {
		var v apperr.Violations
		v.Add(field, "no such decision")
		return v.Err()
	}
	if err != nil {
		return dependencyError("meeting service", err)
	}
	return nil
}

// dependencyError maps a failed call to another service: a refusal of the caller's own
// token passes through as it is; anything else means the check could not be made, which
// a retry may fix.
func dependencyError(what string, err error) error {
	st := status.Convert(err)
	switch st.Code() {
	case codes.Unauthenticated, codes.PermissionDenied:
		return err
	}
	// The cause is kept as plain text: wrapping the status itself would let it pass
	// through apperr.ToStatus as the answer, internal message and all.
	return apperr.Unavailable(what, errors.New(st.Code().String()+": "+st.Message()))
}
