package audit

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/store/storetest"
	auditv1 "github.com/tansiq/tansiq/proto/tansiq/audit/v1"
)

// BenchmarkList measures ListAuditRecords pages of 50 with 1,000 and 100,000 records in the
// trail: the newest page, the page after it, a record's history (resource = ..., 1 record
// in 1,000), one request (request_id = ...) and an hour's window oldest first. They are
// answered from the cache, so the 100,000 figures should stay near the 1,000 ones.
func BenchmarkList(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := benchTrail(b, n)
			ctx := context.Background()
			first, err := s.ListAuditRecords(ctx, &auditv1.ListAuditRecordsRequest{})
			if err != nil || first.GetNextPageToken() == "" {
				b.Fatalf("first page: %v", err)
			}
			from := base.Add(time.Duration(n/2) * time.Second)
			cases := []struct {
				name string
				req  *auditv1.ListAuditRecordsRequest
			}{
				{"newest", &auditv1.ListAuditRecordsRequest{}},
				{"second", &auditv1.ListAuditRecordsRequest{PageToken: first.GetNextPageToken()}},
				{"resource", &auditv1.ListAuditRecordsRequest{Filter: `resource = "incidents/i7"`}},
				{"request", &auditv1.ListAuditRecordsRequest{Filter: fmt.Sprintf(`request_id = "r%d"`, n/3)}},
				{"window", &auditv1.ListAuditRecordsRequest{OrderBy: "event_time", Filter: fmt.Sprintf(`event_time >= %q AND event_time < %q`,
					from.Format(time.RFC3339), from.Add(time.Hour).Format(time.RFC3339))}},
			}
			for _, c := range cases {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						if _, err := s.ListAuditRecords(ctx, c.req); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

// benchTrail is a trail of n records, one a second from base, for 1,000 resources in turn,
// stored straight into the collection (writing them through the log would take minutes),
// and the service over a recorder that loads it.
func benchTrail(b *testing.B, n int) *Service {
	b.Helper()
	ctx := context.Background()
	db := storetest.DB(b)
	for i := 0; i < n; i += 1000 {
		var docs []any
		for j := i; j < min(i+1000, n); j++ {
			at := base.Add(time.Duration(j) * time.Second)
			docs = append(docs, &Doc{Name: fmt.Sprintf("auditRecords/%016x%012d", at.UnixNano(), j), Seq: int64(j + 1),
				RequestID: fmt.Sprint(j), Etag: "e", CreateTime: at, UpdateTime: at, Body: Record{
					Actor: operator.Subject, ActorForce: operator.Force, ActorRole: "operator",
					Method: "/tansiq.incident.v1.IncidentService/UpdateIncident", Resource: fmt.Sprintf("incidents/i%d", j%1000),
					Allowed: true, StatusCode: "OK", RequestID: fmt.Sprintf("r%d", j), RecordedBy: "incident", EventTime: at}})
		}
		if _, err := db.Collection("audit_records").InsertMany(ctx, docs); err != nil {
			b.Fatal(err)
		}
	}
	r, err := NewRecorder(ctx, db, "incident", slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	return NewService(r, pagetoken.New("audit-bench"))
}
