package e2e

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"strconv"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/e2e/harness"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/store"
	auditv1 "github.com/tansiq/tansiq/proto/tansiq/audit/v1"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// change is one change to an Iraqi army record, made the same way through the gateway and
// directly at the service that owns the record.
type change struct {
	name    string
	service string // the process serving the record: "incident" or "forces"
	method  string // full method name, as audited
	// call makes the change through the process named by via, with token ("" for none),
	// tagged with requestID.
	call func(ctx context.Context, via, token, requestID string) error
	// etag reads the record back.
	etag func(ctx context.Context, t *testing.T) string
}

// TestAuthzThroughGatewayAndDirect: a Peshmerga operator cannot change an Iraqi army unit or
// incident, through the gateway or at the service itself; nor can an Iraqi army viewer; a
// call without a token is UNAUTHENTICATED; every attempt is in the audit trail of each
// process it reached. An Iraqi army operator can, both ways.
func TestAuthzThroughGatewayAndDirect(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	suffix := store.NewID()[:8]
	army := env.Token("e2e-army-operator", harness.IraqiArmy, auth.RoleOperator)
	viewer := env.Token("e2e-army-viewer", harness.IraqiArmy, auth.RoleViewer)
	pesh := env.Token("e2e-pesh-operator", harness.Peshmerga, auth.RoleOperator)

	// The records: an incident the army reports and a unit it raises, through the gateway.
	in := ied("Makhmour", time.Date(2021, 12, 7, 4, 0, 0, 0, time.UTC))
	in.ReportingForce = harness.IraqiArmy
	created, err := incidentClient(t, army).CreateIncident(ctx, &incidentv1.CreateIncidentRequest{Incident: in})
	if err != nil {
		t.Fatalf("army reports an incident: %v", err)
	}
	incident := created.GetIncident().GetName()
	unit := harness.IraqiArmy + "/units/e2e-" + suffix
	_, err = forcesClient(t, "gateway", army).CreateUnit(ctx, &forcesv1.CreateUnitRequest{Parent: harness.IraqiArmy, UnitId: "e2e-" + suffix,
		Unit: &forcesv1.Unit{DisplayName: &typev1.LocalizedName{English: "E2E Battalion"}, Echelon: forcesv1.Echelon_ECHELON_BATTALION,
			ParentUnit: harness.IraqiArmy + "/units/makhmour-sector-brigade", Readiness: forcesv1.Readiness_READINESS_READY}})
	if err != nil {
		t.Fatalf("army raises a unit: %v", err)
	}

	changes := []change{
		{"UpdateIncident", "incident", "/tansiq.incident.v1.IncidentService/UpdateIncident",
			func(ctx context.Context, via, token, requestID string) error {
				_, err := incidentv1.NewIncidentServiceClient(conn(t, via, token)).UpdateIncident(ctx, &incidentv1.UpdateIncidentRequest{
					Incident:   &incidentv1.Incident{Name: incident, Notes: "changed by " + requestID},
					UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"notes"}}, RequestId: requestID})
				return err
			},
			func(ctx context.Context, t *testing.T) string {
				r, err := incidentClient(t, viewer).GetIncident(ctx, &incidentv1.GetIncidentRequest{Name: incident})
				if err != nil {
					t.Fatal(err)
				}
				return r.GetIncident().GetEtag()
			}},
		{"ReportUnitPosition", "forces", "/tansiq.forces.v1.ForcesService/ReportUnitPosition",
			func(ctx context.Context, via, token, requestID string) error {
				_, err := forcesClient(t, via, token).ReportUnitPosition(ctx, &forcesv1.ReportUnitPositionRequest{Name: unit, RequestId: requestID,
					Position: &forcesv1.UnitPosition{Place: &typev1.Place{Point: &typev1.LatLng{Latitude: 35.8, Longitude: 43.6}},
						ReportTime: timestamppb.Now()}})
				return err
			},
			func(ctx context.Context, t *testing.T) string {
				r, err := forcesClient(t, "gateway", viewer).GetUnit(ctx, &forcesv1.GetUnitRequest{Name: unit})
				if err != nil {
					t.Fatal(err)
				}
				return r.GetUnit().GetEtag()
			}},
		{"UpdateUnit", "forces", "/tansiq.forces.v1.ForcesService/UpdateUnit",
			func(ctx context.Context, via, token, requestID string) error {
				_, err := forcesClient(t, via, token).UpdateUnit(ctx, &forcesv1.UpdateUnitRequest{
					Unit:       &forcesv1.Unit{Name: unit, Readiness: forcesv1.Readiness_READINESS_DEGRADED, ReadinessReason: requestID},
					UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"readiness", "readiness_reason"}}, RequestId: requestID})
				return err
			},
			func(ctx context.Context, t *testing.T) string {
				r, err := forcesClient(t, "gateway", viewer).GetUnit(ctx, &forcesv1.GetUnitRequest{Name: unit})
				if err != nil {
					t.Fatal(err)
				}
				return r.GetUnit().GetEtag()
			}},
	}
	callers := []struct {
		name   string
		token  string
		want   codes.Code
		reason string
	}{
		{"peshmerga operator", pesh, codes.PermissionDenied, auth.ReasonOtherForce},
		{"iraqi army viewer", viewer, codes.PermissionDenied, auth.ReasonReadOnlyRole},
		{"no token", "", codes.Unauthenticated, "TOKEN_MISSING"},
		{"iraqi army operator", army, codes.OK, ""},
	}
	for _, c := range changes {
		for _, via := range []string{"gateway", c.service} {
			for i, caller := range callers {
				t.Run(fmt.Sprintf("%s/via %s/%s", c.name, via, caller.name), func(t *testing.T) {
					requestID := fmt.Sprintf("e2e-authz-%s-%s-%s-%d", suffix, c.name, via, i)
					before := c.etag(ctx, t)
					err := c.call(ctx, via, caller.token, requestID)
					_, reason := wantCode(t, err, caller.want)
					if reason != caller.reason {
						t.Errorf("reason %q, want %q", reason, caller.reason)
					}
					after := c.etag(ctx, t)
					if changed := after != before; changed != (caller.want == codes.OK) {
						t.Errorf("etag %s -> %s: changed %v, want %v", before, after, changed, caller.want == codes.OK)
					}
					// Every process the call reached has it on record, refused or not.
					reached := []string{via}
					if via == "gateway" && caller.want != codes.Unauthenticated {
						reached = append(reached, c.service)
					}
					for _, p := range reached {
						rec := auditRecord(ctx, t, p, c.method, requestID)
						wantDecision := auditv1.AuditDecision_AUDIT_DECISION_DENIED
						if caller.want == codes.OK {
							wantDecision = auditv1.AuditDecision_AUDIT_DECISION_ALLOWED
						}
						if rec.GetDecision() != wantDecision || rec.GetStatusCode() != caller.want.String() || rec.GetRecordedBy() != p {
							t.Errorf("%s's audit record: %s %s by %s; want %s %s by %s", p, rec.GetDecision(), rec.GetStatusCode(),
								rec.GetRecordedBy(), wantDecision, caller.want, p)
						}
					}
				})
			}
		}
	}
}

