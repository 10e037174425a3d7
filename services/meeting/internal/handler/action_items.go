package handler

import (
	"context"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/fieldmask"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/reqhash"
	"github.com/tansiq/tansiq/platform/resname"
	"github.com/tansiq/tansiq/platform/store"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

// actionItemSchema is the filter ListActionItems accepts, as its request documents.
var actionItemSchema = filter.Schema{
	"owner_force": {Type: filter.String},
	"owner":       {Type: filter.String},
	"status":      {Type: filter.Enum, Ops: []filter.Op{filter.Eq, filter.Ne}, Values: filter.EnumNames(meetingv1.ActionItemStatus_name)},
	"due_time":    {Type: filter.Time, Ops: filter.Ordered},
	"zone":        {Type: filter.String},
}

// actionItemUpdatable lists the update_mask paths UpdateActionItem accepts. Status changes
// only through AddActionItemUpdate; a new owner must still belong to a force that took the
// decision.
var actionItemUpdatable = map[string]func(dst *domain.ActionItem, src domain.ActionItem) error{
	"title":       func(d *domain.ActionItem, s domain.ActionItem) error { d.Title = s.Title; return nil },
	"description": func(d *domain.ActionItem, s domain.ActionItem) error { d.Description = s.Description; return nil },
	"owner":       func(d *domain.ActionItem, s domain.ActionItem) error { return d.SetOwner(s.Owner) },
	"due_time":    func(d *domain.ActionItem, s domain.ActionItem) error { d.DueTime = s.DueTime; return nil },
}

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
	resname.Check(&v, "parent", req.GetParent(), resname.Decision)
	validateActionItem(&v, "action_item", req.GetActionItem(), nil, h.now())
	resname.CheckID(&v, "action_item_id", req.GetActionItemId())
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, err
	}
	hash := reqhash.Of(req)
	if prior, err := priorCreate(ctx, h.actionItems.Collection, req.GetRequestId(), hash); err != nil || prior != nil {
		return prior, err
	}
	dec, err := h.decisions.Get(ctx, req.GetParent())
	if err != nil {
		return nil, err
	}
	name := newName(dec.Name+"/actionItems", req.GetActionItemId(), "a")
	// The decision's owner, the meeting's host force, assigns its action items.
	if err := access.Change(ctx, name, dec.Owner); err != nil {
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
		Name: name, Owner: dec.Owner, RequestID: req.GetRequestId(), RequestHash: hash, Body: item,
	})
}

// GetActionItem returns one action item, its status as of now.
func (h *Handler) GetActionItem(ctx context.Context, req *meetingv1.GetActionItemRequest) (*meetingv1.GetActionItemResponse, error) {
	d, err := get(ctx, h.actionItems.Collection, req.GetName(), resname.ActionItem)
	if err != nil {
		return nil, toStatus(err)
	}
	return &meetingv1.GetActionItemResponse{ActionItem: actionItemToProto(d, h.now())}, nil
}

