package e2e

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/e2e/harness"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/store"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

func qarachogh(lat float64) *typev1.Place {
	return &typev1.Place{Point: &typev1.LatLng{Latitude: lat, Longitude: 43.65}, Precision: typev1.GeoPrecision_GEO_PRECISION_NEAR}
}

// TestForcesThroughGateway walks both hierarchies, reports positions out of order and
// gets clear errors for a cycle, a cross-force parent, a stale etag and a missing name.
func TestForcesThroughGateway(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn := env.Conn("gateway", env.Token("e2e-operator", harness.Peshmerga, auth.RoleOperator))
	defer conn.Close()
	forces := forcesv1.NewForcesServiceClient(conn)

	list, err := forces.ListForces(ctx, &forcesv1.ListForcesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range list.GetForces() {
		names = append(names, f.GetName())
	}
	if !contains(names, harness.Peshmerga) || !contains(names, harness.IraqiArmy) {
		t.Fatalf("forces = %v", names)
	}
	units, err := forces.ListUnits(ctx, &forcesv1.ListUnitsRequest{Parent: harness.IraqiArmy,
		Filter: `parent_unit = "forces/iraqi-army/units/joint-operations-command"`})
	if err != nil {
		t.Fatal(err)
	}
	var children []string
	for _, u := range units.GetUnits() {
		children = append(children, u.GetName())
	}
	if !contains(children, "forces/iraqi-army/units/nineveh-operations-command") ||
		!contains(children, "forces/iraqi-army/units/west-nineveh-operations-command") {
		t.Fatalf("JOC's children = %v", children)
	}

	// A newer report moves the unit; an older one joins the history only.
	now := time.Now().UTC().Truncate(time.Second)
	moved, err := forces.ReportUnitPosition(ctx, &forcesv1.ReportUnitPositionRequest{Name: makhmourFront,
		Position: &forcesv1.UnitPosition{Place: qarachogh(35.86), ReportTime: timestamppb.New(now)}})
	if err != nil || !moved.GetMoved() {
		t.Fatalf("newer report: moved=%v err=%v", moved.GetMoved(), err)
	}
	late, err := forces.ReportUnitPosition(ctx, &forcesv1.ReportUnitPositionRequest{Name: makhmourFront,
		Position: &forcesv1.UnitPosition{Place: qarachogh(35.70), ReportTime: timestamppb.New(now.Add(-time.Hour))}})
	if err != nil || late.GetMoved() || late.GetUnit().GetLastPosition().GetPlace().GetPoint().GetLatitude() != 35.86 {
		t.Fatalf("older report moved the unit: %v, %v", late, err)
	}

	// A cycle: the general command under its own Makhmour front.
	general, err := forces.GetUnit(ctx, &forcesv1.GetUnitRequest{Name: "forces/peshmerga/units/general-command"})
	if err != nil {
		t.Fatal(err)
	}
	u := general.GetUnit()
	u.ParentUnit = makhmourFront
	_, err = forces.UpdateUnit(ctx, &forcesv1.UpdateUnitRequest{Unit: u, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"parent_unit"}}})
	if fields, _ := wantCode(t, err, codes.InvalidArgument); !contains(fields, "unit.parent_unit") {
		t.Errorf("cycle violations = %v", fields)
	}
	u.ParentUnit = "forces/iraqi-army/units/joint-operations-command"
	_, err = forces.UpdateUnit(ctx, &forcesv1.UpdateUnitRequest{Unit: u, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"parent_unit"}}})
	if fields, _ := wantCode(t, err, codes.InvalidArgument); !contains(fields, "unit.parent_unit") {
		t.Errorf("cross-force violations = %v", fields)
	}
	u.ParentUnit = general.GetUnit().GetParentUnit()
	u.Etag = "stale"
	_, err = forces.UpdateUnit(ctx, &forcesv1.UpdateUnitRequest{Unit: u, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"readiness_reason"}}})
	wantCode(t, err, codes.Aborted)

	batch, err := forces.BatchGetUnits(ctx, &forcesv1.BatchGetUnitsRequest{Names: []string{makhmourFront, makhmourBrigade, "forces/peshmerga/units/no-such-unit"}})
	if err != nil || len(batch.GetUnits()) != 2 || !contains(batch.GetMissingNames(), "forces/peshmerga/units/no-such-unit") {
		t.Fatalf("batch get = %v, %v", batch, err)
	}
}