// auditRecord finds the record of one call in the named process's own audit trail (the
// gateway's through the gateway, a service's by calling it directly) by its request id,
// which even a call refused before it was forwarded (no token) carries.
func auditRecord(ctx context.Context, t *testing.T, process, method, requestID string) *auditv1.AuditRecord {
	t.Helper()
	// The gateway lists every server's trail: recorded_by picks the process's own record.
	filter := fmt.Sprintf("request_id = %s AND recorded_by = %q", strconv.Quote(requestID), process)
	// An operator of the other force: operators read both forces' records (README,
	// Security); a viewer would see only its own force's.
	reader := env.Token("e2e-auditor", harness.Peshmerga, auth.RoleOperator)
	resp, err := auditv1.NewAuditServiceClient(conn(t, process, reader)).ListAuditRecords(ctx,
		&auditv1.ListAuditRecordsRequest{Filter: filter})
	if err != nil {
		t.Fatalf("%s: ListAuditRecords(%s): %v", process, filter, err)
	}
	if n := len(resp.GetAuditRecords()); n != 1 {
		t.Fatalf("%s: %d audit records match %s, want 1", process, n, filter)
	}
	rec := resp.GetAuditRecords()[0]
	if rec.GetMethod() != method {
		t.Errorf("%s's audit record names method %s, want %s", process, rec.GetMethod(), method)
	}
	return rec
}

// conn dials a process of the shared system with token, closed with the test.
func conn(t *testing.T, process, token string) *grpc.ClientConn {
	t.Helper()
	c := env.Conn(process, token)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func forcesClient(t *testing.T, process, token string) forcesv1.ForcesServiceClient {
	return forcesv1.NewForcesServiceClient(conn(t, process, token))
}

// TestAuthzUnauthenticatedBothWays: calls without a token, or with a token signed by a key the
// system does not trust, are refused by the gateway and by each service alike.
func TestAuthzUnauthenticatedBothWays(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// A well-formed, current token from a key the system does not trust.
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := auth.NewSigner(key, auth.DefaultIssuer, auth.DefaultAudience).Mint(
		auth.Identity{Subject: harness.IraqiArmy + "/people/stranger", Force: harness.IraqiArmy, Role: auth.RoleOperator}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for _, via := range []string{"gateway", "incident", "forces"} {
		for _, token := range []string{"", stranger} {
			var err error
			if via == "forces" {
				_, err = forcesClient(t, via, token).ListForces(ctx, &forcesv1.ListForcesRequest{})
			} else {
				_, err = incidentv1.NewIncidentServiceClient(conn(t, via, token)).ListIncidents(ctx, &incidentv1.ListIncidentsRequest{})
			}
			if status.Code(err) != codes.Unauthenticated {
				t.Errorf("via %s with token %.10q: %v, want Unauthenticated", via, token, err)
			}
		}
	}
}