// ListActionItems lists the action items of one decision, one meeting or every meeting,
// in the order asked (soonest due first by default), a page at a time; the status filter
// compares the status as of now.
func (h *Handler) ListActionItems(ctx context.Context, req *meetingv1.ListActionItemsRequest) (*meetingv1.ListActionItemsResponse, error) {
	var v apperr.Violations
	scope, ok := itemScope(req.GetParent())
	if !ok {
		v.Add("parent", `must look like "meetings/{meeting}/decisions/{decision}", "meetings/{meeting}/decisions/-" or "meetings/-/decisions/-"`)
	}
	flt, err := actionItemSchema.Parse(req.GetFilter())
	if err != nil {
		v.Add("filter", "%v", err)
	}
	order := listOrder(&v, req.GetOrderBy(), meetingstore.ActionItemSorts)
	query := pageQuery(req.GetParent(), req.GetFilter(), order.OrderBy)
	size, from := pageRequest(h, &v, query, req.GetPageSize(), req.GetPageToken())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	now := h.now()
	docs, err := h.actionItems.List(ctx, scope, flt, now, order, from, size+1)
	if err != nil {
		return nil, toStatus(err)
	}
	docs, token, err := nextPage(ctx, h, query, docs, size, order)
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &meetingv1.ListActionItemsResponse{NextPageToken: token}
	for _, d := range docs {
		resp.ActionItems = append(resp.ActionItems, actionItemToProto(d, now))
	}
	return resp, nil
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
	resname.Check(&v, "action_item.name", req.GetActionItem().GetName(), resname.ActionItem)
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
		d, done, err := beforeLookup(ctx, h.actionItems.Collection, ch, may)
		if err != nil || done {
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
	resname.Check(&v, "name", req.GetName(), resname.ActionItem)
	validateText(&v, "note", req.GetNote(), true, reqcheck.MaxTextLen)
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

// itemScope reads a ListActionItems parent.
func itemScope(parent string) (meetingstore.Scope, bool) {
	if resname.Matches(resname.Decision, parent) {
		return meetingstore.Scope{Decision: parent}, true
	}
	meeting, ok := strings.CutSuffix(parent, "/"+domain.AllDecisions)
	switch {
	case !ok:
		return meetingstore.Scope{}, false
	case meeting == domain.AllMeetings:
		return meetingstore.Scope{}, true
	case resname.Matches(resname.Meeting, meeting):
		return meetingstore.Scope{Meeting: meeting}, true
	}
	return meetingstore.Scope{}, false
}

// validateActionItem checks every field of an action item a client sends; paths selects the
// fields to check (nil: all, as on create).
func validateActionItem(v *apperr.Violations, p string, a *meetingv1.ActionItem, paths map[string]bool, now time.Time) {
	if a == nil {
		v.Add(p, "is required")
		return
	}
	has := func(f string) bool { return paths == nil || paths[f] }
	if has("title") {
		validateText(v, p+".title", a.GetTitle(), true, reqcheck.MaxShortLen)
	}
	if has("description") {
		validateText(v, p+".description", a.GetDescription(), false, reqcheck.MaxTextLen)
	}
	if has("owner") {
		switch owner := a.GetOwner(); {
		case owner == "":
			v.Add(p+".owner", "is required")
		case domain.ForceOf(owner) == "":
			v.Add(p+".owner", "must look like %q", resname.Force+", "+resname.Unit+" or "+resname.Person)
		}
	}
	if has("due_time") {
		validateTime(v, p+".due_time", a.GetDueTime(), false, now)
	}
}

// actionItemFromProto converts the client-writable fields of an action item.
func actionItemFromProto(in *meetingv1.ActionItem) domain.ActionItem {
	return domain.ActionItem{
		Title:       in.GetTitle(),
		Description: in.GetDescription(),
		Owner:       in.GetOwner(),
		DueTime:     storedTime(in.GetDueTime()),
	}
}

// actionItemToProto converts a stored action item to its API form, with its status as of now.
func actionItemToProto(d *meetingstore.ActionItemDoc, now time.Time) *meetingv1.ActionItem {
	a := d.Body
	out := &meetingv1.ActionItem{
		Name:        d.Name,
		Title:       a.Title,
		Description: a.Description,
		Owner:       a.Owner,
		OwnerForce:  a.OwnerForce,
		DueTime:     optionalTime(a.DueTime),
		Status:      meetingv1.ActionItemStatus(meetingv1.ActionItemStatus_value[a.Status(now)]),
		Zones:       a.Zones,
		DoneTime:    optionalTime(a.DoneTime),
		CreateTime:  timestamppb.New(d.CreateTime),
		UpdateTime:  timestamppb.New(d.UpdateTime),
		Etag:        d.Etag,
	}
	for _, u := range a.Updates {
		out.Updates = append(out.Updates, &meetingv1.ActionItemUpdate{
			Note: u.Note, Author: u.Author, CreateTime: timestamppb.New(u.Time), MarkedDone: u.MarkedDone, Reopened: u.Reopened})
	}
	return out
}
