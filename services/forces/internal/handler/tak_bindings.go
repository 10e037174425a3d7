package handler

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/reqhash"
	"github.com/tansiq/tansiq/platform/store"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
	forcesstore "github.com/tansiq/tansiq/services/forces/internal/store"
)

// maxDeviceField bounds the device fields of a binding.
const maxDeviceField = 200

// CreateTakBinding binds a TAK device to a unit of the caller's force.
func (h *Handler) CreateTakBinding(ctx context.Context, req *forcesv1.CreateTakBindingRequest) (*forcesv1.CreateTakBindingResponse, error) {
	var v apperr.Violations
	forceName.check(&v, "parent", req.GetParent(), false)
	validateID(&v, "tak_binding_id", req.GetTakBindingId(), false)
	reqcheck.RequestID(&v, req.GetRequestId())
	b := req.GetTakBinding()
	unitName.check(&v, "tak_binding.unit", b.GetUnit(), false)
	for field, s := range map[string]string{"tak_binding.certificate_name": b.GetCertificateName(),
		"tak_binding.device_uid": b.GetDeviceUid(), "tak_binding.callsign": b.GetCallsign()} {
		if len(s) > maxDeviceField {
			v.Add(field, "is longer than %d bytes", maxDeviceField)
		}
	}
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	id := req.GetTakBindingId()
	if id == "" {
		id = "b" + store.NewID()
	}
	name := domain.TakBindingName(req.GetParent(), id)
	// Only the force's operators bind devices to its units.
	if err := access.Change(ctx, name, req.GetParent()); err != nil {
		return nil, toStatus(err)
	}
	body := domain.TakBinding{Unit: b.GetUnit(), CertificateName: b.GetCertificateName(),
		DeviceUID: b.GetDeviceUid(), Callsign: b.GetCallsign(), Creator: reporter(ctx)}
	if err := body.Check(req.GetParent()); err != nil {
		return nil, toStatus(err)
	}
	if err := domain.CheckReference(ctx, "tak_binding.unit", body.Unit, req.GetParent(), h.units.Exists); err != nil {
		return nil, toStatus(err)
	}
	d, err := h.tak.Create(ctx, &forcesstore.TakBindingDoc{
		Name: name, Owner: req.GetParent(), RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req), Body: body,
	})
	if err != nil {
		return nil, toStatus(err)
	}
	return &forcesv1.CreateTakBindingResponse{TakBinding: bindingToProto(d)}, nil
}

// GetTakBinding returns one binding.
func (h *Handler) GetTakBinding(ctx context.Context, req *forcesv1.GetTakBindingRequest) (*forcesv1.GetTakBindingResponse, error) {
	var v apperr.Violations
	bindingName.check(&v, "name", req.GetName(), false)
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	d, err := h.tak.Get(ctx, req.GetName())
	if err != nil {
		return nil, toStatus(err)
	}
	if err := access.Read(ctx, d.Name, d.Owner); err != nil {
		return nil, toStatus(err)
	}
	return &forcesv1.GetTakBindingResponse{TakBinding: bindingToProto(d)}, nil
}

// ListTakBindings lists the bindings of one force or of all, by name, a page at a time.
func (h *Handler) ListTakBindings(ctx context.Context, req *forcesv1.ListTakBindingsRequest) (*forcesv1.ListTakBindingsResponse, error) {
	var v apperr.Violations
	listParent.check(&v, "parent", req.GetParent(), false)
	size := reqcheck.PageSize(&v, req.GetPageSize())
	query := listQuery(req.GetParent(), "")
	var after nameCursor
	h.decodeToken(&v, query, req.GetPageToken(), &after)
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	force, err := h.forceOfParent(ctx, req.GetParent())
	if err != nil {
		return nil, toStatus(err)
	}
	docs, err := h.tak.List(ctx, force, nil, after.Name, size+1)
	if err != nil {
		return nil, toStatus(err)
	}
	docs, next, err := namePage(h, query, docs, size)
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &forcesv1.ListTakBindingsResponse{NextPageToken: next}
	for _, d := range readable(ctx, docs) {
		resp.TakBindings = append(resp.TakBindings, bindingToProto(d))
	}
	return resp, nil
}

// DeleteTakBinding deletes a binding; only the force's operators may.
func (h *Handler) DeleteTakBinding(ctx context.Context, req *forcesv1.DeleteTakBindingRequest) (*forcesv1.DeleteTakBindingResponse, error) {
	var v apperr.Violations
	bindingName.check(&v, "name", req.GetName(), false)
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	if err := access.Change(ctx, req.GetName(), domain.ForceOf(req.GetName())); err != nil {
		return nil, toStatus(err)
	}
	err := h.tak.Remove(ctx, store.Removal{Name: req.GetName(), RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req)}, nil)
	if err != nil {
		return nil, toStatus(err)
	}
	return &forcesv1.DeleteTakBindingResponse{}, nil
}

// bindingFor returns the binding a service reports through, checked to be one of unit.
func (h *Handler) bindingFor(ctx context.Context, binding, unit string) (*forcesstore.TakBindingDoc, error) {
	id := access.Caller(ctx)
	if !id.IsService() {
		return nil, &apperr.Error{Kind: apperr.KindPermissionDenied, Reason: "TAK_BINDING_FOR_SERVICES",
			Message: "only the CoT bridge reports through a TAK binding; people report with their own token"}
	}
	d, err := h.tak.Get(ctx, binding)
	if err != nil {
		return nil, err
	}
	if d.Body.Unit != unit {
		return nil, &apperr.Error{Kind: apperr.KindPermissionDenied, Reason: "TAK_BINDING_OTHER_UNIT",
			Message: binding + " does not bind a device to " + unit}
	}
	return d, nil
}

func bindingToProto(d *forcesstore.TakBindingDoc) *forcesv1.TakBinding {
	b := d.Body
	return &forcesv1.TakBinding{Name: d.Name, Unit: b.Unit, CertificateName: b.CertificateName,
		DeviceUid: b.DeviceUID, Callsign: b.Callsign, Creator: b.Creator, CreateTime: timestamppb.New(d.CreateTime)}
}
