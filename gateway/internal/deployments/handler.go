package deployments

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"

	"github.com/tansiq/tansiq/gateway/internal/limits"
	"github.com/tansiq/tansiq/gateway/internal/zones"
	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/reqhash"
	"github.com/tansiq/tansiq/platform/resname"
	"github.com/tansiq/tansiq/platform/store"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
)

// Notifier records that a zone's operational picture changed.
type Notifier interface {
	Updated(ctx context.Context, zone string, causes ...string)
}

// Config is what the handler works with. Forces and Meetings are clients of those
// services; nil when not configured, and then a proposal that needs them is UNAVAILABLE.
// Notifier may be nil.
type Config struct {
	Store    *Store
	Catalog  *zones.Catalog
	Zones    Zones // refuses proposals in a zone being deleted; nil: only the catalog's check
	Forces   forcesv1.ForcesServiceClient
	Meetings meetingv1.MeetingServiceClient
	Notifier Notifier
	Tokens   *pagetoken.Codec
	Log      *slog.Logger
}

// Handler implements DeploymentService.
type Handler struct {
	gatewayv1.UnimplementedDeploymentServiceServer
	cfg Config
	now func() time.Time
}

// New returns the handler.
func New(cfg Config) *Handler {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Handler{cfg: cfg, now: time.Now}
}

// Register adds the service to a gRPC server.
func (h *Handler) Register(s *grpc.Server) { gatewayv1.RegisterDeploymentServiceServer(s, h) }

func (h *Handler) notify(ctx context.Context, d *Doc) {
	if h.cfg.Notifier != nil {
		h.cfg.Notifier.Updated(ctx, d.Body.Zone, d.Name)
	}
}

// person is the caller when the caller is a person ("forces/{force}/people/{person}").
func person(ctx context.Context) string {
	s := access.Caller(ctx).Subject
	if parts := strings.Split(s, "/"); len(parts) == 4 && parts[0] == "forces" && parts[2] == "people" {
		return s
	}
	return ""
}

// ProposeDeployment stores a deployment, PROPOSED, with the proposing force's
// acknowledgement, once its units, zone and mandate check out and no unit is double-booked.
func (h *Handler) ProposeDeployment(ctx context.Context, req *gatewayv1.ProposeDeploymentRequest) (*gatewayv1.ProposeDeploymentResponse, error) {
	var v apperr.Violations
	in := req.GetDeployment()
	validateProposal(&v, "deployment", in)
	resname.CheckID(&v, "deployment_id", req.GetDeploymentId())
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	d, err := h.propose(ctx, req)
	if err != nil {
		return nil, toStatus(err)
	}
	return &gatewayv1.ProposeDeploymentResponse{Deployment: ToProto(d, h.now())}, nil
}

func (h *Handler) propose(ctx context.Context, req *gatewayv1.ProposeDeploymentRequest) (*Doc, error) {
	in := req.GetDeployment()
	body := fromProto(in)
	id := req.GetDeploymentId()
	if id == "" {
		id = "d" + store.NewID()
	}
	name := "deployments/" + id
	proposer := access.ActingForce(ctx, in.GetLeadForce())
	if err := access.Change(ctx, name, proposer); err != nil {
		return nil, err
	}
	if !contains(body.Forces, proposer) {
		return nil, notParticipant(proposer)
	}
	hash := reqhash.Of(req)
	// A retry is answered before anything is checked again: its units are booked by the
	// deployment it created.
	if prior, err := h.cfg.Store.Prior(ctx, req.GetRequestId(), hash); err != nil || prior != nil {
		return prior, err
	}
	if _, ok := h.cfg.Catalog.Get(body.Zone); !ok {
		var v apperr.Violations
		v.Add("deployment.zone", "no such zone")
		return nil, v.Err()
	}
	if err := h.checkUnits(ctx, "deployment.units", body.Units); err != nil {
		return nil, err
	}
	if err := h.checkMandate(ctx, "deployment.mandate", body.Mandate); err != nil {
		return nil, err
	}
	now := reqcheck.Stored(h.now())
	body.ProposingForce = proposer
	body.State = StateProposed
	body.Acknowledgements = []Acknowledgement{{Force: proposer, Person: person(ctx), Time: now}}

	// Double-booking is refused by the store, inside the compare-and-swap that commits the
	// proposal: across every gateway replica, not only in this process.
	d, err := h.cfg.Store.CreateBooking(ctx, &Doc{Name: name, Owner: proposer, RequestID: req.GetRequestId(), RequestHash: hash, Body: body}, h.cfg.Zones)
	if err != nil {
		return nil, err
	}
	h.notify(ctx, d)
	return d, nil
}

