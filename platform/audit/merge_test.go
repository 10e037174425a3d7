package audit

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/platform/pagetoken"
	auditv1 "github.com/tansiq/tansiq/proto/tansiq/audit/v1"
)

// TestMergedPagesEverySourceOnce pages two trails of six records each, written at the same
// times, in pages of every size: each record comes once, in order.
func TestMergedPagesEverySourceOnce(t *testing.T) {
	m := NewMerged("gateway", trail(t), []Source{{Name: "incident", Trail: localTrail{trail(t)}}}, pagetoken.New("audit-test"))
	m.now = func() time.Time { return base.Add(time.Hour) }
	for _, order := range []string{"event_time", ""} {
		for _, size := range []int32{1, 2, 5, 13} {
			var got []*auditv1.AuditRecord
			req := &auditv1.ListAuditRecordsRequest{OrderBy: order, PageSize: size}
			for pages := 0; ; pages++ {
				if pages > 24 {
					t.Fatalf("order %q, size %d: still paging after %d pages", order, size, pages)
				}
				resp, err := m.ListAuditRecords(context.Background(), req)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, resp.GetAuditRecords()...)
				if req.PageToken = resp.GetNextPageToken(); req.PageToken == "" {
					break
				}
			}
			seen := map[string]bool{}
			for i, r := range got {
				if seen[r.GetName()] {
					t.Fatalf("order %q, size %d: %s listed twice", order, size, r.GetName())
				}
				seen[r.GetName()] = true
				if i > 0 && r.GetEventTime().AsTime() != got[i-1].GetEventTime().AsTime() &&
					r.GetEventTime().AsTime().After(got[i-1].GetEventTime().AsTime()) != (order != "") {
					t.Fatalf("order %q, size %d: record %d out of order", order, size, i)
				}
			}
			if len(got) != 12 {
				t.Fatalf("order %q, size %d: %d records, want 12", order, size, len(got))
			}
		}
	}
}

type downTrail struct{}

func (downTrail) ListAuditRecords(context.Context, *auditv1.ListAuditRecordsRequest, ...grpc.CallOption) (*auditv1.ListAuditRecordsResponse, error) {
	return nil, status.Error(codes.Unavailable, "connection refused")
}

func (downTrail) GetAuditRecord(context.Context, *auditv1.GetAuditRecordRequest, ...grpc.CallOption) (*auditv1.GetAuditRecordResponse, error) {
	return nil, status.Error(codes.Unavailable, "connection refused")
}

// TestMergedFailsWhileASourceIsDown: a server that does not answer fails the list, which
// is never silently shorter.
func TestMergedFailsWhileASourceIsDown(t *testing.T) {
	m := NewMerged("gateway", trail(t), []Source{{Name: "meeting", Trail: downTrail{}}}, pagetoken.New("audit-test"))
	_, err := m.ListAuditRecords(context.Background(), &auditv1.ListAuditRecordsRequest{})
	if status.Code(err) != codes.Unavailable {
		t.Fatalf("list with the meeting service down: %v, want UNAVAILABLE", err)
	}
}
