package audit

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"

	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
	auditv1 "github.com/tansiq/tansiq/proto/tansiq/audit/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// reads records the store reads a component makes that are not by _id: on FerretDB's
// SQLite backend each of them reads and decodes the whole collection.
type reads struct {
	mu    sync.Mutex
	on    bool
	notID []string
	all   int
}

func (r *reads) monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		var filter bson.Raw
		switch e.CommandName {
		case "find", "count":
			filter, _ = e.Command.Lookup("filter").DocumentOK()
		case "aggregate", "distinct":
		default:
			return
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if !r.on {
			return
		}
		r.all++
		elems, _ := filter.Elements()
		if len(elems) != 1 || elems[0].Key() != "_id" || elems[0].Value().Type != bson.TypeString {
			r.notID = append(r.notID, e.CommandName+" "+e.Command.String())
		}
	}}
}

func (r *reads) start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on, r.notID, r.all = true, nil, 0
}

func (r *reads) stop() (notID []string, all int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = false
	return r.notID, r.all
}

// TestListReadsTheStoreByIDOnly: lists and gets of a trail, filtered or not, in either
// order and a page at a time, read the store only by _id (the log, to catch up before a
// list; the records are answered from the cache), whatever the size of the trail.
func TestListReadsTheStoreByIDOnly(t *testing.T) {
	ctx := context.Background()
	var rs reads
	db := storetest.Monitored(t, storetest.DB(t), rs.monitor())
	r, err := NewRecorder(ctx, db, "incident", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	s := NewService(r, pagetoken.New("audit-test"))
	for i := range 120 {
		at := base.Add(time.Duration(i) * time.Second)
		r.now = func() time.Time { return at }
		req := &incidentv1.ConfirmIncidentRequest{Name: fmt.Sprintf("incidents/i%d", i%7), RequestId: fmt.Sprintf("r%d", i)}
		r.write(ctx, "/tansiq.incident.v1.IncidentService/ConfirmIncident", operator, req, nil, nil)
	}
	rs.start()
	lists := []*auditv1.ListAuditRecordsRequest{
		{},
		{PageSize: 7, OrderBy: "event_time"},
		{Filter: `resource = "incidents/i3"`, PageSize: 5},
		{Filter: `request_id = "r77"`},
		{Filter: `event_time >= "2021-12-03T08:00:30Z" AND event_time < "2021-12-03T08:01:00Z"`, PageSize: 4},
		{Filter: `NOT resource = "incidents/i3" OR actor_force = "forces/iraqi-army"`, OrderBy: "event_time"},
	}
	listed := 0
	for _, req := range lists {
		for range 40 {
			resp, err := s.ListAuditRecords(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			listed += len(resp.GetAuditRecords())
			if req.PageToken = resp.GetNextPageToken(); req.PageToken == "" {
				break
			}
		}
	}
	last, err := s.ListAuditRecords(ctx, &auditv1.ListAuditRecordsRequest{PageSize: 1})
	if err != nil || len(last.GetAuditRecords()) != 1 {
		t.Fatalf("newest record: %v, %v", last, err)
	}
	if _, err := s.GetAuditRecord(ctx, &auditv1.GetAuditRecordRequest{Name: last.GetAuditRecords()[0].GetName()}); err != nil {
		t.Fatal(err)
	}
	notID, all := rs.stop()
	if len(notID) > 0 {
		t.Errorf("listing read the store other than by _id %d times, e.g. %s", len(notID), notID[0])
	}
	// 120 + 120 + 18 (i3) + 1 + 30 + 102.
	if listed != 391 {
		t.Errorf("listed %d records, want 391", listed)
	}
	t.Logf("%d records listed with %d reads of the store", listed, all)
}

// TestReplicaListsAnotherReplicasRecords: two processes recording into one database each
// list what the other wrote, at once, however seldom the trail's follower reads the log:
// a list reads the log forward when the process has not seen its end within listFresh.
func TestReplicaListsAnotherReplicasRecords(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	a, err := NewRecorder(ctx, db, "incident", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	was := trailTiming
	trailTiming = store.Timing{Poll: time.Hour} // b's follower does not read the log in this test
	b, err := NewRecorder(ctx, db, "incident", slog.New(slog.DiscardHandler))
	trailTiming = was
	if err != nil {
		t.Fatal(err)
	}
	loaded := time.Now()
	a.write(ctx, "/tansiq.incident.v1.IncidentService/ConfirmIncident", operator,
		&incidentv1.ConfirmIncidentRequest{Name: "incidents/khidr-jija", RequestId: "through-a"}, nil, nil)
	sb := NewService(b, pagetoken.New("audit-test"))
	time.Sleep(time.Until(loaded.Add(listFresh))) // b saw the log's end at its load: older than listFresh now
	resp, err := sb.ListAuditRecords(ctx, &auditv1.ListAuditRecordsRequest{Filter: `request_id = "through-a"`})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.GetAuditRecords()) != 1 {
		t.Fatal("a record written through one replica is not listed by the other")
	}
}

// TestRecordsOfTheOldCollectionAreMoved: records stored in the "audit" collection (before
// the trail was a platform/store collection) are listed with their names and times after
// a start, the old collection is dropped, and a second start moves nothing twice.
func TestRecordsOfTheOldCollectionAreMoved(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	var old []any
	var want []string
	for i := range 510 { // more than one batch of the move
		name := fmt.Sprintf("auditRecords/%016x%012d", base.Add(time.Duration(i)*time.Minute).UnixNano(), i)
		old = append(old, bson.D{{Key: "_id", Value: name}, {Key: "actor", Value: operator.Subject},
			{Key: "actor_force", Value: operator.Force}, {Key: "method", Value: "/tansiq.incident.v1.IncidentService/ConfirmIncident"},
			{Key: "resource", Value: "incidents/khidr-jija"}, {Key: "allowed", Value: true}, {Key: "status_code", Value: "OK"},
			{Key: "request_id", Value: fmt.Sprintf("r%d", i)}, {Key: "recorded_by", Value: "incident"},
			{Key: "event_time", Value: base.Add(time.Duration(i) * time.Minute)}})
		want = append(want, name)
	}
	if _, err := db.Collection("audit").InsertMany(ctx, old); err != nil {
		t.Fatal(err)
	}
	for start := range 2 {
		r, err := NewRecorder(ctx, db, "incident", slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		req := &auditv1.ListAuditRecordsRequest{OrderBy: "event_time", PageSize: 500, Filter: `resource = "incidents/khidr-jija"`}
		for {
			resp, err := NewService(r, pagetoken.New("audit-test")).ListAuditRecords(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			for _, rec := range resp.GetAuditRecords() {
				got = append(got, rec.GetName())
			}
			if req.PageToken = resp.GetNextPageToken(); req.PageToken == "" {
				break
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("start %d: %d records listed, want the %d of the old collection in order", start, len(got), len(want))
		}
		if n, err := db.Collection("audit").CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
			t.Errorf("start %d: the old collection holds %d records (%v), want it dropped", start, n, err)
		}
	}
}
