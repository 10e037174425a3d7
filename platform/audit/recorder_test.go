package audit

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/store/storetest"
	auditv1 "github.com/tansiq/tansiq/proto/tansiq/audit/v1"
)

var operator = auth.Identity{Subject: "forces/peshmerga/people/karwan", Force: "forces/peshmerga", Role: auth.RoleOperator}

func newRecorder(t *testing.T) (*Recorder, *Service) {
	t.Helper()
	r, err := NewRecorder(context.Background(), storetest.DB(t), "incident", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return r, NewService(r, pagetoken.New("audit-test"))
}

// authenticate stands in for the authenticator between the recorder and Capture: it puts
// id in the context, or refuses the call when there is none.
func authenticate(id *auth.Identity) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
		if id == nil {
			return nil, status.Error(codes.Unauthenticated, "no token")
		}
		return next(auth.WithIdentity(ctx, *id), req)
	}
}

// chain runs the interceptors around h as grpc.ChainUnaryInterceptor would.
func chain(h grpc.UnaryHandler, info *grpc.UnaryServerInfo, ics ...grpc.UnaryServerInterceptor) grpc.UnaryHandler {
	for _, ic := range slices.Backward(ics) {
		next := h
		h = func(ctx context.Context, req any) (any, error) { return ic(ctx, req, info, next) }
	}
	return h
}

func all(t *testing.T, s *Service, filter string) []*auditv1.AuditRecord {
	t.Helper()
	resp, err := s.ListAuditRecords(context.Background(), &auditv1.ListAuditRecordsRequest{Filter: filter, OrderBy: "event_time", PageSize: 500})
	if err != nil {
		t.Fatalf("ListAuditRecords(%q): %v", filter, err)
	}
	return resp.GetAuditRecords()
}

// TestRecorderUnary runs calls through recorder -> authenticator -> capture -> handler,
// as platform/app installs them, and reads back what was recorded.
func TestRecorderUnary(t *testing.T) {
	traceID := trace.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	traced := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: traceID, SpanID: trace.SpanID{1, 2, 3, 4, 5, 6, 7, 8}, TraceFlags: trace.FlagsSampled}))
	denied := func(context.Context, any) (any, error) {
		return nil, apperr.ToStatus(&apperr.Error{Kind: apperr.KindPermissionDenied, Reason: auth.ReasonOtherForce, Message: "no"}, "tansiq.test")
	}
	tests := []struct {
		name    string
		method  string
		id      *auth.Identity
		handler grpc.UnaryHandler
		want    *auditv1.AuditRecord // nil: nothing recorded
	}{
		{"allowed change", "/tansiq.incident.v1.IncidentService/UpdateIncident", &operator,
			func(context.Context, any) (any, error) { return calls[0].resp, nil },
			&auditv1.AuditRecord{Actor: operator.Subject, ActorForce: operator.Force, ActorRole: auditv1.CallerRole_CALLER_ROLE_OPERATOR,
				Method: "/tansiq.incident.v1.IncidentService/UpdateIncident", Resource: "incidents/khidr-jija",
				Decision: auditv1.AuditDecision_AUDIT_DECISION_ALLOWED, StatusCode: "OK", RequestId: "r-1",
				TraceId: traceID.String(), ChangedFields: []string{"title", "notes"}, ResourceEtag: "e-2", RecordedBy: "incident"}},
		{"denied change", "/tansiq.incident.v1.IncidentService/UpdateIncident", &operator, denied,
			&auditv1.AuditRecord{Actor: operator.Subject, ActorForce: operator.Force, ActorRole: auditv1.CallerRole_CALLER_ROLE_OPERATOR,
				Method: "/tansiq.incident.v1.IncidentService/UpdateIncident", Resource: "incidents/khidr-jija",
				Decision: auditv1.AuditDecision_AUDIT_DECISION_DENIED, Reason: auth.ReasonOtherForce, StatusCode: "PermissionDenied",
				RequestId: "r-1", TraceId: traceID.String(), ChangedFields: []string{"title", "notes"}, RecordedBy: "incident"}},
		{"unauthenticated change", "/tansiq.incident.v1.IncidentService/UpdateIncident", nil,
			func(context.Context, any) (any, error) { t.Fatal("handler reached without identity"); return nil, nil },
			&auditv1.AuditRecord{Actor: "anonymous",
				Method: "/tansiq.incident.v1.IncidentService/UpdateIncident", Resource: "incidents/khidr-jija",
				Decision: auditv1.AuditDecision_AUDIT_DECISION_DENIED, StatusCode: "Unauthenticated",
				RequestId: "r-1", TraceId: traceID.String(), ChangedFields: []string{"title", "notes"}, RecordedBy: "incident"}},
		{"read", "/tansiq.incident.v1.IncidentService/GetIncident", &operator,
			func(context.Context, any) (any, error) { return calls[0].resp, nil }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, s := newRecorder(t)
			info := &grpc.UnaryServerInfo{FullMethod: tt.method}
			h := chain(tt.handler, info, r.Unary(), authenticate(tt.id), Capture())
			if _, err := h(traced, calls[0].req); err != nil && tt.want != nil && tt.want.GetStatusCode() == "OK" {
				t.Fatal(err)
			}
			got := all(t, s, "")
			if tt.want == nil {
				if len(got) != 0 {
					t.Fatalf("recorded %v, want nothing", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("recorded %d records, want 1", len(got))
			}
			rec := got[0]
			if rec.GetName() == "" || time.Since(rec.GetEventTime().AsTime()) > time.Minute {
				t.Errorf("name %q, event time %v: want a name and the time of the call", rec.GetName(), rec.GetEventTime().AsTime())
			}
			rec.Name, rec.EventTime = "", nil
			if !proto.Equal(rec, tt.want) {
				t.Errorf("recorded\n %v\nwant\n %v", rec, tt.want)
			}
		})
	}
}

