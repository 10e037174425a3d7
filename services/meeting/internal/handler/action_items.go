package handler

import (
	"context"
	"github.com/tansiq/tansiq/platform/fieldmask"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"slices"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/reqhash"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/types"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

const actionItemForm = "meetings/{meeting}/decisions/{decision}/actionItems/{action_item}"

// CreateActionItem adds an action item to a decision; a retry with the same request_id
// returns the first result. An owner unit or person is checked with the forces service.
func (h *Handler) CreateActionItem(ctx context.Context, req *meetingv1.CreateActionItemRequest) (*meetingv1.CreateActionItemResponse, error) {
	d, err := h.createActionItem(ctx, req)
	if err != nil {
		return nil, toStatus(err)
	}
	return &meetingv1.CreateActionItemResponse{ActionItem: actionItemToProto(d, h.now())}, nil
}

func (h *Handler) createActionItem(ctx context.Context, req *meetingv1.CreateActionItemRequest) (*meetingstore.ActionItemDoc, error) {
	var v apperr.Violations
	validateName(&v, "parent", req.GetParent(), domain.IsDecisionName, "meetings/{meeting}/decisions/{decision}")
	validateActionItem(&v, "action_item", req.GetActionItem(), nil, h.now())
	validateID(&v, "action_item_id", req.GetActionItemId(), domain.ValidID)
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, err
	}
	hash := reqhash.Of(req)
	if prior, err := h.actionItems.Prior(ctx, req.GetRequestId(), hash); err != nil || prior != nil {
		if err == nil {
			err = access.Change(ctx, prior.Name, prior.Owner)
		}
		return prior, err
	}
	dec, err := h.decisions.Get(ctx, req.GetParent())
	if err != nil {
		return nil, err
	}
	id := req.GetActionItemId()
	if id == "" {
		id = "a" + store.NewID()
	}
	// The decision's owner, the meeting's host force, assigns its action items.
	if err := access.Change(ctx, dec.Name+"/actionItems/"+id, dec.Owner); err != nil {
		return nil, err
	}
	item, err := domain.NewActionItem(dec.Name, &dec.Body, actionItemFromProto(req.GetActionItem()))
	if err != nil {
		return nil, err
	}
	if err := h.checkOwner(ctx, "action_item.owner", item.Owner); err != nil {
		return nil, err
	}
	return h.actionItems.Create(ctx, &meetingstore.ActionItemDoc{
		Name: dec.Name + "/actionItems/" + id, Owner: dec.Owner,
		RequestID: req.GetRequestId(), RequestHash: hash, Body: item,
	})
}

// GetActionItem returns one action item, its status as of now.
func (h *Handler) GetActionItem(ctx context.Context, req *meetingv1.GetActionItemRequest) (*meetingv1.GetActionItemResponse, error) {
	var v apperr.Violations
	validateName(&v, "name", req.GetName(), domain.IsActionItemName, actionItemForm)
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	d, err := h.actionItems.Get(ctx, req.GetName())
	if err != nil {
		return nil, toStatus(err)
	}
	if err := access.Read(ctx, d.Name, d.Owner); err != nil {
		return nil, toStatus(err)
	}
	return &meetingv1.GetActionItemResponse{ActionItem: actionItemToProto(d, h.now())}, nil
}

// UpdateActionItem changes the fields named in the mask, if the etag (when given) matches.
func (h *Handler) UpdateActionItem(ctx context.Context, req *meetingv1.UpdateActionItemRequest) (*meetingv1.UpdateActionItemResponse, error) {
	d, err := h.updateActionItem(ctx, req)
	if err != nil {
		return nil, toStatus(err)
	}
	return &meetingv1.UpdateActionItemResponse{ActionItem: actionItemToProto(d, h.now())}, nil
}