// TestMeetingThroughGateway records a meeting with both forces, refuses a bad attendee,
// and makes a decision binding only once each force has acknowledged it with its own token.
func TestMeetingThroughGateway(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	peshConn := env.Conn("gateway", env.Token("e2e-operator", harness.Peshmerga, auth.RoleOperator))
	iraqConn := env.Conn("gateway", env.Token("e2e-operator", harness.IraqiArmy, auth.RoleOperator))
	defer peshConn.Close()
	defer iraqConn.Close()
	pesh, iraq := meetingv1.NewMeetingServiceClient(peshConn), meetingv1.NewMeetingServiceClient(iraqConn)

	meeting := &meetingv1.Meeting{
		Title: "Makhmour follow-up coordination", Level: meetingv1.MeetingLevel_MEETING_LEVEL_COMMAND,
		Place: &typev1.Place{Point: &typev1.LatLng{Latitude: 35.7756, Longitude: 43.5794}}, HostForce: harness.IraqiArmy,
		StartTime: timestamppb.New(time.Date(2021, 12, 20, 9, 0, 0, 0, time.UTC)),
		Attendees: []*meetingv1.Attendee{
			{Person: "forces/iraqi-army/people/abdul-amir-al-shammari", Force: harness.IraqiArmy, Role: "JOC deputy commander"},
			{Person: "forces/peshmerga/people/jamal-mohammed-omar", Force: harness.Peshmerga, Role: "Peshmerga chief of staff"},
			{Person: "forces/peshmerga/people/nobody-at-all", Force: harness.Peshmerga},
		},
	}
	_, err := iraq.CreateMeeting(ctx, &meetingv1.CreateMeetingRequest{Meeting: meeting})
	if fields, _ := wantCode(t, err, codes.InvalidArgument); !contains(fields, "meeting.attendees[2].person") {
		t.Fatalf("bad attendee violations = %v", fields)
	}
	meeting.Attendees = meeting.Attendees[:2]
	created, err := iraq.CreateMeeting(ctx, &meetingv1.CreateMeetingRequest{Meeting: meeting, RequestId: "e2e-meeting-" + store.NewID()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := iraq.HoldMeeting(ctx, &meetingv1.HoldMeetingRequest{Name: created.GetMeeting().GetName()}); err != nil {
		t.Fatal(err)
	}
	dec, err := iraq.CreateDecision(ctx, &meetingv1.CreateDecisionRequest{Parent: created.GetMeeting().GetName(), RequestId: "e2e-decision-" + store.NewID(),
		Decision: &meetingv1.Decision{Text: "Deploy a joint task force at Qarachogh", Kind: meetingv1.DecisionKind_DECISION_KIND_JOINT_DEPLOYMENT,
			Zones: []string{"zones/makhmour"}, Units: []string{makhmourFront, makhmourBrigade}}})
	if err != nil {
		t.Fatal(err)
	}
	name := dec.GetDecision().GetName()
	first, err := iraq.AcknowledgeDecision(ctx, &meetingv1.AcknowledgeDecisionRequest{Name: name})
	if err != nil || first.GetDecision().GetBinding() {
		t.Fatalf("after one force: binding=%v err=%v", first.GetDecision().GetBinding(), err)
	}
	second, err := pesh.AcknowledgeDecision(ctx, &meetingv1.AcknowledgeDecisionRequest{Name: name})
	if err != nil || !second.GetDecision().GetBinding() {
		t.Fatalf("after both forces: binding=%v err=%v", second.GetDecision().GetBinding(), err)
	}

	items, err := pesh.ListActionItems(ctx, &meetingv1.ListActionItemsRequest{Parent: "meetings/-/decisions/-",
		Filter: `owner_force = "forces/iraqi-army"`})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items.GetActionItems() {
		if it.GetOwnerForce() != harness.IraqiArmy {
			t.Errorf("filter by owner force returned %s owned by %s", it.GetName(), it.GetOwnerForce())
		}
	}
	if len(items.GetActionItems()) == 0 {
		t.Error("no action items owed by the Iraqi army (the seed has one)")
	}
}
