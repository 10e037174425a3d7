package deployments_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/tansiq/tansiq/gateway/internal/deployments"
	"github.com/tansiq/tansiq/gateway/internal/gwtest"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store/storetest"
)

// Two gateway replicas are two Stores on one database: proposals made at once through
// each, booking one unit over overlapping windows, never both commit.
func TestBookingHoldsAcrossReplicas(t *testing.T) {
	ctx := gwtest.Context(t)
	db := storetest.DB(t)
	var replicas [2]*deployments.Store
	for i := range replicas {
		s, err := deployments.NewStore(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Load(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		replicas[i] = s
	}
	for round := range 5 {
		unit := fmt.Sprintf("forces/peshmerga/units/u%d", round)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, s := range replicas {
			wg.Go(func() {
				body := deployments.Deployment{Zone: "zones/makhmour", Units: []string{unit}, State: deployments.StateProposed}
				body.SetWindow(gwtest.At(12, 1+i, 0), gwtest.At(12, 20, 0))
				_, errs[i] = s.CreateBooking(ctx, &deployments.Doc{Name: fmt.Sprintf("deployments/r%d-%d", round, i), Owner: pm, Body: body})
			})
		}
		wg.Wait()
		ok, refused := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case apperr.IsKind(err, apperr.KindFailedPrecondition):
				refused++
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if ok != 1 || refused != 1 {
			t.Errorf("round %d: %d proposals booked %s, %d refused; want exactly one of each", round, ok, unit, refused)
		}
	}
}
