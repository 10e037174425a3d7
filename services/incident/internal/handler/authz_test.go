package handler

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/authtest"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/store/storetest"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	incidentstore "github.com/tansiq/tansiq/services/incident/internal/store"
)

// authzEnv is the service behind the production authenticator and audit trail.
type authzEnv struct {
	*authtest.Server
	client incidentv1.IncidentServiceClient
}

func newAuthzEnv(t *testing.T) *authzEnv {
	t.Helper()
	db := storetest.DB(t)
	s, err := incidentstore.New(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	srv := authtest.Serve(t, "incident", db, func(g *grpc.Server) { New(s, pagetoken.New("test-secret")).Register(g) })
	return &authzEnv{Server: srv, client: incidentv1.NewIncidentServiceClient(srv.Conn)}
}

// report creates an incident reported by force, as one of its operators.
func (e *authzEnv) report(t *testing.T, id, force string) *incidentv1.Incident {
	t.Helper()
	in := khidrJija()
	in.ReportingForce = force
	resp, err := e.client.CreateIncident(e.As(t, testCtx(t), authtest.Operator(force)),
		&incidentv1.CreateIncidentRequest{Incident: in, IncidentId: id})
	if err != nil {
		t.Fatalf("CreateIncident(%s) as its force: %v", id, err)
	}
	return resp.GetIncident()
}

// etagOf reads an incident's etag, or authtest.Absent.
func (e *authzEnv) etagOf(name string) func(ctx context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		resp, err := e.client.GetIncident(ctx, &incidentv1.GetIncidentRequest{Name: name})
		if status.Code(err) == codes.NotFound {
			return authtest.Absent, nil
		}
		return resp.GetIncident().GetEtag(), err
	}
}

// TestEveryMutationIsHeldToItsOwner tries every mutating RPC, on an incident of each
// force, as every caller who must be refused and then as the owner's operator.
func TestEveryMutationIsHeldToItsOwner(t *testing.T) {
	const svc = "/tansiq.incident.v1.IncidentService/"
	for _, owner := range []string{authtest.IraqiArmy, authtest.Peshmerga} {
		t.Run(owner, func(t *testing.T) {
			e := newAuthzEnv(t)
			toUpdate := e.report(t, "to-update", owner).GetName()
			toConfirm := e.report(t, "to-confirm", owner).GetName()
			toClose := e.report(t, "to-close", owner).GetName()
			created := khidrJija()
			created.ReportingForce = owner
			tests := []authtest.Mutation{
				{Method: svc + "CreateIncident", Owner: owner, State: e.etagOf("incidents/reported-here"),
					Call: func(ctx context.Context) error {
						_, err := e.client.CreateIncident(ctx, &incidentv1.CreateIncidentRequest{
							Incident: created, IncidentId: "reported-here", RequestId: "create-once"})
						return err
					}},
				{Method: svc + "UpdateIncident", Owner: owner, State: e.etagOf(toUpdate),
					Call: func(ctx context.Context) error {
						_, err := e.client.UpdateIncident(ctx, &incidentv1.UpdateIncidentRequest{
							Incident:   &incidentv1.Incident{Name: toUpdate, Title: "Retitled by its force"},
							UpdateMask: mask("title"), RequestId: "update-once"})
						return err
					}},
				{Method: svc + "ConfirmIncident", Owner: owner, State: e.etagOf(toConfirm),
					Call: func(ctx context.Context) error {
						_, err := e.client.ConfirmIncident(ctx, &incidentv1.ConfirmIncidentRequest{Name: toConfirm, RequestId: "confirm-once"})
						return err
					}},
				{Method: svc + "CloseIncident", Owner: owner, State: e.etagOf(toClose),
					Call: func(ctx context.Context) error {
						_, err := e.client.CloseIncident(ctx, &incidentv1.CloseIncidentRequest{Name: toClose, Reason: "duplicate report"})
						return err
					}},
			}
			for _, m := range tests {
				t.Run(m.Method[len(svc):], func(t *testing.T) { e.CheckMutation(t, m) })
			}
		})
	}
}

