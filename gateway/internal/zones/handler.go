package zones

import (
	"context"
	"log/slog"
	"time"

	"google.golang.org/grpc"

	"github.com/tansiq/tansiq/gateway/internal/limits"
	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/reqhash"
	"github.com/tansiq/tansiq/platform/resname"
	"github.com/tansiq/tansiq/platform/store"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

// Handler implements ZoneService.
type Handler struct {
	gatewayv1.UnimplementedZoneServiceServer
	cfg Config
	now func() time.Time
}

// Config is what the handler works with. Threats, Placer, Notifier and Guard may be nil
// (threat levels are then not computed, incidents not re-placed, changes not recorded
// and deletes not guarded), which tests of the zones alone use.
type Config struct {
	Store    *Store
	Catalog  *Catalog
	Tokens   *pagetoken.Codec
	Threats  Threats
	Placer   Placer
	Notifier Notifier
	Guard    Guard
	Log      *slog.Logger
}

// New returns the handler.
func New(cfg Config) *Handler {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Handler{cfg: cfg, now: time.Now}
}

// Register adds the service to a gRPC server.
func (h *Handler) Register(s *grpc.Server) { gatewayv1.RegisterZoneServiceServer(s, h) }

func (h *Handler) toProto(e *Entry) *gatewayv1.Zone {
	return ToProto(e, h.cfg.Threats, reqcheck.Stored(h.now()))
}

// CreateZone stores a zone owned by the caller's force; a retry with the same request_id
// returns the first result.
func (h *Handler) CreateZone(ctx context.Context, req *gatewayv1.CreateZoneRequest) (*gatewayv1.CreateZoneResponse, error) {
	id := req.GetZoneId()
	if id == "" {
		id = "z" + store.NewID()
	}
	name := "zones/" + id
	// Authorize before the geometry is checked: that check is the costly part, and a
	// caller who may not create zones must not make the gateway do it.
	owner := access.ActingForce(ctx, "")
	if err := access.Change(ctx, name, owner); err != nil {
		return nil, toStatus(err)
	}
	var v apperr.Violations
	g := validateZone(&v, "zone", req.GetZone(), nil)
	resname.CheckID(&v, "zone_id", req.GetZoneId())
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	body, err := fromProto(req.GetZone(), g)
	if err != nil {
		return nil, toStatus(apperr.Internal(err))
	}
	d, err := h.cfg.Store.Create(ctx, &Doc{Name: name, Owner: owner, RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req), Body: body})
	if err != nil {
		return nil, toStatus(err)
	}
	e, err := h.written(ctx, d, true)
	if err != nil {
		return nil, toStatus(err)
	}
	return &gatewayv1.CreateZoneResponse{Zone: h.toProto(e)}, nil
}

// written brings the catalog, the placement of incidents and the picture feed up to
// date with a stored zone, and returns the zone as the catalog now holds it.
func (h *Handler) written(ctx context.Context, d *Doc, areaChanged bool) (*Entry, error) {
	if err := h.cfg.Catalog.Put(d); err != nil {
		return nil, apperr.Internal(err)
	}
	if areaChanged && h.cfg.Placer != nil {
		// The zone is stored: a failure here leaves placements stale until the next start,
		// which re-places every incident, so it is logged rather than refused.
		if err := h.cfg.Placer.ZoneChanged(ctx, d.Name); err != nil {
			h.cfg.Log.Error("incidents not re-placed after a zone change", "zone", d.Name, "error", err)
		}
	}
	if h.cfg.Notifier != nil {
		h.cfg.Notifier.Updated(ctx, d.Name, d.Name)
	}
	e, ok := h.cfg.Catalog.Get(d.Name)
	if !ok {
		return nil, apperr.NotFound(d.Name)
	}
	return e, nil
}

// GetZone returns one zone.
func (h *Handler) GetZone(ctx context.Context, req *gatewayv1.GetZoneRequest) (*gatewayv1.GetZoneResponse, error) {
	var v apperr.Violations
	resname.Check(&v, "name", req.GetName(), resname.Zone)
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	e, ok := h.cfg.Catalog.Get(req.GetName())
	if !ok {
		// Perhaps just created through another replica, whose change the catalog's
		// follower has not brought yet: the store reads its log forward for it.
		d, err := h.cfg.Store.Get(ctx, req.GetName())
		if err != nil {
			return nil, toStatus(err)
		}
		// Served, not put in the catalog: the follower puts it, and re-places incidents.
		g, err := decodeStored(d.Body.GeoJSON)
		if err != nil {
			return nil, toStatus(apperr.Internal(err))
		}
		e = &Entry{Doc: d, Geometry: g}
	}
	return &gatewayv1.GetZoneResponse{Zone: h.toProto(e)}, nil
}

