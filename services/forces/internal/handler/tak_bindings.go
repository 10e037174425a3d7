package handler

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/reqcheck"
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
	// Only the force's operators bind devices to its units.
	name := domain.TakBindingName(req.GetParent(), recordID(req.GetTakBindingId(), "b"))
	body := domain.TakBinding{Unit: b.GetUnit(), CertificateName: b.GetCertificateName(),
		DeviceUID: b.GetDeviceUid(), Callsign: b.GetCallsign(), Creator: reporter(ctx)}
	d, err := createRecord(ctx, h, h.tak.Collection, req.GetParent(), name, req, body, func(ctx context.Context) error {
		if err := body.Check(req.GetParent()); err != nil {
			return err
		}
		return domain.CheckReference(ctx, "tak_binding.unit", body.Unit, req.GetParent(), h.units.Open)
	})
	if err != nil {
		return nil, err
	}
	return &forcesv1.CreateTakBindingResponse{TakBinding: bindingToProto(d)}, nil
}

// GetTakBinding returns one binding.
func (h *Handler) GetTakBinding(ctx context.Context, req *forcesv1.GetTakBindingRequest) (*forcesv1.GetTakBindingResponse, error) {
	d, err := getRecord(ctx, bindingName, req.GetName(), h.tak.Collection)
	if err != nil {
		return nil, err
	}
	return &forcesv1.GetTakBindingResponse{TakBinding: bindingToProto(d)}, nil
}

// ListTakBindings lists the bindings of one force or of all, by name, a page at a time.
func (h *Handler) ListTakBindings(ctx context.Context, req *forcesv1.ListTakBindingsRequest) (*forcesv1.ListTakBindingsResponse, error) {
	docs, next, err := listRecords(ctx, h, req, "", "", nil, forcesstore.TakBindingSorts, h.tak.List)
	if err != nil {
		return nil, err
	}
	resp := &forcesv1.ListTakBindingsResponse{NextPageToken: next}
	for _, d := range docs {
		resp.TakBindings = append(resp.TakBindings, bindingToProto(d))
	}
	return resp, nil
}

// DeleteTakBinding deletes a binding; only the force's operators may.
func (h *Handler) DeleteTakBinding(ctx context.Context, req *forcesv1.DeleteTakBindingRequest) (*forcesv1.DeleteTakBindingResponse, error) {
	if err := deleteRecord(ctx, h, bindingName, req.GetName(), "", req, func(ctx context.Context, r store.Removal) error {
		return h.tak.Remove(ctx, r, nil)
	}); err != nil {
		return nil, err
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
