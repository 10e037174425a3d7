package handler

import (
	"context"
	"errors"
	"time"

	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/fieldmask"
	"github.com/tansiq/tansiq/platform/orderby"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/reqhash"
	"github.com/tansiq/tansiq/platform/resname"
	"github.com/tansiq/tansiq/platform/store"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
	"github.com/tansiq/tansiq/services/incident/internal/domain"
	incidentstore "github.com/tansiq/tansiq/services/incident/internal/store"
)

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

// ListIncidents lists incidents in the order asked (newest first by default), a page at a
// time; a page token is bound to the filter and the order it was issued under.
func (h *Handler) ListIncidents(ctx context.Context, req *incidentv1.ListIncidentsRequest) (*incidentv1.ListIncidentsResponse, error) {
	var v apperr.Violations
	f, err := incidentstore.ListSchema.Parse(req.GetFilter())
	if err != nil {
		v.Add("filter", "%v", err)
	}
	order := incidentstore.Sorts.Get(orderby.Check(&v, req.GetOrderBy(), incidentstore.Sorts.Names()...))
	size := reqcheck.PageSize(&v, req.GetPageSize())
	query := pagetoken.Query(req.GetFilter(), order.OrderBy)
	var after *store.Cursor
	if tok := req.GetPageToken(); tok != "" {
		after = &store.Cursor{}
		// Every incident has both times, so a cursor without one is no place in these
		// orders: a token of the format before store.Cursor ({"t", "n"}), refused rather
		// than read as the start or the end of the list.
		if err := h.tokens.Decode(query, tok, after); errors.Is(err, pagetoken.ErrInvalid) || after.Key.Time.IsZero() {
			v.Add("page_token", "is not a token from this query's previous page")
		}
	}
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	docs, err := h.store.List(ctx, f, order, after, size+1)
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &incidentv1.ListIncidentsResponse{}
	if len(docs) > size {
		docs = docs[:size]
		tok, err := h.tokens.Encode(query, order.CursorOf(docs[size-1]))
		if err != nil {
			return nil, toStatus(err)
		}
		resp.NextPageToken = tok
	}
	for _, d := range docs {
		// Records the caller may not see are left out, as if they did not exist; the page
		// token still moves past them.
		if access.Read(ctx, d.Name, d.Owner) != nil {
			continue
		}
		resp.Incidents = append(resp.Incidents, toProto(d))
	}
	return resp, nil
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

// transition validates a state-change request and applies move to the incident.
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

// updatable lists the update_mask paths UpdateIncident accepts. State changes go through
// ConfirmIncident and CloseIncident; the reporting force owns the record and never changes.
var updatable = map[string]func(dst *domain.Incident, src domain.Incident){
	"kind":           func(d *domain.Incident, s domain.Incident) { d.Kind = s.Kind },
	"title":          func(d *domain.Incident, s domain.Incident) { d.Title = s.Title },
	"description":    func(d *domain.Incident, s domain.Incident) { d.Description = s.Description },
	"occur_time":     func(d *domain.Incident, s domain.Incident) { d.OccurTime = s.OccurTime },
	"time_precision": func(d *domain.Incident, s domain.Incident) { d.TimePrecision = s.TimePrecision },
	"place":          func(d *domain.Incident, s domain.Incident) { d.Place = s.Place },
	"district":       func(d *domain.Incident, s domain.Incident) { d.District = s.District },
	"governorates":   func(d *domain.Incident, s domain.Incident) { d.Governorates = s.Governorates },
	"perpetrator":    func(d *domain.Incident, s domain.Incident) { d.Perpetrator = s.Perpetrator },
	"casualties":     func(d *domain.Incident, s domain.Incident) { d.Casualties = s.Casualties },
	"sources":        func(d *domain.Incident, s domain.Incident) { d.Sources = s.Sources },
	"notes":          func(d *domain.Incident, s domain.Incident) { d.Notes = s.Notes },
}

// validateMask checks the update_mask and returns its paths as a set.
func validateMask(v *apperr.Violations, paths []string) map[string]bool {
	return fieldmask.Check(v, paths, updatable)
}

func applyMask(dst *domain.Incident, src domain.Incident, paths map[string]bool) {
	fieldmask.Apply(dst, src, paths, updatable)
}

// fromProto converts the client-writable fields of an incident.
func fromProto(in *incidentv1.Incident) domain.Incident {
	return domain.Incident{
		Kind:           in.GetKind().String(),
		Title:          in.GetTitle(),
		Description:    in.GetDescription(),
		OccurTime:      storedTime(in.GetOccurTime()),
		TimePrecision:  in.GetTimePrecision().String(),
		Place:          place.PlaceFromProto(in.GetPlace()),
		District:       in.GetDistrict(),
		Governorates:   in.GetGovernorates(),
		Perpetrator:    perpetratorFromProto(in.GetPerpetrator()),
		Casualties:     casualtiesFromProto(in.GetCasualties()),
		ReportingForce: in.GetReportingForce(),
		Sources:        sourcesFromProto(in.GetSources()),
		Notes:          in.GetNotes(),
	}
}

func perpetratorFromProto(p *incidentv1.Perpetrator) domain.Perpetrator {
	return domain.Perpetrator{Claimed: p.GetClaimed(), Assessed: p.GetAssessed(), Confidence: p.GetConfidence().String()}
}

func casualtiesFromProto(c *incidentv1.Casualties) []domain.Casualties {
	var out []domain.Casualties
	for _, n := range c.GetCounts() {
		sides := make([]string, 0, len(n.GetSides()))
		for _, s := range n.GetSides() {
			sides = append(sides, s.String())
		}
		out = append(out, domain.Casualties{Sides: sides, Killed: n.GetKilled(), Wounded: n.GetWounded(), KilledOrWounded: n.GetKilledOrWounded()})
	}
	return out
}

func sourcesFromProto(ss []*incidentv1.Source) []domain.Source {
	var out []domain.Source
	for _, s := range ss {
		src := domain.Source{Name: s.GetName(), URI: s.GetUri()}
		if s.GetPublishTime() != nil {
			src.PublishTime = storedTime(s.GetPublishTime())
		}
		out = append(out, src)
	}
	return out
}

// storedTime is ts as the store keeps it (reqcheck.Stored), so a response never shows a
// finer time than a later read (or a retry) returns.
func storedTime(ts *timestamppb.Timestamp) time.Time { return reqcheck.Stored(ts.AsTime()) }

// toProto converts a stored incident to its API form.
func toProto(d *store.Doc[domain.Incident]) *incidentv1.Incident {
	i := d.Body
	t := i.Totals()
	out := &incidentv1.Incident{
		Name:           d.Name,
		Kind:           incidentv1.IncidentKind(incidentv1.IncidentKind_value[i.Kind]),
		Title:          i.Title,
		Description:    i.Description,
		OccurTime:      timestamppb.New(i.OccurTime),
		TimePrecision:  typev1.TimePrecision(typev1.TimePrecision_value[i.TimePrecision]),
		Place:          i.Place.ToProto(),
		District:       i.District,
		Governorates:   i.Governorates,
		Perpetrator:    &incidentv1.Perpetrator{Claimed: i.Perpetrator.Claimed, Assessed: i.Perpetrator.Assessed, Confidence: incidentv1.Confidence(incidentv1.Confidence_value[i.Perpetrator.Confidence])},
		Casualties:     &incidentv1.Casualties{TotalKilled: t.Killed, TotalWounded: t.Wounded, Total: t.All},
		ReportingForce: i.ReportingForce,
		State:          incidentv1.IncidentState(incidentv1.IncidentState_value[i.State]),
		Notes:          i.Notes,
		CreateTime:     timestamppb.New(d.CreateTime),
		UpdateTime:     timestamppb.New(d.UpdateTime),
		Etag:           d.Etag,
	}
	for _, c := range i.Casualties {
		n := &incidentv1.CasualtyCount{Killed: c.Killed, Wounded: c.Wounded, KilledOrWounded: c.KilledOrWounded}
		for _, s := range c.Sides {
			n.Sides = append(n.Sides, incidentv1.CasualtySide(incidentv1.CasualtySide_value[s]))
		}
		out.Casualties.Counts = append(out.Casualties.Counts, n)
	}
	for _, s := range i.Sources {
		src := &incidentv1.Source{Name: s.Name, Uri: s.URI}
		if !s.PublishTime.IsZero() {
			src.PublishTime = timestamppb.New(s.PublishTime)
		}
		out.Sources = append(out.Sources, src)
	}
	return out
}

// changeType maps the store's change verbs to the API's.
func changeType(verb string) incidentv1.ChangeType {
	switch verb {
	case "created":
		return incidentv1.ChangeType_CHANGE_TYPE_CREATED
	case "confirmed", "closed":
		return incidentv1.ChangeType_CHANGE_TYPE_STATE_CHANGED
	default:
		return incidentv1.ChangeType_CHANGE_TYPE_UPDATED
	}
}