// UpdateZone changes the fields named in the mask, if the etag (when given) matches.
func (h *Handler) UpdateZone(ctx context.Context, req *gatewayv1.UpdateZoneRequest) (*gatewayv1.UpdateZoneResponse, error) {
	var v apperr.Violations
	name := req.GetZone().GetName()
	resname.Check(&v, "zone.name", name, resname.Zone)
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	// The store reads its log forward for a zone another replica has just created.
	cur, err := h.cfg.Store.Get(ctx, name)
	if err != nil {
		return nil, toStatus(err)
	}
	// Authorize before anything else, so no answer tells a refused caller more, and
	// before the geometry is checked, which is the costly part (and again inside the
	// compare-and-swap, on the version it replaces).
	if err := access.Change(ctx, name, cur.Owner); err != nil {
		return nil, toStatus(err)
	}
	paths := validateMask(&v, req.GetUpdateMask().GetPaths())
	var g = validateZone(&v, "zone", req.GetZone(), nonNil(paths))
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	patch, err := fromProto(req.GetZone(), g)
	if err != nil {
		return nil, toStatus(apperr.Internal(err))
	}
	// Authorized inside the compare-and-swap, on the version it replaces, before the etag
	// or anything else is looked at, so no answer tells a refused caller more.
	d, err := h.cfg.Store.UpdateAuthorized(ctx, store.Change{
		Name: name, Etag: req.GetZone().GetEtag(), RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req), Verb: "updated",
	}, store.OwnerMayChange[Zone](ctx), func(d *Doc) error {
		applyMask(&d.Body, patch, paths)
		return nil
	})
	if err != nil {
		return nil, toStatus(err)
	}
	e, err := h.written(ctx, d, areaChanged(paths))
	if err != nil {
		return nil, toStatus(err)
	}
	return &gatewayv1.UpdateZoneResponse{Zone: h.toProto(e)}, nil
}

// nonNil keeps an empty (all-bad) mask from meaning "every field".
func nonNil(paths map[string]bool) map[string]bool {
	if paths == nil {
		return map[string]bool{}
	}
	return paths
}

// DeleteZone deletes a zone with no PROPOSED or ACTIVE deployment in it.
func (h *Handler) DeleteZone(ctx context.Context, req *gatewayv1.DeleteZoneRequest) (*gatewayv1.DeleteZoneResponse, error) {
	var v apperr.Violations
	name := req.GetName()
	resname.Check(&v, "name", name, resname.Zone)
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	removal := store.Removal{Name: name, Etag: req.GetEtag(), RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req)}
	d, err := h.cfg.Store.Get(ctx, name)
	if apperr.IsKind(err, apperr.KindNotFound) && req.GetRequestId() != "" {
		// Perhaps a retry of a deletion that succeeded: the store's receipt decides.
		return h.deleted(ctx, name, h.cfg.Store.Remove(ctx, removal, nil))
	}
	if err != nil {
		return nil, toStatus(err)
	}
	if err := access.Change(ctx, name, d.Owner); err != nil {
		return nil, toStatus(err)
	}
	if h.cfg.Guard == nil {
		err = h.cfg.Store.Remove(ctx, removal, nil)
	} else {
		err = h.cfg.Store.RemoveGuarded(ctx, removal, h.cfg.Guard)
	}
	return h.deleted(ctx, name, err)
}

func (h *Handler) deleted(ctx context.Context, name string, err error) (*gatewayv1.DeleteZoneResponse, error) {
	if err != nil {
		return nil, toStatus(err)
	}
	if _, ok := h.cfg.Catalog.Get(name); ok {
		h.cfg.Catalog.Remove(name)
		if h.cfg.Placer != nil {
			if err := h.cfg.Placer.ZoneChanged(ctx, name); err != nil {
				h.cfg.Log.Error("incidents not re-placed after a zone deletion", "zone", name, "error", err)
			}
		}
		if h.cfg.Notifier != nil {
			h.cfg.Notifier.Removed(ctx, name)
		}
	}
	return &gatewayv1.DeleteZoneResponse{}, nil
}

// toStatus maps any error to a gRPC status in the gateway's error domain.
func toStatus(err error) error { return apperr.ToStatus(err, limits.ErrorDomain) }