// doubleBooked is the refusal of a proposal that would double-book a unit; its metadata
// names the first unit and the other deployment, its message all of them.
func doubleBooked(uc []UnitConflict) error {
	c := uc[0]
	var b strings.Builder
	fmt.Fprintf(&b, "%s is already in %s (%s) over an overlapping window", c.Unit, c.Deployment, short(c.State))
	if len(uc) > 1 {
		fmt.Fprintf(&b, ", and %d more double-bookings: see CheckDeconfliction", len(uc)-1)
	}
	return &apperr.Error{Kind: apperr.KindFailedPrecondition, Reason: "UNIT_DOUBLE_BOOKED", Message: b.String(),
		Metadata: map[string]string{"unit": c.Unit, "deployment": c.Deployment, "deployment_state": c.State,
			"conflicts": strconv.Itoa(len(uc))}}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// GetDeployment returns one deployment.
func (h *Handler) GetDeployment(ctx context.Context, req *gatewayv1.GetDeploymentRequest) (*gatewayv1.GetDeploymentResponse, error) {
	var v apperr.Violations
	resname.Check(&v, "name", req.GetName(), resname.Deployment)
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	d, err := h.cfg.Store.Get(ctx, req.GetName())
	if err != nil {
		return nil, toStatus(err)
	}
	return &gatewayv1.GetDeploymentResponse{Deployment: ToProto(d, h.now())}, nil
}

// AcknowledgeDeployment records the caller's force's acknowledgement.
func (h *Handler) AcknowledgeDeployment(ctx context.Context, req *gatewayv1.AcknowledgeDeploymentRequest) (*gatewayv1.AcknowledgeDeploymentResponse, error) {
	var v apperr.Violations
	validateAction(&v, req.GetName(), req.GetRequestId(), map[string]string{"note": req.GetNote()})
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	d, err := h.cfg.Store.Get(ctx, req.GetName())
	if err != nil {
		return nil, toStatus(err)
	}
	// Without authentication (demos) the force is the first still to acknowledge.
	force := access.ActingForce(ctx, first(d.Body.Pending()))
	if err := access.Acknowledge(ctx, d.Name, force); err != nil {
		return nil, toStatus(err)
	}
	if !contains(d.Body.Forces, force) {
		return nil, toStatus(notParticipant(force))
	}
	ack := Acknowledgement{Force: force, Person: person(ctx), Time: reqcheck.Stored(h.now()), Note: req.GetNote()}
	d, err = h.cfg.Store.Update(ctx, store.Change{Name: d.Name, Etag: req.GetEtag(), RequestID: req.GetRequestId(),
		RequestHash: reqhash.Of(req), Verb: "acknowledged"}, func(d *Doc) error { return d.Body.Acknowledge(ack) })
	if errors.Is(err, ErrAlreadyAcknowledged) {
		// Idempotent: the deployment as it stands, unchanged.
		d, err = h.cfg.Store.Get(ctx, req.GetName())
		if err != nil {
			return nil, toStatus(err)
		}
		return &gatewayv1.AcknowledgeDeploymentResponse{Deployment: ToProto(d, h.now())}, nil
	}
	if err != nil {
		return nil, toStatus(err)
	}
	h.notify(ctx, d)
	return &gatewayv1.AcknowledgeDeploymentResponse{Deployment: ToProto(d, h.now())}, nil
}

func first(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[0]
}

// EndDeployment ends an active deployment now.
func (h *Handler) EndDeployment(ctx context.Context, req *gatewayv1.EndDeploymentRequest) (*gatewayv1.EndDeploymentResponse, error) {
	d, err := h.transition(ctx, req.GetName(), req.GetEtag(), req.GetRequestId(), reqhash.Of(req), "ended", req.GetReason(),
		func(d *Deployment, now time.Time) error { return d.End(now, req.GetReason()) })
	if err != nil {
		return nil, err
	}
	return &gatewayv1.EndDeploymentResponse{Deployment: ToProto(d, h.now())}, nil
}

// CancelDeployment cancels a proposed deployment, or an active one not yet started.
func (h *Handler) CancelDeployment(ctx context.Context, req *gatewayv1.CancelDeploymentRequest) (*gatewayv1.CancelDeploymentResponse, error) {
	d, err := h.transition(ctx, req.GetName(), req.GetEtag(), req.GetRequestId(), reqhash.Of(req), "cancelled", req.GetReason(),
		func(d *Deployment, now time.Time) error { return d.Cancel(now, req.GetReason()) })
	if err != nil {
		return nil, err
	}
	return &gatewayv1.CancelDeploymentResponse{Deployment: ToProto(d, h.now())}, nil
}

// transition applies a state change an operator of any force taking part may make.
func (h *Handler) transition(ctx context.Context, name, etag, requestID, hash, verb, reason string, move func(*Deployment, time.Time) error) (*Doc, error) {
	var v apperr.Violations
	validateAction(&v, name, requestID, map[string]string{"reason": reason})
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	d, err := h.cfg.Store.Get(ctx, name)
	if err != nil {
		return nil, toStatus(err)
	}
	force := access.ActingForce(ctx, d.Body.ProposingForce)
	if err := access.Change(ctx, name, force); err != nil {
		return nil, toStatus(err)
	}
	if !contains(d.Body.Forces, force) {
		return nil, toStatus(notParticipant(force))
	}
	d, err = h.cfg.Store.Update(ctx, store.Change{Name: name, Etag: etag, RequestID: requestID, RequestHash: hash, Verb: verb},
		func(d *Doc) error { return move(&d.Body, reqcheck.Stored(h.now())) })
	if err != nil {
		return nil, toStatus(err)
	}
	h.notify(ctx, d)
	return d, nil
}

// CheckDeconfliction reports what a prospective deployment would clash with, storing nothing.
func (h *Handler) CheckDeconfliction(ctx context.Context, req *gatewayv1.CheckDeconflictionRequest) (*gatewayv1.CheckDeconflictionResponse, error) {
	var v apperr.Violations
	in := req.GetDeployment()
	validateProspect(&v, "deployment", in)
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	body := fromProto(in)
	w := WindowOf(&body)
	booked, err := h.cfg.Store.Booking(ctx, w)
	if err != nil {
		return nil, toStatus(err)
	}
	uc, zo := Conflicts(body.Zone, body.Units, w, booked, in.GetName(), h.now())
	resp := &gatewayv1.CheckDeconflictionResponse{}
	for _, c := range uc {
		s, e := overlapToProto(c.Overlap)
		resp.UnitConflicts = append(resp.UnitConflicts, &gatewayv1.UnitConflict{Unit: c.Unit, Deployment: c.Deployment,
			DeploymentState: stateOf(c.State), OverlapStartTime: s, OverlapEndTime: e})
	}
	for _, o := range zo {
		s, e := overlapToProto(o.Overlap)
		resp.ZoneOverlaps = append(resp.ZoneOverlaps, &gatewayv1.DeploymentOverlap{Deployment: o.Deployment,
			DeploymentState: stateOf(o.State), OverlapStartTime: s, OverlapEndTime: e})
	}
	return resp, nil
}

// toStatus maps any error to a gRPC status in the gateway's error domain.
func toStatus(err error) error { return apperr.ToStatus(err, limits.ErrorDomain) }
