package handler

import (
	"context"
	"time"

	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/resname"

	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/reqhash"
	"github.com/tansiq/tansiq/platform/store"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	"github.com/tansiq/tansiq/services/incident/internal/domain"
	incidentstore "github.com/tansiq/tansiq/services/incident/internal/store"
)

// errorDomain is the google.rpc.ErrorInfo domain of this service's errors.
const errorDomain = "tansiq.incident"

// Handler implements IncidentService.
type Handler struct {
	incidentv1.UnimplementedIncidentServiceServer
	store  *incidentstore.Incidents
	tokens *pagetoken.Codec
	now    func() time.Time
}

// New returns the handler over the given store.
func New(s *incidentstore.Incidents, tokens *pagetoken.Codec) *Handler {
	return &Handler{store: s, tokens: tokens, now: time.Now}
}

// Register adds the service to a gRPC server.
func (h *Handler) Register(s *grpc.Server) { incidentv1.RegisterIncidentServiceServer(s, h) }

// CreateIncident records an incident; a retry with the same request_id returns the first result.
func (h *Handler) CreateIncident(ctx context.Context, req *incidentv1.CreateIncidentRequest) (*incidentv1.CreateIncidentResponse, error) {
	doc, err := h.ToCreate(ctx, req)
	if err != nil {
		return nil, err
	}
	d, err := h.store.Create(ctx, doc)
	if err != nil {
		return nil, toStatus(err)
	}
	return &incidentv1.CreateIncidentResponse{Incident: toProto(d)}, nil
}

// ToCreate validates a create request and authorizes the caller in ctx, and returns the
// document the create stores: CreateIncident's checks, for loading archives in batches
// (cmd/incident-load), which must pass the same ones.
func (h *Handler) ToCreate(ctx context.Context, req *incidentv1.CreateIncidentRequest) (*incidentstore.Doc, error) {
	var v apperr.Violations
	validateIncident(&v, "incident", req.GetIncident(), nil, h.now())
	resname.CheckID(&v, "incident_id", req.GetIncidentId())
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	id := req.GetIncidentId()
	if id == "" {
		id = "i" + store.NewID()
	}
	in := fromProto(req.GetIncident())
	in.State = domain.StateReported
	// The reporting force owns the incident: only its operators report in its name.
	if err := access.Change(ctx, "incidents/"+id, in.ReportingForce); err != nil {
		return nil, toStatus(err)
	}
	return &incidentstore.Doc{
		Name: "incidents/" + id, Owner: in.ReportingForce,
		RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req), Body: in,
	}, nil
}

// GetIncident returns one incident.
func (h *Handler) GetIncident(ctx context.Context, req *incidentv1.GetIncidentRequest) (*incidentv1.GetIncidentResponse, error) {
	var v apperr.Violations
	resname.Check(&v, "name", req.GetName(), resname.Incident)
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	d, err := h.store.Get(ctx, req.GetName())
	if err != nil {
		return nil, toStatus(err)
	}
	if err := access.Read(ctx, d.Name, d.Owner); err != nil {
		return nil, toStatus(err)
	}
	return &incidentv1.GetIncidentResponse{Incident: toProto(d)}, nil
}

// UpdateIncident changes the fields named in the mask, if the etag (when given) matches.
func (h *Handler) UpdateIncident(ctx context.Context, req *incidentv1.UpdateIncidentRequest) (*incidentv1.UpdateIncidentResponse, error) {
	var v apperr.Violations
	resname.Check(&v, "incident.name", req.GetIncident().GetName(), resname.Incident)
	paths := validateMask(&v, req.GetUpdateMask().GetPaths())
	if len(paths) > 0 {
		validateIncident(&v, "incident", req.GetIncident(), paths, h.now())
	}
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	patch := fromProto(req.GetIncident())
	d, err := h.change(ctx, store.Change{
		Name: req.GetIncident().GetName(), Etag: req.GetIncident().GetEtag(),
		RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req), Verb: "updated",
	}, func(i *domain.Incident) error {
		if err := i.CheckEditable(); err != nil {
			return err
		}
		applyMask(i, patch, paths)
		return nil
	})
	if err != nil {
		return nil, toStatus(err)
	}
	return &incidentv1.UpdateIncidentResponse{Incident: toProto(d)}, nil
}

// ConfirmIncident moves a reported incident to confirmed.
func (h *Handler) ConfirmIncident(ctx context.Context, req *incidentv1.ConfirmIncidentRequest) (*incidentv1.ConfirmIncidentResponse, error) {
	d, err := h.transition(ctx, req.GetName(), req.GetEtag(), req.GetRequestId(), reqhash.Of(req), "confirmed",
		func(i *domain.Incident) error { return i.Confirm() })
	if err != nil {
		return nil, err
	}
	return &incidentv1.ConfirmIncidentResponse{Incident: toProto(d)}, nil
}

// CloseIncident closes a reported or confirmed incident.
func (h *Handler) CloseIncident(ctx context.Context, req *incidentv1.CloseIncidentRequest) (*incidentv1.CloseIncidentResponse, error) {
	d, err := h.transition(ctx, req.GetName(), req.GetEtag(), req.GetRequestId(), reqhash.Of(req), "closed",
		func(i *domain.Incident) error { return i.Close(req.GetReason()) })
	if err != nil {
		return nil, err
	}
	return &incidentv1.CloseIncidentResponse{Incident: toProto(d)}, nil
}

func (h *Handler) transition(ctx context.Context, name, etag, requestID, hash, verb string, move func(*domain.Incident) error) (*incidentstore.Doc, error) {
	var v apperr.Violations
	resname.Check(&v, "name", name, resname.Incident)
	reqcheck.RequestID(&v, requestID)
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	d, err := h.change(ctx, store.Change{Name: name, Etag: etag, RequestID: requestID, RequestHash: hash, Verb: verb}, move)
	if err != nil {
		return nil, toStatus(err)
	}
	return d, nil
}

// WatchIncidents streams stored changes after the caller's position, then live ones.
func (h *Handler) WatchIncidents(req *incidentv1.WatchIncidentsRequest, stream incidentv1.IncidentService_WatchIncidentsServer) error {
	ctx := stream.Context()
	err := h.store.Follow(ctx, req.GetResumeToken(), req.GetStartAtNow(), func(d *incidentstore.Doc, token string) error {
		if access.Read(ctx, d.Name, d.Owner) != nil {
			return nil // a change to a record the caller may not see is not theirs to know of
		}
		return stream.Send(&incidentv1.WatchIncidentsResponse{
			ChangeType: changeType(d.Change), Incident: toProto(d), ResumeToken: token,
			ChangeTime: toProto(d).GetUpdateTime(),
		})
	})
	// Follow ends without an error when the caller goes; say why the stream ended, so the
	// service does not log a watch cut by its deadline as OK.
	if err == nil && ctx.Err() != nil {
		return status.FromContextError(ctx.Err()).Err()
	}
	// The only bad input Follow refuses is the resume token: name the field, as every
	// INVALID_ARGUMENT does.
	if e, ok := apperr.As(err); ok && e.Kind == apperr.KindInvalidArgument && len(e.Violations) == 0 {
		e.Violations = []apperr.Violation{{Field: "resume_token", Description: e.Message}}
	}
	return toStatus(err)
}

func toStatus(err error) error { return apperr.ToStatus(err, errorDomain) }
