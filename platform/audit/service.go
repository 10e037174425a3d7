package audit

import (
	"context"
	"errors"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/orderby"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/store"
	auditv1 "github.com/tansiq/tansiq/proto/tansiq/audit/v1"
)

const errorDomain = "tansiq.audit"

// Service serves one server's audit records through tansiq.audit.v1.AuditService.
type Service struct {
	auditv1.UnimplementedAuditServiceServer
	coll   *mongo.Collection
	tokens *pagetoken.Codec
}

// NewService returns the service over the recorder's records.
func NewService(r *Recorder, tokens *pagetoken.Codec) *Service {
	return &Service{coll: r.coll, tokens: tokens}
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

var listPaths = map[string]string{
	"resource": "resource", "actor": "actor", "actor_force": "actor_force", "method": "method",
	"decision": "allowed", "request_id": "request_id", "trace_id": "trace_id", "event_time": "event_time",
	"recorded_by": "recorded_by",
}

type position struct {
	Time time.Time `json:"t"`
	Name string    `json:"n"`
}

// GetAuditRecord returns one record.
func (s *Service) GetAuditRecord(ctx context.Context, req *auditv1.GetAuditRecordRequest) (*auditv1.GetAuditRecordResponse, error) {
	if !strings.HasPrefix(req.GetName(), "auditRecords/") {
		var v apperr.Violations
		v.Add("name", `must look like "auditRecords/{audit_record}"`)
		return nil, apperr.ToStatus(v.Err(), errorDomain)
	}
	var rec Record
	err := s.coll.FindOne(ctx, bson.D{{Key: "_id", Value: req.GetName()}}).Decode(&rec)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, apperr.ToStatus(apperr.NotFound(req.GetName()), errorDomain)
	}
	if err != nil {
		return nil, apperr.ToStatus(apperr.Internal(err), errorDomain)
	}
	if force, all := readScope(ctx); !all && rec.ActorForce != force {
		return nil, apperr.ToStatus(apperr.NotFound(req.GetName()), errorDomain)
	}
	return &auditv1.GetAuditRecordResponse{AuditRecord: ToProto(&rec)}, nil
}

// ListAuditRecords lists records, latest first unless order_by is "event_time".
func (s *Service) ListAuditRecords(ctx context.Context, req *auditv1.ListAuditRecordsRequest) (*auditv1.ListAuditRecordsResponse, error) {
	var v apperr.Violations
	f, err := listSchema.Parse(req.GetFilter())
	if err != nil {
		v.Add("filter", "%v", err)
	}
	order, asc := ordered(&v, req.GetOrderBy())
	size := reqcheck.PageSize(&v, req.GetPageSize())
	query := pagetoken.Query(req.GetFilter(), order)
	var after *position
	if tok := req.GetPageToken(); tok != "" {
		after = &position{}
		if s.tokens.Decode(query, tok, after) != nil {
			v.Add("page_token", "is not a token from this query's previous page")
		}
	}
	if err := v.Err(); err != nil {
		return nil, apperr.ToStatus(err, errorDomain)
	}
	// The filter's top-level comparisons are the query the database answers; the whole
	// filter (OR, NOT) is then evaluated on each record read, until the page is full.
	conds := f.Conjuncts()
	for i, c := range conds {
		if c.Field == "decision" {
			conds[i].Value = c.Value == "AUDIT_DECISION_ALLOWED"
		}
	}
	if force, all := readScope(ctx); !all {
		conds = append(conds, filter.Typed{Field: "actor_force", Op: filter.Eq, Value: force})
	}
	q := store.Query(conds, listPaths)
	dir, cmp := -1, "$lt"
	if asc {
		dir, cmp = 1, "$gt"
	}
	if after != nil {
		q = append(q, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "event_time", Value: bson.D{{Key: cmp, Value: after.Time}}}},
			bson.D{{Key: "event_time", Value: after.Time}, {Key: "_id", Value: bson.D{{Key: cmp, Value: after.Name}}}},
		}})
	}
	if q == nil {
		q = bson.D{}
	}
	opts := options.Find().SetSort(bson.D{{Key: "event_time", Value: dir}, {Key: "_id", Value: dir}}).SetBatchSize(int32(size + 1))
	if f.Conjunction() {
		opts.SetLimit(int64(size + 1))
	}
	recs, err := s.find(ctx, q, opts, f, size+1)
	if err != nil {
		return nil, apperr.ToStatus(apperr.Internal(err), errorDomain)
	}
	resp := &auditv1.ListAuditRecordsResponse{}
	if len(recs) > size {
		recs = recs[:size]
		last := recs[size-1]
		tok, err := s.tokens.Encode(query, position{Time: last.EventTime, Name: last.Name})
		if err != nil {
			return nil, apperr.ToStatus(apperr.Internal(err), errorDomain)
		}
		resp.NextPageToken = tok
	}
	for i := range recs {
		resp.AuditRecords = append(resp.AuditRecords, ToProto(&recs[i]))
	}
	return resp, nil
}

// find reads up to limit records of query q that match f, in the order of opts.
func (s *Service) find(ctx context.Context, q bson.D, opts *options.FindOptionsBuilder, f filter.Filter, limit int) ([]Record, error) {
	cur, err := s.coll.Find(ctx, q, opts)
	if err != nil {
		return nil, err
	}
	defer func() { _ = cur.Close(ctx) }()
	var recs []Record
	for len(recs) < limit && cur.Next(ctx) {
		var rec Record
		if err := cur.Decode(&rec); err != nil {
			return nil, err
		}
		if f.Match(fields(&rec)) {
			recs = append(recs, rec)
		}
	}
	return recs, cur.Err()
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
	order = orderby.Check(v, orderBy, "event_time desc", "event_time")
	return order, !orderby.Desc(order)
}

var roles = map[string]auditv1.CallerRole{
	"viewer": auditv1.CallerRole_CALLER_ROLE_VIEWER, "operator": auditv1.CallerRole_CALLER_ROLE_OPERATOR,
	"commander": auditv1.CallerRole_CALLER_ROLE_COMMANDER, "service": auditv1.CallerRole_CALLER_ROLE_SERVICE,
}

// ToProto converts a stored record to its API form.
func ToProto(r *Record) *auditv1.AuditRecord {
	d := auditv1.AuditDecision_AUDIT_DECISION_DENIED
	if r.Allowed {
		d = auditv1.AuditDecision_AUDIT_DECISION_ALLOWED
	}
	return &auditv1.AuditRecord{
		Name: r.Name, Actor: r.Actor, ActorForce: r.ActorForce, ActorRole: roles[r.ActorRole],
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
