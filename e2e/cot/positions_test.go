package cot

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tansiq/tansiq/deploy/local/stack"
	"github.com/tansiq/tansiq/e2e/harness"
	"github.com/tansiq/tansiq/platform/auth"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
)

// pli is a device's own position (SA), as ATAK sends it.
func pli(lat, lon float64, callsign string) string {
	return fmt.Sprintf(`<point lat="%f" lon="%f" hae="250" ce="9" le="9"/>`+
		`<detail><contact callsign="%s" endpoint="*:-1:stcp"/><__group name="Cyan" role="Team Lead"/>`+
		`<takv device="test" platform="ATAK-CIV" os="34" version="5.1"/></detail>`, lat, lon, callsign)
}

func TestBoundDevicePositionReachesTheGateway(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const unit = "forces/peshmerga/units/makhmour-front"
	pesh := env.Conn("gateway", env.Token("cot-operator", harness.Peshmerga, auth.RoleOperator))
	iraq := env.Conn("gateway", env.Token("cot-operator", harness.IraqiArmy, auth.RoleOperator))
	defer pesh.Close()
	defer iraq.Close()
	peshForces, iraqForces := forcesv1.NewForcesServiceClient(pesh), forcesv1.NewForcesServiceClient(iraq)

	// Only the Peshmerga's operators bind devices to its units.
	binding := &forcesv1.TakBinding{Unit: unit, CertificateName: stack.CoTDevices[0]}
	_, err := iraqForces.CreateTakBinding(ctx, &forcesv1.CreateTakBindingRequest{
		Parent: harness.Peshmerga, TakBindingId: "makhmour-front-tablet", TakBinding: binding})
	if status.Code(err) != codes.PermissionDenied {
		t.Fatalf("the Iraqi army binding a Peshmerga device: %v, want PERMISSION_DENIED", err)
	}
	created, err := peshForces.CreateTakBinding(ctx, &forcesv1.CreateTakBindingRequest{
		Parent: harness.Peshmerga, TakBindingId: "makhmour-front-tablet", TakBinding: binding, RequestId: "cot-bind-1"})
	if err != nil {
		t.Fatal(err)
	}

	// A position over plain TCP is unauthenticated: ignored, whatever it claims.
	plain := dialTCP(t)
	plain.send(t, "a-f-G-U-C", "ANDROID-plain", pli(36.5, 44.0, "Makhmour front"))

	// The bound device's own position becomes the unit's, once the bridge has read the
	// binding (every few seconds): send it as ATAK does, every second, until it lands.
	device, err := dialTLS(t, stack.CoTDevices[0])
	if err != nil {
		t.Fatal(err)
	}
	go func() { // keep the device's queue drained
		for range device.events {
		}
	}()
	const lat, lon = 35.912, 43.551
	var got *forcesv1.Unit
	for end := time.Now().Add(time.Minute); ; {
		device.send(t, "a-f-G-U-C", "ANDROID-bound", pli(lat, lon, "Makhmour front"))
		u, err := peshForces.GetUnit(ctx, &forcesv1.GetUnitRequest{Name: unit})
		if err != nil {
			t.Fatal(err)
		}
		if p := u.GetUnit().GetLastPosition().GetPlace().GetPoint(); math.Abs(p.GetLatitude()-lat) < 1e-6 && math.Abs(p.GetLongitude()-lon) < 1e-6 {
			got = u.GetUnit()
			break
		}
		if time.Now().After(end) {
			t.Fatalf("the bound device's position did not reach %s; last position %v", unit, u.GetUnit().GetLastPosition())
		}
		time.Sleep(time.Second)
	}
	if r := got.GetLastPosition().GetReporter(); r != created.GetTakBinding().GetName() {
		t.Errorf("reporter = %q, want the binding %s", r, created.GetTakBinding().GetName())
	}
	history, err := peshForces.ListUnitPositions(ctx, &forcesv1.ListUnitPositionsRequest{Parent: unit, PageSize: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range history.GetPositions() {
		if p.GetPlace().GetPoint().GetLatitude() == 36.5 {
			t.Errorf("the unauthenticated position was reported: %v", p)
		}
	}

	// The unit's new position is in the joint picture the other TAK clients see.
	const unitUID = "tansiq.forces.peshmerga.units.makhmour-front"
	viewer := dialTCP(t)
	viewer.waitFor(t, time.Minute, "the unit at its new position", func(e event) bool {
		return e.UID == unitUID && math.Abs(e.Point.Lat-lat) < 1e-5
	})

	// Withheld from the other force: the Iraqi army reads the unit through the gateway
	// without its position, TAK clients of no force lose it, and a device bound to one of
	// the Peshmerga's units still gets it.
	if _, err := peshForces.UpdateUnit(ctx, &forcesv1.UpdateUnitRequest{
		Unit:       &forcesv1.Unit{Name: unit, PositionRelease: forcesv1.PositionRelease_POSITION_RELEASE_WITHHELD},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"position_release"}}}); err != nil {
		t.Fatal(err)
	}
	seenByIraq, err := iraqForces.GetUnit(ctx, &forcesv1.GetUnitRequest{Name: unit})
	if err != nil {
		t.Fatal(err)
	}
	if p := seenByIraq.GetUnit().GetLastPosition(); p != nil {
		t.Errorf("the Iraqi army reads the withheld unit's position %v", p)
	}
	viewer.waitFor(t, time.Minute, "the withheld unit's delete", func(e event) bool {
		return e.Type == "t-x-d-d" && len(e.Detail.Links) > 0 && e.Detail.Links[0].UID == unitUID
	})
	// Fresh clients get the picture as it now stands: the shapes, then events by uid, so
	// the unit (tansiq.forces...) comes before the seed's incident (tansiq.incidents...).
	sawUnit := func(c *client) bool {
		got := false
		c.waitFor(t, time.Minute, "the seed's incident", func(e event) bool {
			got = got || (e.UID == unitUID && e.Type != "t-x-d-d")
			return e.UID == khidrJijaUID
		})
		return got
	}
	if sawUnit(dialTCP(t)) {
		t.Error("a plain TCP client got the withheld unit's position")
	}
	other, err := dialTLS(t, stack.CoTDevices[1])
	if err != nil {
		t.Fatal(err)
	}
	if sawUnit(other) {
		t.Errorf("the unbound device %s got the withheld unit's position", stack.CoTDevices[1])
	}
	own, err := dialTLS(t, stack.CoTDevices[0])
	if err != nil {
		t.Fatal(err)
	}
	if !sawUnit(own) {
		t.Errorf("the device bound to %s did not get its own unit's withheld position", unit)
	}
}
