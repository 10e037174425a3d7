package handler_test

import (
	"context"
	"fmt"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
)

func battalion(parent string) *forcesv1.Unit {
	return &forcesv1.Unit{DisplayName: en("1st Battalion"), Echelon: forcesv1.Echelon_ECHELON_BATTALION, ParentUnit: parent,
		HomeBase: point(35.77, 43.58), Strength: &forcesv1.UnitStrength{Authorized: 600, Present: 480},
		Readiness: forcesv1.Readiness_READINESS_READY}
}

func TestCreateUnitRetryReturnsTheFirstResult(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	req := &forcesv1.CreateUnitRequest{Parent: ia, UnitId: "first-battalion", Unit: battalion(brigade), RequestId: "create-1"}
	first, err := c.CreateUnit(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	u := first.GetUnit()
	if u.GetName() != ia+"/units/first-battalion" || u.GetForce() != ia || u.GetEtag() == "" || u.GetCreateTime() == nil {
		t.Fatalf("created %v", u)
	}
	again, err := c.CreateUnit(ctx, req)
	if err != nil || !proto.Equal(again.GetUnit(), u) {
		t.Fatalf("retry = %v, %v; want the first result", again.GetUnit(), err)
	}
	// Without a unit_id the server names the unit; the retry still finds the first one.
	noID := &forcesv1.CreateUnitRequest{Parent: ia, Unit: battalion(brigade), RequestId: "create-2"}
	a, err := c.CreateUnit(ctx, noID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.CreateUnit(ctx, noID)
	if err != nil || b.GetUnit().GetName() != a.GetUnit().GetName() {
		t.Fatalf("retry without unit_id = %v, %v; want %s", b.GetUnit().GetName(), err, a.GetUnit().GetName())
	}
	changed := proto.Clone(req).(*forcesv1.CreateUnitRequest)
	changed.Unit.SymbolCode = "SFGPUCI----D---"
	_, err = c.CreateUnit(ctx, changed)
	wantFailure(t, "same request_id, other request", err, failure{codes.InvalidArgument, "REQUEST_ID_REUSED", []string{"request_id"}})
	_, err = c.CreateUnit(ctx, &forcesv1.CreateUnitRequest{Parent: ia, UnitId: "first-battalion", Unit: battalion(brigade)})
	wantFailure(t, "taken id", err, failure{code: codes.AlreadyExists})
	got, err := c.GetUnit(ctx, &forcesv1.GetUnitRequest{Name: u.GetName()})
	if err != nil || !proto.Equal(got.GetUnit(), u) {
		t.Fatalf("GetUnit = %v, %v; want %v", got.GetUnit(), err, u)
	}
}

func TestCreateUnitValidation(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	with := func(f func(u *forcesv1.Unit)) *forcesv1.Unit {
		u := battalion(brigade)
		f(u)
		return u
	}
	tests := []struct {
		name string
		req  *forcesv1.CreateUnitRequest
		want failure
	}{
		{"everything wrong at once", &forcesv1.CreateUnitRequest{Parent: "army", UnitId: "X", RequestId: "no spaces allowed",
			Unit: &forcesv1.Unit{Echelon: 99, ParentUnit: "nineveh", Commander: "forces/iraqi-army/units/joint-operations-command",
				HomeBase: point(91, 0), Strength: &forcesv1.UnitStrength{Authorized: -1}, Readiness: 7, SymbolCode: "abc"}},
			failure{codes.InvalidArgument, "INVALID_ARGUMENT", []string{"parent", "unit_id", "request_id", "unit.display_name",
				"unit.echelon", "unit.parent_unit", "unit.commander", "unit.home_base.point.latitude", "unit.strength.authorized",
				"unit.readiness", "unit.symbol_code"}}},
		{"no unit", &forcesv1.CreateUnitRequest{Parent: ia}, failure{codes.InvalidArgument, "", []string{"unit"}}},
		{"no echelon", &forcesv1.CreateUnitRequest{Parent: ia, Unit: with(func(u *forcesv1.Unit) { u.Echelon = 0 })},
			failure{codes.InvalidArgument, "", []string{"unit.echelon"}}},
		{"all forces is no parent to create in", &forcesv1.CreateUnitRequest{Parent: "forces/-", Unit: battalion("")},
			failure{codes.InvalidArgument, "", []string{"parent"}}},
		{"unknown force", &forcesv1.CreateUnitRequest{Parent: "forces/no-such-force", Unit: battalion("")},
			failure{code: codes.NotFound}},
		{"cross-force parent", &forcesv1.CreateUnitRequest{Parent: pm, Unit: battalion(nineveh)},
			failure{codes.InvalidArgument, "CROSS_FORCE_PARENT", []string{"unit.parent_unit"}}},
		{"missing parent", &forcesv1.CreateUnitRequest{Parent: ia, Unit: battalion(ia + "/units/no-such-unit")},
			failure{codes.InvalidArgument, "PARENT_NOT_FOUND", []string{"unit.parent_unit"}}},
		{"cross-force commander", &forcesv1.CreateUnitRequest{Parent: ia, Unit: with(func(u *forcesv1.Unit) { u.Commander = jamal })},
			failure{codes.InvalidArgument, "CROSS_FORCE_REFERENCE", []string{"unit.commander"}}},
		{"missing commander", &forcesv1.CreateUnitRequest{Parent: ia, Unit: with(func(u *forcesv1.Unit) { u.Commander = ia + "/people/nobody-known" })},
			failure{codes.InvalidArgument, "REFERENCE_NOT_FOUND", []string{"unit.commander"}}},
		{"degraded without a reason", &forcesv1.CreateUnitRequest{Parent: ia, Unit: with(func(u *forcesv1.Unit) { u.Readiness = forcesv1.Readiness_READINESS_DEGRADED })},
			failure{codes.InvalidArgument, "READINESS_REASON_REQUIRED", []string{"unit.readiness_reason"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreateUnit(ctx, tt.req)
			wantFailure(t, tt.name, err, tt.want)
		})
	}
	// Nothing was stored by any refused call.
	list, err := c.ListUnits(ctx, &forcesv1.ListUnitsRequest{Parent: "forces/-", Filter: "echelon = ECHELON_BATTALION"})
	if err != nil || len(list.GetUnits()) != 0 {
		t.Fatalf("battalions after refused creates: %v (err %v), want none", list.GetUnits(), err)
	}
}

func TestHierarchyRulesOnUpdate(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	reparent := func(unit, parent string) error {
		_, err := c.UpdateUnit(ctx, &forcesv1.UpdateUnitRequest{
			Unit: &forcesv1.Unit{Name: unit, ParentUnit: parent}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"parent_unit"}}})
		return err
	}
	tests := []struct {
		name         string
		unit, parent string
		want         failure // zero code: allowed
	}{
		{"under its own child", nineveh, brigade, failure{codes.InvalidArgument, "HIERARCHY_CYCLE", []string{"unit.parent_unit"}}},
		{"under its grandchild", joc, brigade, failure{codes.InvalidArgument, "HIERARCHY_CYCLE", []string{"unit.parent_unit"}}},
		{"under itself", joc, joc, failure{codes.InvalidArgument, "HIERARCHY_CYCLE", []string{"unit.parent_unit"}}},
		{"under the other force", brigade, general, failure{codes.InvalidArgument, "CROSS_FORCE_PARENT", []string{"unit.parent_unit"}}},
		{"under a missing unit", brigade, ia + "/units/no-such-unit", failure{codes.InvalidArgument, "PARENT_NOT_FOUND", []string{"unit.parent_unit"}}},
		{"sideways", brigade, westNin, failure{}},
		{"to the top", garmiyan, "", failure{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := c.GetUnit(ctx, &forcesv1.GetUnitRequest{Name: tt.unit})
			err := reparent(tt.unit, tt.parent)
			after, _ := c.GetUnit(ctx, &forcesv1.GetUnitRequest{Name: tt.unit})
			if tt.want.code == codes.OK {
				if err != nil || after.GetUnit().GetParentUnit() != tt.parent {
					t.Fatalf("err %v, parent %q; want moved under %q", err, after.GetUnit().GetParentUnit(), tt.parent)
				}
				return
			}
			wantFailure(t, tt.name, err, tt.want)
			if after.GetUnit().GetEtag() != before.GetUnit().GetEtag() {
				t.Fatal("a refused update changed the unit")
			}
		})
	}
}

func TestUpdateUnitMaskAndEtag(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	got, err := c.GetUnit(ctx, &forcesv1.GetUnitRequest{Name: garmiyan})
	if err != nil {
		t.Fatal(err)
	}
	stale := got.GetUnit().GetEtag()
	up, err := c.UpdateUnit(ctx, &forcesv1.UpdateUnitRequest{
		Unit: &forcesv1.Unit{Name: garmiyan, Etag: stale, Readiness: forcesv1.Readiness_READINESS_DEGRADED,
			ReadinessReason: "half the vehicles under repair", DisplayName: en("ignored: not in the mask")},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"readiness", "readiness_reason"}}, RequestId: "update-1"})
	if err != nil {
		t.Fatal(err)
	}
	u := up.GetUnit()
	if u.GetReadiness() != forcesv1.Readiness_READINESS_DEGRADED || u.GetReadinessReason() != "half the vehicles under repair" ||
		u.GetDisplayName().GetEnglish() != "Garmiyan Front" || u.GetEtag() == stale || u.GetParentUnit() != general {
		t.Fatalf("updated unit = %v", u)
	}
	_, err = c.UpdateUnit(ctx, &forcesv1.UpdateUnitRequest{
		Unit: &forcesv1.Unit{Name: garmiyan, Etag: stale, SymbolCode: "SFGPUCI----D---"}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"symbol_code"}}})
	wantFailure(t, "stale etag", err, failure{codes.Aborted, "ETAG_MISMATCH", nil})
	again, err := c.UpdateUnit(ctx, &forcesv1.UpdateUnitRequest{
		Unit: &forcesv1.Unit{Name: garmiyan, Etag: stale, Readiness: forcesv1.Readiness_READINESS_DEGRADED,
			ReadinessReason: "half the vehicles under repair", DisplayName: en("ignored: not in the mask")},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"readiness", "readiness_reason"}}, RequestId: "update-1"})
	if err != nil || again.GetUnit().GetEtag() != u.GetEtag() {
		t.Fatalf("retry = %v, %v; want the first result", again.GetUnit(), err)
	}
	tests := []struct {
		name string
		req  *forcesv1.UpdateUnitRequest
		want failure
	}{
		{"no mask", &forcesv1.UpdateUnitRequest{Unit: &forcesv1.Unit{Name: garmiyan}}, failure{codes.InvalidArgument, "", []string{"update_mask"}}},
		{"output-only and unknown paths", &forcesv1.UpdateUnitRequest{Unit: &forcesv1.Unit{Name: garmiyan},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"last_position", "force", "readiness"}}},
			failure{codes.InvalidArgument, "", []string{"update_mask.paths[0]", "update_mask.paths[1]"}}},
		{"bad value in the mask", &forcesv1.UpdateUnitRequest{Unit: &forcesv1.Unit{Name: garmiyan, Echelon: 0},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"echelon"}}}, failure{codes.InvalidArgument, "", []string{"unit.echelon"}}},
		{"unavailable without reason", &forcesv1.UpdateUnitRequest{Unit: &forcesv1.Unit{Name: garmiyan, Readiness: forcesv1.Readiness_READINESS_UNAVAILABLE},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"readiness", "readiness_reason"}}},
			failure{codes.InvalidArgument, "READINESS_REASON_REQUIRED", []string{"unit.readiness_reason"}}},
		{"missing unit", &forcesv1.UpdateUnitRequest{Unit: &forcesv1.Unit{Name: pm + "/units/no-such-unit"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"readiness"}}}, failure{code: codes.NotFound}},
	}
	for _, tt := range tests {
		_, err := c.UpdateUnit(ctx, tt.req)
		wantFailure(t, tt.name, err, tt.want)
	}
}

