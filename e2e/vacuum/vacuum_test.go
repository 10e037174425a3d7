// Package vacuum proves the security vacuum end to end, on a system of its own (the
// e2e package's founding scenario deploys over the whole of Makhmour, which would close
// the vacuum this package measures).
package vacuum

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/peterstace/simplefeatures/geom"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/e2e/harness"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/shape"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

var env *harness.Env

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "tansiq-e2e-vacuum-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if env, err = harness.Start(ctx, dir, nil); err != nil {
		fmt.Fprintln(os.Stderr, "start the system:", err)
		return 1
	}
	defer env.Close()
	return m.Run()
}

const (
	makhmour  = "zones/makhmour"
	khidrJija = "incidents/khidr-jija-attack-2021-12-02"
	liheban   = "incidents/liheban-attack-2021-12-02"
)

func utc(y int, m time.Month, d int) *timestamppb.Timestamp {
	return timestamppb.New(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// inside reports whether the GeoJSON geometry contains the point.
func inside(t *testing.T, gj string, lat, lng float64) bool {
	t.Helper()
	g, err := shape.Parse(gj)
	if err != nil {
		t.Fatalf("vacuum GeoJSON %q: %v", gj, err)
	}
	return geom.Intersects(geom.XY{X: lng, Y: lat}.AsPoint().AsGeometry(), g)
}

func names(incs []*gatewayv1.IncidentSummary) []string {
	var out []string
	for _, i := range incs {
		out = append(out, i.GetName())
	}
	return out
}

// qarachoghTaskForce is the joint task force's area: the middle of the Qarachogh strip
// between the two forces' seed areas, 9 km wide, from Gwer's side to Makhmour's.
func qarachoghTaskForce() *typev1.Polygon {
	r := &typev1.LinearRing{}
	for _, p := range [][2]float64{{35.7398, 43.8539}, {36.0248, 43.4739}, {35.9652, 43.4061}, {35.6802, 43.7861}, {35.7398, 43.8539}} {
		r.Points = append(r.Points, &typev1.LatLng{Latitude: p[0], Longitude: p[1]})
	}
	return &typev1.Polygon{Exterior: r}
}

// December 2021: Makhmour's vacuum holds Khidr Jija and Liheban, threat is high; once
// the joint task force's area is acknowledged the vacuum shrinks by what it was reported
// to close, and an attack there afterwards is covered.
func TestMakhmourVacuumAndTheJointTaskForce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	pesh := env.Conn("gateway", env.Token("e2e-operator", harness.Peshmerga, auth.RoleOperator))
	iraq := env.Conn("gateway", env.Token("e2e-operator", harness.IraqiArmy, auth.RoleOperator))
	defer pesh.Close()
	defer iraq.Close()
	cov := gatewayv1.NewCoverageServiceClient(pesh)
	december := &gatewayv1.GetSecurityVacuumRequest{Zone: makhmour, StartTime: utc(2021, 12, 1), EndTime: utc(2022, 1, 1)}

	var vac *gatewayv1.SecurityVacuum
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := cov.GetSecurityVacuum(ctx, december)
		if err == nil && len(resp.GetVacuum().GetVacuumIncidents()) >= 2 {
			vac = resp.GetVacuum()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Makhmour's vacuum never showed the seed's attacks: %v, %v", resp, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got := names(vac.GetVacuumIncidents()); !slices.Contains(got, khidrJija) || !slices.Contains(got, liheban) {
		t.Errorf("December's vacuum incidents = %v, want Khidr Jija and Liheban", got)
	}
	if !inside(t, vac.GetGeojson(), 35.83, 43.62) || !inside(t, vac.GetGeojson(), 35.86, 43.66) {
		t.Error("Khidr Jija and Liheban are not inside the vacuum's GeoJSON")
	}
	if inside(t, vac.GetGeojson(), 35.7756, 43.5794) {
		t.Error("Makhmour town, in the sector brigade's area, is inside the vacuum")
	}
	if vac.GetThreatLevel() < gatewayv1.ThreatLevel_THREAT_LEVEL_HIGH {
		t.Errorf("threat as of the window's end = %v (%s), want high or extreme", vac.GetThreatLevel(), vac.GetThreatReason())
	}
	if len(vac.GetCoveringAreas()) != 2 || vac.GetVacuumAreaKm2() <= 0 || vac.GetVacuumAreaKm2() >= vac.GetZoneAreaKm2()/2 {
		t.Errorf("covering %v, vacuum %.1f km2 of the zone's %.1f", vac.GetCoveringAreas(), vac.GetVacuumAreaKm2(), vac.GetZoneAreaKm2())
	}
	gaps, err := cov.ListCoverageGaps(ctx, &gatewayv1.ListCoverageGapsRequest{StartTime: december.StartTime, EndTime: december.EndTime})
	if err != nil {
		t.Fatal(err)
	}
	if len(gaps.GetCoverageGaps()) == 0 || gaps.GetCoverageGaps()[0].GetZone() != makhmour ||
		gaps.GetCoverageGaps()[0].GetThreatLevel() < gatewayv1.ThreatLevel_THREAT_LEVEL_HIGH {
		t.Errorf("December's gaps = %v, want Makhmour first, high or extreme", gaps.GetCoverageGaps())
	}

	// The Peshmerga propose the joint task force for the strip, from 13 December 2021
	// (a week after the Makhmour meeting of the JOC and the Peshmerga chief of staff).
	start := timestamppb.New(time.Date(2021, 12, 13, 0, 0, 0, 0, time.FixedZone("AST", 3*3600)))
	_, err = gatewayv1.NewDeploymentServiceClient(pesh).ProposeDeployment(ctx, &gatewayv1.ProposeDeploymentRequest{
		DeploymentId: "qarachogh-task-force-area", RequestId: "vacuum-propose-0",
		Deployment: &gatewayv1.Deployment{Zone: makhmour, LeadForce: harness.Peshmerga, StartTime: start,
			Units: []string{"forces/peshmerga/units/makhmour-front", "forces/iraqi-army/units/makhmour-sector-brigade"},
			Area:  &gatewayv1.DeploymentArea{Shape: &gatewayv1.DeploymentArea_RadiusMeters{RadiusMeters: 5000}}}})
	wantField(t, "a circle without a command post", err, "deployment.area.radius_meters")
	proposed, err := gatewayv1.NewDeploymentServiceClient(pesh).ProposeDeployment(ctx, &gatewayv1.ProposeDeploymentRequest{
		DeploymentId: "qarachogh-task-force-area", RequestId: "vacuum-propose-1",
		Deployment: &gatewayv1.Deployment{Zone: makhmour, LeadForce: harness.Peshmerga, StartTime: start,
			Title: "Joint task force Qarachogh",
			Units: []string{"forces/peshmerga/units/makhmour-front", "forces/iraqi-army/units/makhmour-sector-brigade"},
			Area:  &gatewayv1.DeploymentArea{Shape: &gatewayv1.DeploymentArea_Polygon{Polygon: qarachoghTaskForce()}}}})
	if err != nil {
		t.Fatal(err)
	}
	if proposed.GetDeployment().GetArea().GetAreaKm2() <= 0 {
		t.Errorf("proposed area = %v", proposed.GetDeployment().GetArea())
	}
	resp, err := cov.GetSecurityVacuum(ctx, december)
	if err != nil {
		t.Fatal(err)
	}
	before := resp.GetVacuum()
	if len(before.GetProposedClosures()) != 1 {
		t.Fatalf("proposed closures = %v", before.GetProposedClosures())
	}
	closure := before.GetProposedClosures()[0]
	if closure.GetClosedAreaKm2() < before.GetVacuumAreaKm2()/2 {
		t.Errorf("the task force would close %.1f of %.1f km2, want most of it", closure.GetClosedAreaKm2(), before.GetVacuumAreaKm2())
	}

	// The Iraqi army acknowledges: the vacuum shrinks by the reported area.
	if _, err := gatewayv1.NewDeploymentServiceClient(iraq).AcknowledgeDeployment(ctx, &gatewayv1.AcknowledgeDeploymentRequest{
		Name: proposed.GetDeployment().GetName(), RequestId: "vacuum-ack-1"}); err != nil {
		t.Fatal(err)
	}
	resp, err = cov.GetSecurityVacuum(ctx, december)
	if err != nil {
		t.Fatal(err)
	}
	after := resp.GetVacuum()
	if math.Abs(after.GetVacuumAreaKm2()-closure.GetRemainingAreaKm2()) > 0.01 {
		t.Errorf("vacuum after the acknowledgement = %.3f km2, want the %.3f reported", after.GetVacuumAreaKm2(), closure.GetRemainingAreaKm2())
	}
	if inside(t, after.GetGeojson(), 35.83, 43.62) || inside(t, after.GetGeojson(), 35.86, 43.66) {
		t.Error("Khidr Jija or Liheban still inside the vacuum of 1 January 2022")
	}
	// Judged at their own time, before the task force, the attacks stay in December's list.
	if got := names(after.GetVacuumIncidents()); !slices.Contains(got, khidrJija) {
		t.Errorf("December's vacuum incidents after the acknowledgement = %v", got)
	}

	// A later attack at Khidr Jija falls in the task force's area: covered, not a gap.
	_, err = incidentv1.NewIncidentServiceClient(pesh).CreateIncident(ctx, &incidentv1.CreateIncidentRequest{RequestId: "vacuum-later-attack",
		Incident: &incidentv1.Incident{Kind: incidentv1.IncidentKind_INCIDENT_KIND_ARMED_ATTACK, Title: "Attack repelled at Khidr Jija",
			OccurTime: timestamppb.New(time.Date(2022, 1, 5, 19, 0, 0, 0, time.UTC)),
			Place:     &typev1.Place{Mgrs: "38SLE7535365972", Precision: typev1.GeoPrecision_GEO_PRECISION_EXACT},
			District:  "Makhmour", Governorates: []string{"Erbil", "Nineveh"}, ReportingForce: harness.Peshmerga,
			Casualties: &incidentv1.Casualties{Counts: []*incidentv1.CasualtyCount{{Sides: []incidentv1.CasualtySide{incidentv1.CasualtySide_CASUALTY_SIDE_PESHMERGA}, Wounded: 1}}}}})
	if err != nil {
		t.Fatal(err)
	}
	january := &gatewayv1.GetSecurityVacuumRequest{Zone: makhmour, StartTime: utc(2022, 1, 1), EndTime: utc(2022, 2, 1)}
	deadline = time.Now().Add(time.Minute)
	for {
		resp, err := cov.GetSecurityVacuum(ctx, january)
		if err != nil {
			t.Fatal(err)
		}
		if resp.GetVacuum().GetCoveredIncidentCount() == 1 {
			if n := len(resp.GetVacuum().GetVacuumIncidents()); n != 0 {
				t.Errorf("January's vacuum incidents = %v, want none", names(resp.GetVacuum().GetVacuumIncidents()))
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the January attack was never counted as covered: %v", resp.GetVacuum())
		}
		time.Sleep(200 * time.Millisecond)
	}

	// Bad input is refused with field violations.
	_, err = cov.GetSecurityVacuum(ctx, &gatewayv1.GetSecurityVacuumRequest{Zone: makhmour, StartTime: utc(2020, 1, 1), EndTime: utc(2022, 1, 1)})
	wantField(t, "a window of two years", err, "end_time")
	_, err = cov.GetSecurityVacuum(ctx, &gatewayv1.GetSecurityVacuumRequest{Zone: "makhmour"})
	wantField(t, "a zone without its collection", err, "zone")
	if _, err = cov.GetSecurityVacuum(ctx, &gatewayv1.GetSecurityVacuumRequest{Zone: "zones/atlantis"}); status.Code(err) != codes.NotFound {
		t.Errorf("unknown zone: %v, want NOT_FOUND", err)
	}
}

// wantField fails the test unless err is INVALID_ARGUMENT naming field.
func wantField(t *testing.T, what string, err error, field string) {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != codes.InvalidArgument {
		t.Fatalf("%s: %v, want INVALID_ARGUMENT", what, err)
	}
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				if v.GetField() == field {
					return
				}
			}
		}
	}
	t.Errorf("%s: %v, want a violation of %s", what, err, field)
}