// TestRefusedBeforeEtagAndState: a caller who may not change an incident is told so
// whatever etag it sends and whatever state the incident is in, and the owner, with the
// same request, gets the answer the etag or state calls for.
func TestRefusedBeforeEtagAndState(t *testing.T) {
	e := newAuthzEnv(t)
	in := e.report(t, "closed-one", authtest.IraqiArmy)
	owner := e.As(t, testCtx(t), authtest.Operator(authtest.IraqiArmy))
	if _, err := e.client.CloseIncident(owner, &incidentv1.CloseIncidentRequest{Name: in.GetName(), Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	other := e.As(t, testCtx(t), authtest.Operator(authtest.Peshmerga))
	tests := []struct {
		name      string
		call      func(ctx context.Context) error
		wantOwner codes.Code
	}{
		{"stale etag", func(ctx context.Context) error {
			_, err := e.client.UpdateIncident(ctx, &incidentv1.UpdateIncidentRequest{
				Incident: &incidentv1.Incident{Name: in.GetName(), Title: "x", Etag: in.GetEtag()}, UpdateMask: mask("title")})
			return err
		}, codes.Aborted},
		{"closed incident", func(ctx context.Context) error {
			_, err := e.client.ConfirmIncident(ctx, &incidentv1.ConfirmIncidentRequest{Name: in.GetName()})
			return err
		}, codes.FailedPrecondition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := status.Code(tt.call(other)); got != codes.PermissionDenied {
				t.Errorf("other force: got %v, want PermissionDenied", got)
			}
			if got := status.Code(tt.call(owner)); got != tt.wantOwner {
				t.Errorf("owner: got %v, want %v", got, tt.wantOwner)
			}
		})
	}
}

// TestRetryOfAnotherForcesRequestIsRefused: replaying a request another force applied,
// with its request_id, is refused rather than answered as a retry.
func TestRetryOfAnotherForcesRequestIsRefused(t *testing.T) {
	e := newAuthzEnv(t)
	in := e.report(t, "replayed", authtest.IraqiArmy)
	req := &incidentv1.ConfirmIncidentRequest{Name: in.GetName(), RequestId: "confirm-by-army"}
	first, err := e.client.ConfirmIncident(e.As(t, testCtx(t), authtest.Operator(authtest.IraqiArmy)), req)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		caller auth.Identity
		want   codes.Code
	}{
		{authtest.Operator(authtest.Peshmerga), codes.PermissionDenied},
		{authtest.Viewer(authtest.IraqiArmy), codes.PermissionDenied},
		{authtest.Operator(authtest.IraqiArmy), codes.OK},
	}
	for _, tt := range tests {
		resp, err := e.client.ConfirmIncident(e.As(t, testCtx(t), tt.caller), req)
		if got := status.Code(err); got != tt.want {
			t.Errorf("retry as %s: got %v, want %v", tt.caller.Subject, got, tt.want)
		}
		if err == nil && resp.GetIncident().GetEtag() != first.GetIncident().GetEtag() {
			t.Errorf("retry as %s answered etag %s, want the first answer's %s", tt.caller.Subject,
				resp.GetIncident().GetEtag(), first.GetIncident().GetEtag())
		}
	}
}

// TestEveryoneAuthenticatedReads: both forces see every incident, viewers included; a
// caller without a token sees nothing.
func TestEveryoneAuthenticatedReads(t *testing.T) {
	e := newAuthzEnv(t)
	in := e.report(t, "army-report", authtest.IraqiArmy)
	tests := []struct {
		caller string
		ctx    context.Context
		want   codes.Code
	}{
		{"operator of the other force", e.As(t, testCtx(t), authtest.Operator(authtest.Peshmerga)), codes.OK},
		{"viewer of the other force", e.As(t, testCtx(t), authtest.Viewer(authtest.Peshmerga)), codes.OK},
		{"service", e.As(t, testCtx(t), authtest.Service()), codes.OK},
		{"no token", testCtx(t), codes.Unauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.caller, func(t *testing.T) {
			_, getErr := e.client.GetIncident(tt.ctx, &incidentv1.GetIncidentRequest{Name: in.GetName()})
			list, listErr := e.client.ListIncidents(tt.ctx, &incidentv1.ListIncidentsRequest{})
			if status.Code(getErr) != tt.want || status.Code(listErr) != tt.want {
				t.Fatalf("Get: %v, List: %v; want %v", getErr, listErr, tt.want)
			}
			if tt.want == codes.OK && len(list.GetIncidents()) != 1 {
				t.Errorf("List returned %d incidents, want 1", len(list.GetIncidents()))
			}
			ctx, cancel := context.WithTimeout(tt.ctx, 2*time.Second)
			defer cancel()
			watch, err := e.client.WatchIncidents(ctx, &incidentv1.WatchIncidentsRequest{})
			if err == nil {
				_, err = watch.Recv()
			}
			if status.Code(err) != tt.want {
				t.Errorf("Watch: %v, want %v", err, tt.want)
			}
		})
	}
}
