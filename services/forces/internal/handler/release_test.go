package handler_test

import (
	"context"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tansiq/tansiq/platform/authtest"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
)

// TestWithheldPositionsAreHiddenFromTheOtherForce: a unit's positions are releasable
// unless its own force's operators withhold them; then the other force reads the unit
// without its position through every read, and its history not at all, while the unit's
// force and services (the CoT bridge) still see it.
func TestWithheldPositionsAreHiddenFromTheOtherForce(t *testing.T) {
	e := newAuthzEnv(t)
	owner := e.As(t, authzCtx(t), authtest.Operator(pm))
	callers := []struct {
		who  string
		ctx  context.Context
		same bool // of the unit's force, or a service
	}{
		{"its force's operator", owner, true},
		{"its force's viewer", e.As(t, authzCtx(t), authtest.Viewer(pm)), true},
		{"a service", e.As(t, authzCtx(t), authtest.Service()), true},
		{"the other force's operator", e.As(t, authzCtx(t), authtest.Operator(ia)), false},
		{"the other force's viewer", e.As(t, authzCtx(t), authtest.Viewer(ia)), false},
	}
	other := callers[3].ctx
	if _, err := e.c.ReportUnitPosition(owner, &forcesv1.ReportUnitPositionRequest{Name: makhmour, Position: at(1, "on the ridge")}); err != nil {
		t.Fatal(err)
	}
	setRelease := func(ctx context.Context, r forcesv1.PositionRelease) error {
		_, err := e.c.UpdateUnit(ctx, &forcesv1.UpdateUnitRequest{
			Unit:       &forcesv1.Unit{Name: makhmour, PositionRelease: r},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"position_release"}}})
		return err
	}
	// seen reads the unit's position as a caller through each read of the API, and fails
	// if the reads disagree.
	seen := func(who string, ctx context.Context) bool {
		t.Helper()
		got, err := e.c.GetUnit(ctx, &forcesv1.GetUnitRequest{Name: makhmour})
		if err != nil {
			t.Fatalf("%s: get: %v", who, err)
		}
		if r := got.GetUnit().GetPositionRelease(); r == forcesv1.PositionRelease_POSITION_RELEASE_UNSPECIFIED {
			t.Errorf("%s: position_release unset, want it always stated", who)
		}
		byGet := got.GetUnit().GetLastPosition() != nil
		byList := false
		list, err := e.c.ListUnits(ctx, &forcesv1.ListUnitsRequest{Parent: "forces/-", PageSize: 500})
		if err != nil {
			t.Fatalf("%s: list: %v", who, err)
		}
		for _, u := range list.GetUnits() {
			if u.GetName() == makhmour {
				byList = u.GetLastPosition() != nil
			}
		}
		batch, err := e.c.BatchGetUnits(ctx, &forcesv1.BatchGetUnitsRequest{Names: []string{makhmour}})
		if err != nil || len(batch.GetUnits()) != 1 {
			t.Fatalf("%s: batch get: %v, %v", who, batch, err)
		}
		byBatch := batch.GetUnits()[0].GetLastPosition() != nil
		history, err := e.c.ListUnitPositions(ctx, &forcesv1.ListUnitPositionsRequest{Parent: makhmour})
		byHistory := err == nil && len(history.GetPositions()) > 0
		if err != nil && status.Code(err) != codes.PermissionDenied {
			t.Fatalf("%s: history: %v", who, err)
		}
		if byList != byGet || byBatch != byGet || byHistory != byGet {
			t.Errorf("%s: position seen by get %v, list %v, batch get %v, history %v: want the same answer", who, byGet, byList, byBatch, byHistory)
		}
		return byGet
	}

	// Releasable by default: everyone sees where the unit is.
	for _, c := range callers {
		if !seen(c.who, c.ctx) {
			t.Errorf("releasable: %s does not see the position", c.who)
		}
	}

	// Only the unit's own force's operators withhold it, with a known value.
	if err := setRelease(other, forcesv1.PositionRelease_POSITION_RELEASE_WITHHELD); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("the other force withholding the unit: %v, want PERMISSION_DENIED", err)
	}
	if err := setRelease(owner, 7); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("an unknown release value: %v, want INVALID_ARGUMENT", err)
	}
	if err := setRelease(owner, forcesv1.PositionRelease_POSITION_RELEASE_WITHHELD); err != nil {
		t.Fatal(err)
	}
	for _, c := range callers {
		if got := seen(c.who, c.ctx); got != c.same {
			t.Errorf("withheld: %s sees the position: %v, want %v", c.who, got, c.same)
		}
	}

	// Released again, the other force sees it again.
	if err := setRelease(owner, forcesv1.PositionRelease_POSITION_RELEASE_RELEASABLE); err != nil {
		t.Fatal(err)
	}
	if !seen("the other force, released again", other) {
		t.Error("released again: the other force does not see the position")
	}
}
