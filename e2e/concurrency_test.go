package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tansiq/tansiq/e2e/harness"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/store"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// TestConcurrentUpdatesLoseNothingThroughGateway: writers update one incident at once
// through the gateway, each reading it, adding its own line to the notes and writing it
// back with the etag it read, and reading again when told ABORTED. Optimistic
// concurrency means no writer's line is lost, and the writers did collide (or the test
// would prove nothing).
func TestConcurrentUpdatesLoseNothingThroughGateway(t *testing.T) {
	const writers, each = 6, 5
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pesh := incidentClient(t, env.Token("e2e-concurrent", harness.Peshmerga, auth.RoleOperator))
	district := "E2E-OCC-" + store.NewID()
	created, err := pesh.CreateIncident(ctx, &incidentv1.CreateIncidentRequest{
		Incident: ied(district, time.Date(2021, 12, 5, 6, 30, 0, 0, time.UTC)), RequestId: "occ-" + district})
	if err != nil {
		t.Fatal(err)
	}
	name := created.GetIncident().GetName()

	var aborted atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				line := fmt.Sprintf("writer %d line %d", w, i)
				for attempt := 0; ; attempt++ {
					got, err := pesh.GetIncident(ctx, &incidentv1.GetIncidentRequest{Name: name})
					if err != nil {
						errs <- err
						return
					}
					in := got.GetIncident()
					in.Notes += line + "\n"
					_, err = pesh.UpdateIncident(ctx, &incidentv1.UpdateIncidentRequest{Incident: in,
						UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"notes"}},
						RequestId:  fmt.Sprintf("occ-%s-%d-%d-%d", district, w, i, attempt)})
					if status.Code(err) == codes.Aborted {
						aborted.Add(1)
						continue // someone wrote in between: read again
					}
					if err != nil {
						errs <- fmt.Errorf("%s: %w", line, err)
						return
					}
					break
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	got, err := pesh.GetIncident(ctx, &incidentv1.GetIncidentRequest{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	notes := got.GetIncident().GetNotes()
	var lost []string
	for w := range writers {
		for i := range each {
			if line := fmt.Sprintf("writer %d line %d\n", w, i); strings.Count(notes, line) != 1 {
				lost = append(lost, fmt.Sprintf("%q x%d", strings.TrimSpace(line), strings.Count(notes, line)))
			}
		}
	}
	t.Logf("%d writers x %d updates: %d stale writes refused with ABORTED and retried", writers, each, aborted.Load())
	if len(lost) != 0 {
		t.Fatalf("%d of %d updates lost or doubled: %v", len(lost), writers*each, lost)
	}
	if aborted.Load() == 0 {
		t.Fatal("no write was ever refused as stale: the writers never collided, so this proves nothing")
	}
}