// A unit is deleted only once nothing names it: no sub-unit, no person serving in it, no
// TAK device reporting for it, no area of responsibility (areas are never deleted, so a
// unit that has one is kept, as the Makhmour sector brigade is).
func TestDeleteUnit(t *testing.T) {
	ctx := context.Background()
	conn := newConn(t)
	c := forcesv1.NewForcesServiceClient(conn)
	del := func(name, etag, requestID string) error {
		_, err := c.DeleteUnit(ctx, &forcesv1.DeleteUnitRequest{Name: name, Etag: etag, RequestId: requestID})
		return err
	}
	wantFailure(t, "unit with sub-units", del(joc, "", ""), failure{codes.FailedPrecondition, "UNIT_HAS_CHILDREN", nil})
	wantFailure(t, "missing unit", del(pm+"/units/no-such-unit", "", ""), failure{code: codes.NotFound})
	wantFailure(t, "unit people serve in", del(makhmour, "", ""), failure{codes.FailedPrecondition, "UNIT_HAS_MEMBERS", nil})
	wantFailure(t, "unit with an area of responsibility", del(brigade, "", ""), failure{codes.FailedPrecondition, "UNIT_HAS_AREAS", nil})

	spare, err := c.CreateUnit(ctx, &forcesv1.CreateUnitRequest{Parent: ia, UnitId: "spare-battalion", Unit: battalion(brigade)})
	if err != nil {
		t.Fatal(err)
	}
	leaf := spare.GetUnit().GetName()
	binding, err := c.CreateTakBinding(ctx, &forcesv1.CreateTakBindingRequest{Parent: ia, TakBindingId: "spare-radio",
		TakBinding: &forcesv1.TakBinding{Unit: leaf, DeviceUid: "ANDROID-spare"}})
	if err != nil {
		t.Fatal(err)
	}
	wantFailure(t, "unit a TAK device reports for", del(leaf, "", ""), failure{codes.FailedPrecondition, "UNIT_HAS_TAK_BINDINGS", nil})
	if _, err := c.DeleteTakBinding(ctx, &forcesv1.DeleteTakBindingRequest{Name: binding.GetTakBinding().GetName()}); err != nil {
		t.Fatal(err)
	}
	wantFailure(t, "stale etag", del(leaf, "stale", ""), failure{codes.Aborted, "ETAG_MISMATCH", nil})
	if err := del(leaf, "", "delete-1"); err != nil {
		t.Fatalf("delete a leaf: %v", err)
	}
	if err := del(leaf, "", "delete-1"); err != nil {
		t.Fatalf("retry of the delete: %v, want success again", err)
	}
	wantFailure(t, "delete again, new request", del(leaf, "", "delete-2"), failure{code: codes.NotFound})
	_, err = c.GetUnit(ctx, &forcesv1.GetUnitRequest{Name: leaf})
	wantFailure(t, "get a deleted unit", err, failure{code: codes.NotFound})

	// A unit's areas hold it too once ended: an ended area is its history.
	areas := forcesv1.NewAreaServiceClient(conn)
	drawn, err := c.CreateUnit(ctx, &forcesv1.CreateUnitRequest{Parent: ia, UnitId: "drawn-battalion", Unit: battalion(brigade)})
	if err != nil {
		t.Fatal(err)
	}
	area, err := areas.CreateArea(ctx, &forcesv1.CreateAreaRequest{Parent: drawn.GetUnit().GetName(), AreaId: "checkpoint",
		Area: &forcesv1.Area{Geometry: &forcesv1.Area_Polygon{Polygon: square(35.9, 43.4, 0.05)}, StartTime: ts(2021, 6, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := areas.EndArea(ctx, &forcesv1.EndAreaRequest{Name: area.GetArea().GetName(), EndTime: ts(2021, 7, 1)}); err != nil {
		t.Fatal(err)
	}
	err = del(drawn.GetUnit().GetName(), "", "")
	wantFailure(t, "unit whose area ended", err, failure{codes.FailedPrecondition, "UNIT_HAS_AREAS", nil})
	if info := errorInfo(err); info["referenced_by"] != area.GetArea().GetName() {
		t.Errorf("refusal names %q, want the area %s", info["referenced_by"], area.GetArea().GetName())
	}
}

func TestListUnitsPagesAndFilters(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	walk := func(parent, filter string, size int32) ([]string, error) {
		var names []string
		token := ""
		for pages := 0; pages < 20; pages++ {
			resp, err := c.ListUnits(ctx, &forcesv1.ListUnitsRequest{Parent: parent, Filter: filter, PageSize: size, PageToken: token})
			if err != nil {
				return nil, err
			}
			if len(resp.GetUnits()) > int(size) {
				return nil, fmt.Errorf("page of %d, asked for %d", len(resp.GetUnits()), size)
			}
			for _, u := range resp.GetUnits() {
				names = append(names, u.GetName())
			}
			if token = resp.GetNextPageToken(); token == "" {
				return names, nil
			}
		}
		return nil, fmt.Errorf("more than 20 pages")
	}
	tests := []struct {
		name, parent, filter string
		want                 []string
	}{
		{"every force", "forces/-", "", []string{joc, brigade, nineveh, westNin, garmiyan, general, makhmour, ministry}},
		{"the Peshmerga", pm, "", []string{garmiyan, general, makhmour, ministry}},
		{"the JOC's commands", ia, `parent_unit = "` + joc + `"`, []string{nineveh, westNin}},
		{"tops of the hierarchies", "forces/-", `parent_unit = ""`, []string{joc, ministry}},
		{"regions", "forces/-", "echelon = ECHELON_REGION", []string{nineveh, westNin}},
		{"degraded", "forces/-", "readiness = READINESS_DEGRADED", []string{makhmour}},
		{"last seen near Qarachogh", "forces/-",
			"last_position.latitude >= 35.7 AND last_position.latitude <= 36 AND last_position.longitude >= 43.5 AND last_position.longitude <= 43.8",
			[]string{makhmour}},
		{"none match", pm, "echelon = ECHELON_TEAM", nil},
	}
	for _, tt := range tests {
		for _, size := range []int32{1, 3, 500} {
			got, err := walk(tt.parent, tt.filter, size)
			if err != nil || fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("%s, pages of %d: got %v (err %v), want %v", tt.name, size, got, err, tt.want)
			}
		}
	}

	first, err := c.ListUnits(ctx, &forcesv1.ListUnitsRequest{Parent: ia, PageSize: 1})
	if err != nil || first.GetNextPageToken() == "" {
		t.Fatalf("first page: %v, %v", first, err)
	}
	bad := []struct {
		name string
		req  *forcesv1.ListUnitsRequest
		want failure
	}{
		{"token of another query", &forcesv1.ListUnitsRequest{Parent: pm, PageToken: first.GetNextPageToken()},
			failure{codes.InvalidArgument, "", []string{"page_token"}}},
		{"tampered token", &forcesv1.ListUnitsRequest{Parent: ia, PageToken: first.GetNextPageToken() + "x"},
			failure{codes.InvalidArgument, "", []string{"page_token"}}},
		{"unknown filter field", &forcesv1.ListUnitsRequest{Parent: ia, Filter: "commander = x"},
			failure{codes.InvalidArgument, "", []string{"filter"}}},
		{"unknown echelon", &forcesv1.ListUnitsRequest{Parent: ia, Filter: "echelon = BIG"},
			failure{codes.InvalidArgument, "", []string{"filter"}}},
		{"bad parent and page size", &forcesv1.ListUnitsRequest{Parent: "peshmerga", PageSize: -1},
			failure{codes.InvalidArgument, "", []string{"parent", "page_size"}}},
		{"unknown force", &forcesv1.ListUnitsRequest{Parent: "forces/no-such-force"}, failure{code: codes.NotFound}},
	}
	for _, tt := range bad {
		_, err := c.ListUnits(ctx, tt.req)
		wantFailure(t, tt.name, err, tt.want)
	}
}
