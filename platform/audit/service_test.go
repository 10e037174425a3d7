package audit

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/tansiq/tansiq/platform/auth"
	auditv1 "github.com/tansiq/tansiq/proto/tansiq/audit/v1"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

var (
	base = time.Date(2021, 12, 3, 8, 0, 0, 0, time.UTC)
	army = auth.Identity{Subject: "forces/iraqi-army/people/ali", Force: "forces/iraqi-army", Role: auth.RoleOperator}
)

// trail writes a known trail, one record a minute from base, and returns the service
// over it. Each record's request id, r0 to r5, tells it apart.
func trail(t *testing.T) *Service {
	t.Helper()
	r, s := newRecorder(t)
	refused := status.Error(codes.PermissionDenied, "no")
	const confirm, closeIncident = "/tansiq.incident.v1.IncidentService/ConfirmIncident", "/tansiq.incident.v1.IncidentService/CloseIncident"
	writes := []struct {
		id     auth.Identity
		method string
		name   string
		err    error
	}{
		{operator, confirm, "incidents/khidr-jija", nil},
		{army, confirm, "incidents/khidr-jija", refused},
		{army, closeIncident, "incidents/sinjar-ied", nil},
		{operator, closeIncident, "incidents/sinjar-ied", refused},
		{operator, closeIncident, "incidents/khidr-jija", nil},
		{army, "/tansiq.forces.v1.ForcesService/DeleteUnit", "forces/iraqi-army/units/first-battalion", nil},
	}
	for i, w := range writes {
		at := base.Add(time.Duration(i) * time.Minute)
		r.now = func() time.Time { return at }
		var req proto.Message = &incidentv1.ConfirmIncidentRequest{Name: w.name, RequestId: fmt.Sprintf("r%d", i)}
		if i == 5 {
			req = &forcesv1.DeleteUnitRequest{Name: w.name, RequestId: fmt.Sprintf("r%d", i)}
		}
		r.write(context.Background(), w.method, w.id, req, nil, w.err)
	}
	return s
}

func requestIDs(recs []*auditv1.AuditRecord) []string {
	out := []string{}
	for _, r := range recs {
		out = append(out, r.GetRequestId())
	}
	return out
}

func TestListFilters(t *testing.T) {
	s := trail(t)
	tests := []struct {
		filter, orderBy string
		want            []string
	}{
		{"", "", []string{"r5", "r4", "r3", "r2", "r1", "r0"}},
		{"", "event_time desc", []string{"r5", "r4", "r3", "r2", "r1", "r0"}},
		{"", "event_time", []string{"r0", "r1", "r2", "r3", "r4", "r5"}},
		{`resource = "incidents/khidr-jija"`, "event_time", []string{"r0", "r1", "r4"}},
		{`actor = "forces/iraqi-army/people/ali"`, "event_time", []string{"r1", "r2", "r5"}},
		{`actor_force = "forces/peshmerga"`, "event_time", []string{"r0", "r3", "r4"}},
		{`method = "/tansiq.incident.v1.IncidentService/CloseIncident"`, "event_time", []string{"r2", "r3", "r4"}},
		{`decision = AUDIT_DECISION_DENIED`, "event_time", []string{"r1", "r3"}},
		{`decision = AUDIT_DECISION_ALLOWED AND actor_force = "forces/iraqi-army"`, "event_time", []string{"r2", "r5"}},
		{`request_id = "r3"`, "", []string{"r3"}},
		{`event_time >= "2021-12-03T08:02:00Z" AND event_time < "2021-12-03T08:04:00Z"`, "event_time", []string{"r2", "r3"}},
		{`resource = "incidents/nothing"`, "", []string{}},
		// The whole AIP-160 grammar: OR, NOT, parentheses; with and without a top-level AND.
		{`request_id = "r1" OR request_id = "r4"`, "event_time", []string{"r1", "r4"}},
		{`NOT actor_force = "forces/peshmerga"`, "event_time", []string{"r1", "r2", "r5"}},
		{`-decision = AUDIT_DECISION_ALLOWED`, "", []string{"r3", "r1"}},
		{`resource = "incidents/khidr-jija" AND (decision = AUDIT_DECISION_DENIED OR event_time >= "2021-12-03T08:04:00Z")`, "event_time", []string{"r1", "r4"}},
		{`(actor_force = "forces/iraqi-army" AND decision = AUDIT_DECISION_DENIED) OR request_id = "r5"`, "event_time desc", []string{"r5", "r1"}},
	}
	for _, tt := range tests {
		t.Run(tt.filter+"|"+tt.orderBy, func(t *testing.T) {
			resp, err := s.ListAuditRecords(context.Background(), &auditv1.ListAuditRecordsRequest{Filter: tt.filter, OrderBy: tt.orderBy})
			if err != nil {
				t.Fatal(err)
			}
			if got := requestIDs(resp.GetAuditRecords()); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if resp.GetNextPageToken() != "" {
				t.Errorf("next_page_token %q after everything", resp.GetNextPageToken())
			}
		})
	}
}

