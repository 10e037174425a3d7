package audit

import (
	"context"
	"slices"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/platform/auth"
	auditv1 "github.com/tansiq/tansiq/proto/tansiq/audit/v1"
)

// TestWhoReadsWhichRecords holds the audit-read rule of the README: operators (and
// commanders and services) read both forces' records, viewers only their own force's.
func TestWhoReadsWhichRecords(t *testing.T) {
	s := trail(t)
	armyViewer := auth.Identity{Subject: "forces/iraqi-army/people/clerk", Force: "forces/iraqi-army", Role: auth.RoleViewer}
	tests := []struct {
		name string
		id   auth.Identity
		want []string
	}{
		{"operator of the other force", operator, []string{"r0", "r1", "r2", "r3", "r4", "r5"}},
		{"service", auth.ServiceIdentity("gateway"), []string{"r0", "r1", "r2", "r3", "r4", "r5"}},
		{"army viewer", armyViewer, []string{"r1", "r2", "r5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := auth.WithIdentity(context.Background(), tt.id)
			resp, err := s.ListAuditRecords(ctx, &auditv1.ListAuditRecordsRequest{OrderBy: "event_time"})
			if err != nil {
				t.Fatal(err)
			}
			if got := requestIDs(resp.GetAuditRecords()); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			// The other force's first record, fetched by name.
			all, err := s.ListAuditRecords(context.Background(), &auditv1.ListAuditRecordsRequest{OrderBy: "event_time"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.GetAuditRecord(ctx, &auditv1.GetAuditRecordRequest{Name: all.GetAuditRecords()[0].GetName()})
			want := codes.OK
			if tt.id.Role == auth.RoleViewer {
				want = codes.NotFound
			}
			if status.Code(err) != want {
				t.Errorf("GetAuditRecord of a Peshmerga record: got %v, want %v", err, want)
			}
		})
	}
}
