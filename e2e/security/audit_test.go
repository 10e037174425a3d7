package security

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tansiq/tansiq/e2e/harness"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/store"
	auditv1 "github.com/tansiq/tansiq/proto/tansiq/audit/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// TestOneAuditTrail repeats issue 13, row 6: a mutation sent straight to the incident
// service is listed by the gateway's AuditService, refused calls (denied or anonymous)
// carry their resource and request id, and paging over every server's trail returns
// each record once, in order.
func TestOneAuditTrail(t *testing.T) {
	ctx := testCtx(t)
	start := time.Now().Add(-time.Second).UTC()
	armyToken := env.Token("sec-auditee", harness.IraqiArmy, auth.RoleOperator)
	trail := auditv1.NewAuditServiceClient(env.Conn("gateway", env.Token("sec-auditor", harness.Peshmerga, auth.RoleOperator)))
	suffix := store.NewID()

	// Straight to the incident service, around the gateway.
	direct := env.Conn("incident", armyToken)
	t.Cleanup(func() { _ = direct.Close() })
	directID := "sec-direct-" + suffix
	created, err := incidentv1.NewIncidentServiceClient(direct).CreateIncident(ctx,
		&incidentv1.CreateIncidentRequest{RequestId: directID, Incident: report(harness.IraqiArmy, "Rocket fire near Dibis")})
	if err != nil {
		t.Fatal(err)
	}
	name := created.GetIncident().GetName()
	rec := onlyRecord(ctx, t, trail, directID, "incident")
	if rec.GetResource() != name || rec.GetDecision() != auditv1.AuditDecision_AUDIT_DECISION_ALLOWED {
		t.Errorf("direct create on record as %s %s, want %s allowed", rec.GetResource(), rec.GetDecision(), name)
	}

	// Denied through the gateway: the other force changes the army's incident.
	deniedID := "sec-denied-" + suffix
	update := &incidentv1.UpdateIncidentRequest{RequestId: deniedID,
		Incident:   &incidentv1.Incident{Name: name, Title: "Rewritten by the other force"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"title"}}}
	_, err = incidents(t, env.Token("sec-operator", harness.Peshmerga, auth.RoleOperator)).UpdateIncident(ctx, update)
	if status.Code(err) != codes.PermissionDenied {
		t.Fatalf("the other force's update: %v, want PERMISSION_DENIED", err)
	}
	for _, server := range []string{"gateway", "incident"} {
		rec := onlyRecord(ctx, t, trail, deniedID, server)
		if rec.GetResource() != name || rec.GetDecision() != auditv1.AuditDecision_AUDIT_DECISION_DENIED {
			t.Errorf("denied update on %s's record as %q %s, want %s denied", server, rec.GetResource(), rec.GetDecision(), name)
		}
	}

	// Anonymous, refused by the gateway before it forwards anything.
	anonUpdateID, anonCreateID := "sec-anon-update-"+suffix, "sec-anon-create-"+suffix
	update.RequestId = anonUpdateID
	if _, err := incidents(t, "").UpdateIncident(ctx, update); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("anonymous update: %v, want UNAUTHENTICATED", err)
	}
	if rec := onlyRecord(ctx, t, trail, anonUpdateID, "gateway"); rec.GetResource() != name || rec.GetActor() != "anonymous" {
		t.Errorf("anonymous update on record as %q by %q, want %s by anonymous", rec.GetResource(), rec.GetActor(), name)
	}
	_, err = incidents(t, "").CreateIncident(ctx, &incidentv1.CreateIncidentRequest{RequestId: anonCreateID,
		Incident: report(harness.IraqiArmy, "Anonymous report")})
	if status.Code(err) != codes.Unauthenticated {
		t.Fatalf("anonymous create: %v, want UNAUTHENTICATED", err)
	}
	onlyRecord(ctx, t, trail, anonCreateID, "gateway")

	// Paging over every trail: each record once, in order, the same as one page.
	filter := fmt.Sprintf("event_time >= %q", start.Format(time.RFC3339Nano))
	for _, order := range []string{"event_time", ""} {
		all := listAll(ctx, t, trail, filter, order, 1000)
		paged := listAll(ctx, t, trail, filter, order, 2)
		servers := map[string]bool{}
		for _, r := range all {
			servers[r.GetRecordedBy()] = true
		}
		if !servers["gateway"] || !servers["incident"] {
			t.Fatalf("order %q: records of %v, want the gateway's and the incident service's", order, servers)
		}
		if len(paged) != len(all) {
			t.Fatalf("order %q: %d records in pages of 2, %d in one page", order, len(paged), len(all))
		}
		seen := map[string]bool{}
		for i, r := range paged {
			if seen[r.GetName()] {
				t.Fatalf("order %q: %s listed twice", order, r.GetName())
			}
			seen[r.GetName()] = true
			if r.GetName() != all[i].GetName() {
				t.Fatalf("order %q: record %d is %s in pages, %s in one page", order, i, r.GetName(), all[i].GetName())
			}
			if i > 0 {
				prev, cur := paged[i-1].GetEventTime().AsTime(), r.GetEventTime().AsTime()
				if (order == "" && cur.After(prev)) || (order != "" && cur.Before(prev)) {
					t.Fatalf("order %q: record %d at %s follows one at %s", order, i, cur, prev)
				}
			}
		}
	}
}

// onlyRecord returns the one record the gateway lists for requestID from server's trail.
func onlyRecord(ctx context.Context, t *testing.T, trail auditv1.AuditServiceClient, requestID, server string) *auditv1.AuditRecord {
	t.Helper()
	filter := fmt.Sprintf("request_id = %s AND recorded_by = %q", strconv.Quote(requestID), server)
	resp, err := trail.ListAuditRecords(ctx, &auditv1.ListAuditRecordsRequest{Filter: filter})
	if err != nil {
		t.Fatalf("ListAuditRecords(%s): %v", filter, err)
	}
	if n := len(resp.GetAuditRecords()); n != 1 {
		t.Fatalf("%d records match %s, want 1", n, filter)
	}
	return resp.GetAuditRecords()[0]
}

func listAll(ctx context.Context, t *testing.T, trail auditv1.AuditServiceClient, filter, order string, size int32) []*auditv1.AuditRecord {
	t.Helper()
	var out []*auditv1.AuditRecord
	req := &auditv1.ListAuditRecordsRequest{Filter: filter, OrderBy: order, PageSize: size}
	for {
		resp, err := trail.ListAuditRecords(ctx, req)
		if err != nil {
			t.Fatalf("ListAuditRecords(%s, %q, %d): %v", filter, order, size, err)
		}
		out = append(out, resp.GetAuditRecords()...)
		if resp.GetNextPageToken() == "" {
			return out
		}
		req.PageToken = resp.GetNextPageToken()
	}
}
