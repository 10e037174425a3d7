package deployments_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/tansiq/tansiq/gateway/internal/deployments"
	"github.com/tansiq/tansiq/gateway/internal/gwtest"
	"github.com/tansiq/tansiq/gateway/internal/zones"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
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
		t.Cleanup(func() { s.Close(context.Background()) })
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
				_, errs[i] = s.CreateBooking(ctx, &deployments.Doc{Name: fmt.Sprintf("deployments/r%d-%d", round, i), Owner: pm, Body: body}, nil)
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

// pausedZones is replica B's zone check, paused after its first answer until released: a
// proposal that found its zone open, then waited, as a slow replica may.
type pausedZones struct {
	zones   *zones.Store
	checked chan struct{}
	release chan struct{}
	once    sync.Once
}

func (p *pausedZones) Open(ctx context.Context, zone string) error {
	err := p.zones.Open(ctx, zone)
	p.once.Do(func() { close(p.checked); <-p.release })
	return err
}

// A zone deleted through replica A while replica B proposes a deployment in it: whichever
// order they interleave in, never both. Here B finds the zone open and is held before it
// commits while A deletes the zone: A's deletion succeeds (nothing blocks it yet), and B's
// proposal is then decided again and refused. And a proposal committed through B first
// blocks the deletion through A, although A's cache had not seen it.
func TestZoneDeleteAndProposalAcrossReplicas(t *testing.T) {
	ctx := gwtest.Context(t)
	db := storetest.DB(t)
	var zs [2]*zones.Store
	var ds [2]*deployments.Store
	for i := range 2 {
		z, err := zones.NewStore(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		d, err := deployments.NewStore(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []interface{ Load(context.Context) error }{z, d} {
			if err := c.Load(ctx); err != nil {
				t.Fatal(err)
			}
		}
		t.Cleanup(func() { z.Close(context.Background()) })
		t.Cleanup(func() { d.Close(context.Background()) })
		zs[i], ds[i] = z, d
	}
	propose := func(zone, name string, gate deployments.Zones) error {
		body := deployments.Deployment{Zone: zone, Units: []string{"forces/peshmerga/units/" + name}, State: deployments.StateProposed}
		body.SetWindow(gwtest.At(12, 1, 0), gwtest.At(12, 20, 0))
		_, err := ds[1].CreateBooking(ctx, &deployments.Doc{Name: "deployments/" + name, Owner: pm, Body: body}, gate)
		return err
	}
	for _, zone := range []string{"zones/makhmour", "zones/kifri"} {
		if _, err := zs[0].Create(ctx, &zones.Doc{Name: zone, Owner: pm, Body: zones.Zone{Kind: "DISTRICT"}}); err != nil {
			t.Fatal(err)
		}
	}

	gate := &pausedZones{zones: zs[1], checked: make(chan struct{}), release: make(chan struct{})}
	proposed := make(chan error, 1)
	go func() { proposed <- propose("zones/makhmour", "held", gate) }()
	select {
	case <-gate.checked:
	case err := <-proposed:
		t.Fatalf("the proposal ended without checking its zone inside its compare-and-swap: %v", err)
	}
	err := zs[0].RemoveGuarded(ctx, store.Removal{Name: "zones/makhmour"}, ds[0])
	close(gate.release)
	if err != nil {
		t.Fatalf("deleting the zone while a proposal is held: %v", err)
	}
	if err := <-proposed; err == nil {
		t.Errorf("a deployment was proposed in zones/makhmour, deleted meanwhile through another replica")
	}

	if err := propose("zones/kifri", "first", zs[1]); err != nil {
		t.Fatal(err)
	}
	err = zs[0].RemoveGuarded(ctx, store.Removal{Name: "zones/kifri"}, ds[0])
	if !apperr.IsKind(err, apperr.KindFailedPrecondition) {
		t.Errorf("deleting a zone with a deployment proposed through another replica: %v, want FAILED_PRECONDITION", err)
	}
	if err := propose("zones/kifri", "second", zs[1]); err != nil {
		t.Errorf("proposing after a refused deletion (the zone reopened): %v", err)
	}
}
