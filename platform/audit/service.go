package audit

import (
	"context"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/orderby"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/store"
	auditv1 "github.com/tansiq/tansiq/proto/tansiq/audit/v1"
)

const errorDomain = "tansiq.audit"

// Service serves one server's audit records through tansiq.audit.v1.AuditService, from the
// recorder's cache of them: the store is read only by _id, to catch the cache up with the
// log before a list (see trailTiming).
type Service struct {
	auditv1.UnimplementedAuditServiceServer
	records *store.Collection[Record]
	tokens  *pagetoken.Codec
}

// NewService returns the service over the recorder's records.
func NewService(r *Recorder, tokens *pagetoken.Codec) *Service {
	return &Service{records: r.records, tokens: tokens}
}

var listSchema = filter.Schema{
	"resource":    {Type: filter.String},
	"actor":       {Type: filter.String},
	"actor_force": {Type: filter.String},
	"method":      {Type: filter.String},
	"decision":    {Type: filter.Enum, Values: []string{"AUDIT_DECISION_ALLOWED", "AUDIT_DECISION_DENIED"}},
	"request_id":  {Type: filter.String},
	"trace_id":    {Type: filter.String},
	"event_time":  {Type: filter.Time, Ops: filter.Ordered},
	"recorded_by": {Type: filter.String},
}

// sorts are the orders ListAuditRecords serves: latest first (the default), and oldest
// first; ties (one nanosecond) are broken on the name.
var sorts = store.Sorts[Record]{
	{OrderBy: "event_time desc", Key: store.ByTime(eventTime)},
	{OrderBy: "event_time", Key: store.ByTime(eventTime)},
}

func eventTime(d *Doc) time.Time { return d.Body.EventTime }

// indexed are the filter fields whose equality chooses the candidates from an index: those
// with many values, each held by few records (a record's history, one request, one trace,
// one person's calls, one method). The others (a force, a decision, a server) hold a large
// part of the trail each, and are matched on the walk.
var indexed = map[string]func(*Record) string{
	"resource":   func(r *Record) string { return r.Resource },
	"request_id": func(r *Record) string { return r.RequestID },
	"trace_id":   func(r *Record) string { return r.TraceID },
	"actor":      func(r *Record) string { return r.Actor },
	"method":     func(r *Record) string { return r.Method },
}

// GetAuditRecord returns one record.
func (s *Service) GetAuditRecord(ctx context.Context, req *auditv1.GetAuditRecordRequest) (*auditv1.GetAuditRecordResponse, error) {
	if !strings.HasPrefix(req.GetName(), "auditRecords/") {
		var v apperr.Violations
		v.Add("name", `must look like "auditRecords/{audit_record}"`)
		return nil, apperr.ToStatus(v.Err(), errorDomain)
	}
	d, err := s.records.Get(ctx, req.GetName())
	if err != nil {
		return nil, apperr.ToStatus(err, errorDomain)
	}
	if force, all := readScope(ctx); !all && d.Body.ActorForce != force {
		return nil, apperr.ToStatus(apperr.NotFound(req.GetName()), errorDomain)
	}
	return &auditv1.GetAuditRecordResponse{AuditRecord: toProto(d)}, nil
}

