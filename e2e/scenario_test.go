package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/e2e/harness"
	"github.com/tansiq/tansiq/platform/auth"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

const (
	makhmourFront   = "forces/peshmerga/units/makhmour-front"
	makhmourBrigade = "forces/iraqi-army/units/makhmour-sector-brigade"
	khidrJija       = "incidents/khidr-jija-attack-2021-12-02"
)

var december2021 = &gatewayv1.ListCoverageGapsRequest{
	StartTime: timestamppb.New(time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC)),
	EndTime:   timestamppb.New(time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)),
}

// gapIn returns the zone's gap in December 2021, or nil.
func gapIn(ctx context.Context, t *testing.T, c gatewayv1.CoverageServiceClient, zone string) *gatewayv1.CoverageGap {
	t.Helper()
	resp, err := c.ListCoverageGaps(ctx, december2021)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range resp.GetCoverageGaps() {
		if g.GetZone() == zone {
			return g
		}
	}
	return nil
}

// eventually polls cond until it holds or the time is up.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", within, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestCoverageGapClosesWithAJointDeployment is the founding scenario: the Khidr Jija attack
// leaves Makhmour exposed in December 2021; a joint deployment proposed by the Peshmerga
// and acknowledged by the Iraqi army closes the gap, and the picture stream shows each step.
// It runs once per system (TestMain starts a fresh one): the deployment it makes covers
// December 2021 for good, as a real one would.
func TestCoverageGapClosesWithAJointDeployment(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	peshTok := env.Token("e2e-operator", harness.Peshmerga, auth.RoleOperator)
	iraqTok := env.Token("e2e-operator", harness.IraqiArmy, auth.RoleOperator)
	peshConn, iraqConn := env.Conn("gateway", peshTok), env.Conn("gateway", iraqTok)
	defer peshConn.Close()
	defer iraqConn.Close()
	coverage := gatewayv1.NewCoverageServiceClient(peshConn)
	peshDeploy, iraqDeploy := gatewayv1.NewDeploymentServiceClient(peshConn), gatewayv1.NewDeploymentServiceClient(iraqConn)
	incidents := incidentv1.NewIncidentServiceClient(peshConn)

	// Out of the box, Makhmour is a gap from the Khidr Jija attack.
	var gap *gatewayv1.CoverageGap
	eventually(t, time.Minute, "Makhmour shows as a gap (seed incidents placed)", func() bool {
		gap = gapIn(ctx, t, coverage, "zones/makhmour")
		return gap != nil && contains(gap.GetIncidents(), khidrJija)
	})
	if gap.GetCasualties() < 18 {
		t.Errorf("Makhmour gap casualties = %d, want at least Khidr Jija's 18", gap.GetCasualties())
	}

	// Watch the zone's picture live.
	watch := watchPicture(ctx, t, coverage, "zones/makhmour")

	// Restart the gateway and the incident service in the middle; a new incident reported
	// after that is still placed in its zone.
	for _, name := range []string{"gateway", "incident"} {
		if err := env.Kill(name); err != nil {
			t.Fatal(err)
		}
		if err := env.WaitHealthy(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	watch.stop()
	watch = watchPicture(ctx, t, coverage, "zones/makhmour")
	defer watch.stop()
	var created *incidentv1.CreateIncidentResponse
	var err error
	eventually(t, time.Minute, "report an incident after the restarts", func() bool {
		created, err = incidents.CreateIncident(ctx, &incidentv1.CreateIncidentRequest{RequestId: "e2e-scenario-ied", Incident: &incidentv1.Incident{
			Kind: incidentv1.IncidentKind_INCIDENT_KIND_IED, Title: "IED near Qarachogh",
			OccurTime: timestamppb.New(time.Date(2021, 12, 10, 5, 0, 0, 0, time.UTC)),
			Place:     &typev1.Place{Point: &typev1.LatLng{Latitude: 35.84, Longitude: 43.63}, Precision: typev1.GeoPrecision_GEO_PRECISION_NEAR},
			District:  "Makhmour", Governorates: []string{"Erbil", "Nineveh"}, ReportingForce: harness.Peshmerga,
			Casualties: &incidentv1.Casualties{Counts: []*incidentv1.CasualtyCount{
				{Sides: []incidentv1.CasualtySide{incidentv1.CasualtySide_CASUALTY_SIDE_PESHMERGA}, Wounded: 1}}},
		}})
		return err == nil
	})
	watch.wait(t, created.GetIncident().GetName())
	eventually(t, time.Minute, "the new incident counts in Makhmour's gap", func() bool {
		g := gapIn(ctx, t, coverage, "zones/makhmour")
		return g != nil && contains(g.GetIncidents(), created.GetIncident().GetName())
	})

	// The Peshmerga proposes a joint deployment with a unit of each force.
	proposed, err := peshDeploy.ProposeDeployment(ctx, &gatewayv1.ProposeDeploymentRequest{
		DeploymentId: "e2e-qarachogh-joint-task-force", RequestId: "e2e-propose-1",
		Deployment: &gatewayv1.Deployment{
			Zone: "zones/makhmour", Units: []string{makhmourFront, makhmourBrigade}, LeadForce: harness.Peshmerga,
			StartTime: timestamppb.New(time.Date(2021, 11, 25, 0, 0, 0, 0, time.UTC)),
		}})
	if err != nil {
		t.Fatal(err)
	}
	dep := proposed.GetDeployment()
	if dep.GetState() != gatewayv1.DeploymentState_DEPLOYMENT_STATE_PROPOSED {
		t.Fatalf("proposed deployment state = %v", dep.GetState())
	}
	watch.wait(t, dep.GetName())

	// A unit already booked for an overlapping window is refused, naming the other deployment.
	_, err = peshDeploy.ProposeDeployment(ctx, &gatewayv1.ProposeDeploymentRequest{Deployment: &gatewayv1.Deployment{
		Zone: "zones/kifri", Units: []string{makhmourFront, "forces/iraqi-army/units/nineveh-operations-command"},
		LeadForce: harness.Peshmerga, StartTime: timestamppb.New(time.Date(2021, 12, 5, 0, 0, 0, 0, time.UTC)),
		EndTime: timestamppb.New(time.Date(2021, 12, 20, 0, 0, 0, 0, time.UTC))}})
	if _, reason := wantCode(t, err, codes.FailedPrecondition); reason != "UNIT_DOUBLE_BOOKED" {
		t.Errorf("double booking reason = %q", reason)
	}

	// Still a gap: proposed is not active. The Peshmerga cannot acknowledge for the Iraqi army.
	if gapIn(ctx, t, coverage, "zones/makhmour") == nil {
		t.Fatal("a proposed deployment closed the gap")
	}
	// A Peshmerga token's acknowledgement is the Peshmerga's own, already given: it answers
	// with the deployment unchanged, still waiting for the Iraqi army.
	again, err := peshDeploy.AcknowledgeDeployment(ctx, &gatewayv1.AcknowledgeDeploymentRequest{Name: dep.GetName()})
	if err != nil {
		t.Fatalf("the proposing force acknowledging again: %v, want the deployment unchanged", err)
	}
	if g := again.GetDeployment(); g.GetState() != gatewayv1.DeploymentState_DEPLOYMENT_STATE_PROPOSED || g.GetEtag() != dep.GetEtag() ||
		len(g.GetAcknowledgements()) != 1 || g.GetAcknowledgements()[0].GetForce() != harness.Peshmerga {
		t.Fatalf("the proposing force acknowledging again changed the deployment: %v", g)
	}
	// Only an Iraqi army operator speaks for the Iraqi army: its viewer is denied.
	iraqViewerConn := env.Conn("gateway", env.Token("e2e-viewer", harness.IraqiArmy, auth.RoleViewer))
	defer iraqViewerConn.Close()
	_, err = gatewayv1.NewDeploymentServiceClient(iraqViewerConn).AcknowledgeDeployment(ctx, &gatewayv1.AcknowledgeDeploymentRequest{Name: dep.GetName()})
	wantCode(t, err, codes.PermissionDenied)

	// The Iraqi army acknowledges with its own token: active, and the gap closes.
	acked, err := iraqDeploy.AcknowledgeDeployment(ctx, &gatewayv1.AcknowledgeDeploymentRequest{Name: dep.GetName(), RequestId: "e2e-ack-1"})
	if err != nil {
		t.Fatal(err)
	}
	if acked.GetDeployment().GetState() != gatewayv1.DeploymentState_DEPLOYMENT_STATE_ACTIVE {
		t.Fatalf("after the second force's acknowledgement: %v", acked.GetDeployment().GetState())
	}
	eventually(t, 30*time.Second, "Makhmour's gap closes", func() bool {
		return gapIn(ctx, t, coverage, "zones/makhmour") == nil
	})
	for p := watch.wait(t, dep.GetName()); ; p = watch.wait(t, dep.GetName()) {
		if len(p.GetActiveDeployments()) > 0 {
			break
		}
	}
}

// pictureWatch follows one zone's operational picture.
type pictureWatch struct {
	stop   context.CancelFunc
	events chan *gatewayv1.PictureChange
}

func watchPicture(ctx context.Context, t *testing.T, c gatewayv1.CoverageServiceClient, zone string) *pictureWatch {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	stream, err := c.WatchOperationalPicture(ctx, &gatewayv1.WatchOperationalPictureRequest{
		Zone: zone, StartTime: december2021.StartTime, EndTime: december2021.EndTime})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	w := &pictureWatch{stop: cancel, events: make(chan *gatewayv1.PictureChange, 256)}
	go func() {
		defer close(w.events)
		for {
			ev, err := stream.Recv()
			if err != nil {
				return
			}
			w.events <- ev.GetChange()
		}
	}()
	return w
}

// wait returns the picture of the first change caused by what.
func (w *pictureWatch) wait(t *testing.T, what string) *gatewayv1.ZonePicture {
	t.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case ch, ok := <-w.events:
			if !ok {
				t.Fatalf("picture stream ended waiting for %s", what)
			}
			for _, c := range ch.GetCauses() {
				if strings.Contains(c, what) {
					return ch.GetPicture()
				}
			}
		case <-timeout:
			t.Fatalf("picture stream never showed %s", what)
		}
	}
}
