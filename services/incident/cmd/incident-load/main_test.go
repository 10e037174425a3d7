package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/store/storetest"
	"github.com/tansiq/tansiq/services/incident/internal/handler"
	incidentstore "github.com/tansiq/tansiq/services/incident/internal/store"
)

// flaky refuses its first fails batches with UNAVAILABLE, after storing the first half of
// each (as a commit that timed out after the store took part of it), then passes them on.
type flaky struct {
	*incidentstore.Incidents
	fails int
}

func (f *flaky) CreateMany(ctx context.Context, docs []*incidentstore.Doc) (int, error) {
	if f.fails == 0 {
		return f.Incidents.CreateMany(ctx, docs)
	}
	f.fails--
	n, err := f.Incidents.CreateMany(ctx, docs[:len(docs)/2])
	if err != nil {
		return n, err
	}
	return n, apperr.Unavailable("commit batch", context.DeadlineExceeded)
}

// TestLoadRetriesABatchTheStoreCouldNotTake: a batch refused with UNAVAILABLE (a busy
// store's timeout) is tried again, and what the refused try stored is not stored twice.
func TestLoadRetriesABatchTheStoreCouldNotTake(t *testing.T) {
	batchRetryWait = time.Millisecond
	ctx := auth.WithIdentity(context.Background(), auth.Identity{Subject: "forces/peshmerga/people/loader", Force: "forces/peshmerga", Role: auth.RoleOperator})
	incidents, err := incidentstore.New(ctx, storetest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer incidents.Close(context.Background())
	var in strings.Builder
	for i := range 10 {
		fmt.Fprintf(&in, `{"incident":{"kind":"INCIDENT_KIND_ARMED_ATTACK","title":"Attack %d","description":"Small arms fire at a checkpoint.",`+
			`"occurTime":"2021-12-02T19:00:00Z","timePrecision":"TIME_PRECISION_EXACT","place":{"point":{"latitude":35.78,"longitude":43.58},`+
			`"name":{"english":"Makhmour"},"precision":"GEO_PRECISION_NEAR"},"district":"Makhmour","governorates":["Nineveh"],`+
			`"perpetrator":{"assessed":"ISIS","confidence":"CONFIDENCE_MEDIUM"},"reportingForce":"forces/peshmerga"},"incidentId":"load-%d","requestId":"load-%d"}`+"\n", i, i, i)
	}
	var out bytes.Buffer
	h := handler.New(incidents, pagetoken.New("test"))
	if err := load(ctx, h, &flaky{Incidents: incidents, fails: batchTries - 1}, strings.NewReader(in.String()), 4, &out); err != nil {
		t.Fatalf("load: %v (%s)", err, out.String())
	}
	if !strings.HasPrefix(out.String(), "10 read, 10 created") {
		t.Fatalf("summary %q, want 10 read, 10 created", out.String())
	}
	docs, err := incidents.Find(ctx, nil, nil, 0)
	if err != nil || len(docs) != 10 {
		t.Fatalf("%d incidents stored (%v), want 10", len(docs), err)
	}
	// Refused every time: the load stops with the store's error.
	err = load(ctx, h, &flaky{Incidents: incidents, fails: batchTries}, strings.NewReader(strings.ReplaceAll(in.String(), "load-", "again-")), 4, &out)
	if !apperr.IsKind(err, apperr.KindUnavailable) {
		t.Fatalf("load refused %d times: %v, want UNAVAILABLE", batchTries, err)
	}
}
