package handler

import (
	"context"
	"github.com/tansiq/tansiq/platform/reqcheck"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/reqhash"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/types"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

// CreateDecision records a decision of a held meeting once the forces service confirms the
// units it names; it needs the acknowledgement of every force attending the meeting.
//
// Without transactions, a decision racing CloseMeeting may be stored just after the close:
// it was taken while the meeting was held, and the meeting's record is complete with it.
func (h *Handler) CreateDecision(ctx context.Context, req *meetingv1.CreateDecisionRequest) (*meetingv1.CreateDecisionResponse, error) {
	d, err := h.createDecision(ctx, req)
	if err != nil {
		return nil, toStatus(err)
	}
	return &meetingv1.CreateDecisionResponse{Decision: decisionToProto(d)}, nil
}

func (h *Handler) createDecision(ctx context.Context, req *meetingv1.CreateDecisionRequest) (*meetingstore.DecisionDoc, error) {
	var v apperr.Violations
	validateName(&v, "parent", req.GetParent(), domain.IsMeetingName, "meetings/{meeting}")
	validateDecision(&v, "decision", req.GetDecision())
	validateID(&v, "decision_id", req.GetDecisionId(), domain.ValidID)
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, err
	}
	hash := reqhash.Of(req)
	if prior, err := h.decisions.Prior(ctx, req.GetRequestId(), hash); err != nil || prior != nil {
		if err == nil {
			err = access.Change(ctx, prior.Name, prior.Owner)
		}
		return prior, err
	}
	m, err := h.meetings.Get(ctx, req.GetParent())
	if err != nil {
		return nil, err
	}
	id := req.GetDecisionId()
	if id == "" {
		id = "d" + store.NewID()
	}
	// The meeting's host force records its decisions (and owns them); every attending
	// force then acknowledges them for itself.
	if err := access.Change(ctx, m.Name+"/decisions/"+id, m.Owner); err != nil {
		return nil, err
	}
	if err := m.Body.CheckDecidable(); err != nil {
		return nil, err
	}
	dec := decisionFromProto(req.GetDecision())
	if err := h.checkUnits(ctx, "decision.units", dec.Units); err != nil {
		return nil, err
	}
	return h.decisions.Create(ctx, &meetingstore.DecisionDoc{
		Name: m.Name + "/decisions/" + id, Owner: m.Owner,
		RequestID: req.GetRequestId(), RequestHash: hash, Body: domain.NewDecision(m.Name, &m.Body, dec),
	})
}

// GetDecision returns one decision.
func (h *Handler) GetDecision(ctx context.Context, req *meetingv1.GetDecisionRequest) (*meetingv1.GetDecisionResponse, error) {
	var v apperr.Violations
	validateName(&v, "name", req.GetName(), domain.IsDecisionName, "meetings/{meeting}/decisions/{decision}")
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	d, err := h.decisions.Get(ctx, req.GetName())
	if err != nil {
		return nil, toStatus(err)
	}
	if err := access.Read(ctx, d.Name, d.Owner); err != nil {
		return nil, toStatus(err)
	}
	return &meetingv1.GetDecisionResponse{Decision: decisionToProto(d)}, nil
}

// AcknowledgeDecision records the acting force's acknowledgement. Acknowledging again is a
// no-op that returns the decision as stored, with the first acknowledgement kept.
func (h *Handler) AcknowledgeDecision(ctx context.Context, req *meetingv1.AcknowledgeDecisionRequest) (*meetingv1.AcknowledgeDecisionResponse, error) {
	var v apperr.Violations
	validateName(&v, "name", req.GetName(), domain.IsDecisionName, "meetings/{meeting}/decisions/{decision}")
	validateText(&v, "note", req.GetNote(), false, types.MaxTextLen)
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	by, at := actor(ctx), h.stamp()
	// A force acknowledges only for itself: the force is the caller's own, from its token,
	// never from the request; viewers and services acknowledge nothing. Whether that force
	// attended is the decision's rule (NOT_A_REQUIRED_FORCE).
	may := func(d *meetingstore.DecisionDoc) error { return access.Acknowledge(ctx, d.Name, by.Force) }
	d, err := h.decisions.Acknowledge(ctx, store.Change{Name: req.GetName(), RequestID: req.GetRequestId(),
		RequestHash: reqhash.Of(req), Verb: "acknowledged"}, may, func(d *meetingstore.DecisionDoc) error {
		changed, err := d.Body.Acknowledge(by, req.GetNote(), at)
		if err == nil && !changed {
			return meetingstore.ErrUnchanged
		}
		return err
	})
	if err != nil {
		return nil, toStatus(err)
	}
	return &meetingv1.AcknowledgeDecisionResponse{Decision: decisionToProto(d)}, nil
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