// TestListPages walks the trail a page at a time in both orders: every record once, in
// order, and a last page without a token.
func TestListPages(t *testing.T) {
	s := trail(t)
	tests := []struct {
		filter, orderBy string
		size            int32
		want            [][]string
	}{
		{"", "", 4, [][]string{{"r5", "r4", "r3", "r2"}, {"r1", "r0"}}},
		{"", "event_time", 2, [][]string{{"r0", "r1"}, {"r2", "r3"}, {"r4", "r5"}}},
		{`actor_force = "forces/peshmerga"`, "event_time desc", 1, [][]string{{"r4"}, {"r3"}, {"r0"}}},
		{`request_id = "r0" OR request_id = "r2" OR request_id = "r5"`, "event_time", 1, [][]string{{"r0"}, {"r2"}, {"r5"}}},
		{`NOT method = "/tansiq.incident.v1.IncidentService/CloseIncident"`, "event_time asc", 2, [][]string{{"r0", "r1"}, {"r5"}}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s|%s|%d", tt.filter, tt.orderBy, tt.size), func(t *testing.T) {
			var got [][]string
			req := &auditv1.ListAuditRecordsRequest{Filter: tt.filter, OrderBy: tt.orderBy, PageSize: tt.size}
			for range 10 {
				resp, err := s.ListAuditRecords(context.Background(), req)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, requestIDs(resp.GetAuditRecords()))
				if req.PageToken = resp.GetNextPageToken(); req.PageToken == "" {
					break
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("pages %v, want %v", got, tt.want)
			}
		})
	}
}

func TestListRefusesBadRequests(t *testing.T) {
	s := trail(t)
	first, err := s.ListAuditRecords(context.Background(), &auditv1.ListAuditRecordsRequest{PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		req  *auditv1.ListAuditRecordsRequest
	}{
		{"unknown filter field", &auditv1.ListAuditRecordsRequest{Filter: `secret = "x"`}},
		{"unknown decision", &auditv1.ListAuditRecordsRequest{Filter: `decision = MAYBE`}},
		{"bad time", &auditv1.ListAuditRecordsRequest{Filter: `event_time > "yesterday"`}},
		{"unknown order", &auditv1.ListAuditRecordsRequest{OrderBy: "actor"}},
		{"bad order syntax", &auditv1.ListAuditRecordsRequest{OrderBy: "event_time sideways"}},
		{"negative page size", &auditv1.ListAuditRecordsRequest{PageSize: -1}},
		{"tampered page token", &auditv1.ListAuditRecordsRequest{PageSize: 1, PageToken: first.GetNextPageToken() + "x"}},
		{"page token of another query", &auditv1.ListAuditRecordsRequest{PageSize: 1, PageToken: first.GetNextPageToken(), OrderBy: "event_time"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.ListAuditRecords(context.Background(), tt.req)
			if status.Code(err) != codes.InvalidArgument {
				t.Errorf("got %v, want InvalidArgument", err)
			}
		})
	}
}

func TestGetAuditRecord(t *testing.T) {
	s := trail(t)
	list, err := s.ListAuditRecords(context.Background(), &auditv1.ListAuditRecordsRequest{Filter: `request_id = "r1"`})
	if err != nil || len(list.GetAuditRecords()) != 1 {
		t.Fatalf("list r1: %v, %v", list, err)
	}
	want := list.GetAuditRecords()[0]
	tests := []struct {
		name string
		code codes.Code
	}{
		{want.GetName(), codes.OK},
		{"auditRecords/0000000000000000nothing", codes.NotFound},
		{"incidents/khidr-jija", codes.InvalidArgument},
	}
	for _, tt := range tests {
		got, err := s.GetAuditRecord(context.Background(), &auditv1.GetAuditRecordRequest{Name: tt.name})
		if status.Code(err) != tt.code {
			t.Errorf("GetAuditRecord(%s): %v, want %v", tt.name, err, tt.code)
		}
		if err == nil && !proto.Equal(got.GetAuditRecord(), want) {
			t.Errorf("GetAuditRecord(%s) = %v, want %v", tt.name, got.GetAuditRecord(), want)
		}
	}
}