// ListAuditRecords lists records, latest first unless order_by is "event_time". A page
// walks the order from its cursor (or from the filter's bound on event_time), or sorts the
// records an index gives for an equality on an indexed field, whichever is smaller.
func (s *Service) ListAuditRecords(ctx context.Context, req *auditv1.ListAuditRecordsRequest) (*auditv1.ListAuditRecordsResponse, error) {
	var v apperr.Violations
	f, err := listSchema.Parse(req.GetFilter())
	if err != nil {
		v.Add("filter", "%v", err)
	}
	order := sorts.Get(orderby.Check(&v, req.GetOrderBy(), sorts.Names()...))
	size := reqcheck.PageSize(&v, req.GetPageSize())
	query := pagetoken.Query(req.GetFilter(), order.OrderBy)
	var after *store.Cursor
	if tok := req.GetPageToken(); tok != "" {
		after = &store.Cursor{}
		// Every record has an event time: a cursor without one is a token of the format
		// before store.Cursor, refused rather than read as the list's start or end.
		if s.tokens.Decode(query, tok, after) != nil || after.Key.Time.IsZero() {
			v.Add("page_token", "is not a token from this query's previous page")
		}
	}
	if err := v.Err(); err != nil {
		return nil, apperr.ToStatus(err, errorDomain)
	}
	if err := s.records.Sync(ctx, listFresh); err != nil {
		return nil, apperr.ToStatus(err, errorDomain)
	}
	force, all := readScope(ctx)
	sel := order.Selector(after, size+1)
	sel.Match = func(d *Doc) bool { return (all || d.Body.ActorForce == force) && f.Match(fields(&d.Body)) }
	for _, c := range f.Conjuncts() {
		if _, ok := indexed[c.Field]; ok && c.Op == filter.Eq {
			sel.Where = append(sel.Where, store.Key{Index: c.Field, Value: c.Value.(string)})
		}
	}
	sel = store.Bounded(sel, f, "event_time", orderby.Desc(order.OrderBy), func(d *Doc) filter.Record { return fields(&d.Body) },
		func(t time.Time, name string) *Doc { return &Doc{Name: name, Body: Record{EventTime: t}} })
	docs, err := s.records.List(ctx, sel)
	if err != nil {
		return nil, apperr.ToStatus(err, errorDomain)
	}
	resp := &auditv1.ListAuditRecordsResponse{}
	if len(docs) > size {
		docs = docs[:size]
		tok, err := s.tokens.Encode(query, order.CursorOf(docs[size-1]))
		if err != nil {
			return nil, apperr.ToStatus(apperr.Internal(err), errorDomain)
		}
		resp.NextPageToken = tok
	}
	for _, d := range docs {
		resp.AuditRecords = append(resp.AuditRecords, toProto(d))
	}
	return resp, nil
}

// fields gives the ListAuditRecords filter a record's fields.
func fields(r *Record) filter.Record {
	return func(field string) any {
		switch field {
		case "resource":
			return r.Resource
		case "actor":
			return r.Actor
		case "actor_force":
			return r.ActorForce
		case "method":
			return r.Method
		case "decision":
			if r.Allowed {
				return auditv1.AuditDecision_AUDIT_DECISION_ALLOWED.String()
			}
			return auditv1.AuditDecision_AUDIT_DECISION_DENIED.String()
		case "request_id":
			return r.RequestID
		case "trace_id":
			return r.TraceID
		case "event_time":
			return r.EventTime
		case "recorded_by":
			return r.RecordedBy
		}
		return nil
	}
}

// ordered reads order_by (AIP-132): "event_time desc" (the default: latest first) or
// "event_time"; it returns the order in canonical form and whether it is ascending.
func ordered(v *apperr.Violations, orderBy string) (order string, asc bool) {
	order = orderby.Check(v, orderBy, sorts.Names()...)
	return order, !orderby.Desc(order)
}

var roles = map[string]auditv1.CallerRole{
	"viewer": auditv1.CallerRole_CALLER_ROLE_VIEWER, "operator": auditv1.CallerRole_CALLER_ROLE_OPERATOR,
	"commander": auditv1.CallerRole_CALLER_ROLE_COMMANDER, "service": auditv1.CallerRole_CALLER_ROLE_SERVICE,
}

// toProto converts a stored record to its API form.
func toProto(doc *Doc) *auditv1.AuditRecord {
	r := &doc.Body
	d := auditv1.AuditDecision_AUDIT_DECISION_DENIED
	if r.Allowed {
		d = auditv1.AuditDecision_AUDIT_DECISION_ALLOWED
	}
	return &auditv1.AuditRecord{
		Name: doc.Name, Actor: r.Actor, ActorForce: r.ActorForce, ActorRole: roles[r.ActorRole],
		Method: r.Method, Resource: r.Resource, Decision: d, Reason: r.Reason, StatusCode: r.StatusCode,
		RequestId: r.RequestID, TraceId: r.TraceID, ChangedFields: r.ChangedFields, ResourceEtag: r.ResourceEtag,
		RecordedBy: r.RecordedBy, EventTime: timestamppb.New(r.EventTime),
	}
}

// readScope is the caller's auth.AuditScope; a server without authentication, or a call
// without an identity (which the authenticator refuses before it gets here), reads all.
func readScope(ctx context.Context) (force string, all bool) {
	id, ok := auth.FromContext(ctx)
	if !ok {
		return "", true
	}
	return auth.AuditScope(id)
}