func (h *Handler) updateActionItem(ctx context.Context, req *meetingv1.UpdateActionItemRequest) (*meetingstore.ActionItemDoc, error) {
	var v apperr.Violations
	validateName(&v, "action_item.name", req.GetActionItem().GetName(), domain.IsActionItemName, actionItemForm)
	paths := fieldmask.Check(&v, req.GetUpdateMask().GetPaths(), actionItemUpdatable)
	if len(paths) > 0 {
		validateActionItem(&v, "action_item", req.GetActionItem(), paths, h.now())
	}
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, err
	}
	ch := store.Change{Name: req.GetActionItem().GetName(), Etag: req.GetActionItem().GetEtag(),
		RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req), Verb: "updated"}
	patch := actionItemFromProto(req.GetActionItem())
	may := store.OwnerMayChange[domain.ActionItem](ctx)
	if paths["owner"] {
		d, err := h.actionItems.Get(ctx, ch.Name)
		if err != nil {
			return nil, err
		}
		// Before the forces service is asked anything on the caller's behalf.
		if err := may(d); err != nil {
			return nil, err
		}
		if done, err := meetingstore.Replayed(d, ch.RequestID, ch.RequestHash); err != nil || done {
			return d, err
		}
		// An owner outside the decision's forces is refused before asking anyone.
		probe := d.Body
		if err := probe.SetOwner(patch.Owner); err != nil {
			return nil, err
		}
		if err := h.checkOwner(ctx, "action_item.owner", patch.Owner); err != nil {
			return nil, err
		}
	}
	return h.actionItems.UpdateAuthorized(ctx, ch, may, func(d *meetingstore.ActionItemDoc) error {
		for p := range paths {
			if err := actionItemUpdatable[p](&d.Body, patch); err != nil {
				return err
			}
		}
		return nil
	})
}

// AddActionItemUpdate adds the acting person's progress note, and marks the item done when
// asked. A retry with the same request_id adds no second note.
func (h *Handler) AddActionItemUpdate(ctx context.Context, req *meetingv1.AddActionItemUpdateRequest) (*meetingv1.AddActionItemUpdateResponse, error) {
	var v apperr.Violations
	validateName(&v, "name", req.GetName(), domain.IsActionItemName, actionItemForm)
	validateText(&v, "note", req.GetNote(), true, types.MaxTextLen)
	reqcheck.RequestID(&v, req.GetRequestId())
	if req.GetMarkDone() && req.GetReopen() {
		v.Add("reopen", "cannot be set together with mark_done")
	}
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	by, at := actor(ctx), h.stamp()
	d, err := h.actionItems.UpdateAuthorized(ctx, store.Change{Name: req.GetName(), Etag: req.GetEtag(), RequestID: req.GetRequestId(),
		RequestHash: reqhash.Of(req), Verb: "noted"}, mayNote(ctx, by.Force, req.GetMarkDone() || req.GetReopen()),
		func(d *meetingstore.ActionItemDoc) error {
			d.Body.AddUpdate(req.GetNote(), by.Person, req.GetMarkDone(), req.GetReopen(), at)
			return nil
		})
	if err != nil {
		return nil, toStatus(err)
	}
	return &meetingv1.AddActionItemUpdateResponse{ActionItem: actionItemToProto(d, h.now())}, nil
}

// mayNote lets the forces that took the decision report progress on its action items,
// each speaking for itself: an operator of one of the item's required forces, acting for
// that force. A note that changes the status (done, reopened) is the owner force's alone
// (domain.ActionItem.StatusForce). Anyone else is refused as for a change to the record
// (another force's operator: OTHER_FORCE_RECORD; a viewer or a service: READ_ONLY_ROLE).
func mayNote(ctx context.Context, acting string, changesStatus bool) func(*meetingstore.ActionItemDoc) error {
	return func(d *meetingstore.ActionItemDoc) error {
		if changesStatus {
			return access.Change(ctx, d.Name, d.Body.StatusForce())
		}
		if slices.Contains(d.Body.RequiredForces, acting) {
			return access.Change(ctx, d.Name, acting)
		}
		return access.Change(ctx, d.Name, d.Owner)
	}
}

// checkOwner asks the forces service whether an owner unit or person exists. A force owner
// needs no call: it must be one of the decision's forces, which the domain checks.
func (h *Handler) checkOwner(ctx context.Context, field, owner string) error {
	var get lookupFunc
	switch {
	case domain.IsUnitName(owner):
		get = h.dir.Units
	case domain.IsPersonName(owner):
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