// rawFrame is a message the gateway forwards without decoding it.
type rawFrame struct{ b []byte }

func (f *rawFrame) RawBytes() []byte { return f.b }

// forwardStream is the server side of one forwarded unary call: one frame in, one out.
type forwardStream struct {
	grpc.ServerStream
	ctx  context.Context
	in   []byte
	sent []byte
}

func (s *forwardStream) Context() context.Context { return s.ctx }
func (s *forwardStream) RecvMsg(m any) error {
	m.(*rawFrame).b = s.in
	return nil
}
func (s *forwardStream) SendMsg(m any) error {
	s.sent = m.(*rawFrame).b
	return nil
}

type identityStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *identityStream) Context() context.Context { return s.ctx }

// TestRecorderStreamDecodesForwardedCalls: a call the gateway forwards arrives as a stream
// of raw frames; the record still names the resource, request id, fields and etag.
func TestRecorderStreamDecodesForwardedCalls(t *testing.T) {
	r, s := newRecorder(t)
	info := &grpc.StreamServerInfo{FullMethod: calls[0].method}
	forward := func(_ any, ss grpc.ServerStream) error {
		var f rawFrame
		if err := ss.RecvMsg(&f); err != nil {
			return err
		}
		return ss.SendMsg(&rawFrame{b: marshal(t, calls[0].resp)})
	}
	authn := func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, next grpc.StreamHandler) error {
		return next(srv, &identityStream{ss, auth.WithIdentity(ss.Context(), operator)})
	}
	err := r.Stream()(nil, &forwardStream{ctx: context.Background(), in: marshal(t, calls[0].req)}, info,
		func(srv any, ss grpc.ServerStream) error {
			return authn(srv, ss, info, func(srv any, ss grpc.ServerStream) error {
				return CaptureStream()(srv, ss, info, forward)
			})
		})
	if err != nil {
		t.Fatal(err)
	}
	got := all(t, s, "")
	if len(got) != 1 {
		t.Fatalf("recorded %d records, want 1", len(got))
	}
	rec := got[0]
	gotFacts := extracted{rec.GetResource(), rec.GetRequestId(), rec.GetResourceEtag(), rec.GetChangedFields()}
	if !gotFacts.equal(calls[0].want) || rec.GetActor() != operator.Subject || rec.GetDecision() != auditv1.AuditDecision_AUDIT_DECISION_ALLOWED {
		t.Errorf("recorded %v; want %+v by %s, allowed", rec, calls[0].want, operator.Subject)
	}
	// A forwarded read is not recorded.
	info.FullMethod = "/tansiq.incident.v1.IncidentService/GetIncident"
	if err := r.Stream()(nil, &forwardStream{ctx: context.Background()}, info, forward); err != nil {
		t.Fatal(err)
	}
	if n := len(all(t, s, "")); n != 1 {
		t.Errorf("%d records after a forwarded read, want still 1", n)
	}
}
