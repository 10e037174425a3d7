package coverage_test

import (
	"log/slog"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/gateway/internal/changes"
	"github.com/tansiq/tansiq/gateway/internal/coverage"
	"github.com/tansiq/tansiq/gateway/internal/deployments"
	"github.com/tansiq/tansiq/gateway/internal/gwseed"
	"github.com/tansiq/tansiq/gateway/internal/gwtest"
	"github.com/tansiq/tansiq/gateway/internal/placement"
	"github.com/tansiq/tansiq/gateway/internal/zones"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/store/storetest"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
)

// Scenario names.
const (
	makhmour  = "zones/makhmour"
	kifri     = "zones/kifri"
	front     = "forces/peshmerga/units/makhmour-front"
	brigade   = "forces/iraqi-army/units/makhmour-sector-brigade"
	khidrJija = "incidents/khidr-jija-attack-2021-12-02"
	liheban   = "incidents/liheban-attack-2021-12-02"
	kulajo    = "incidents/kulajo-attacks-2021-11-27"
)

// december is the scenario's window.
var decStart, decEnd = time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)

// env is the gateway's own services over one database with the seed zones, fake forces
// and meeting services, and a placer fed directly (the follower has its own tests).
type env struct {
	coverage    gatewayv1.CoverageServiceClient
	deployments gatewayv1.DeploymentServiceClient
	zones       gatewayv1.ZoneServiceClient
	placer      *placement.Placer
	feed        *changes.Log
	handler     *coverage.Handler
	meeting     *gwtest.Meeting
}

func newEnv(t *testing.T, buffer int, patience time.Duration) *env {
	t.Helper()
	ctx := gwtest.Context(t)
	db := storetest.DB(t)
	feed, err := changes.New(ctx, db, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	zs, err := zones.NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := gwseed.Load(ctx, zs); err != nil {
		t.Fatal(err)
	}
	catalog := zones.NewCatalog()
	if err := catalog.Load(ctx, zs, nil); err != nil {
		t.Fatal(err)
	}
	placer := placement.NewPlacer(placement.NewMemory(), catalog, feed, nil)
	deps, err := deployments.NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	meeting := &gwtest.Meeting{}
	backends := gwtest.Serve(t, func(s *grpc.Server) {
		forcesv1.RegisterForcesServiceServer(s, &gwtest.Forces{Units: map[string]string{front: "forces/peshmerga", brigade: "forces/iraqi-army"}})
		meetingv1.RegisterMeetingServiceServer(s, meeting)
	})
	tokens := pagetoken.New("t")
	meetings := meetingv1.NewMeetingServiceClient(backends)
	h := coverage.New(coverage.Config{Catalog: catalog, Placer: placer, Deployments: deps, Changes: feed, Meetings: meetings,
		Tokens: tokens, WatchBuffer: buffer, WatchPatience: patience})
	conn := gwtest.Serve(t, func(s *grpc.Server) {
		h.Register(s)
		deployments.New(deployments.Config{Store: deps, Catalog: catalog, Forces: forcesv1.NewForcesServiceClient(backends),
			Meetings: meetings, Notifier: feed, Tokens: tokens}).Register(s)
		zones.New(zones.Config{Store: zs, Catalog: catalog, Tokens: tokens, Threats: placer, Placer: placer, Notifier: feed, Guard: deps}).Register(s)
	})
	return &env{coverage: gatewayv1.NewCoverageServiceClient(conn), deployments: gatewayv1.NewDeploymentServiceClient(conn),
		zones: gatewayv1.NewZoneServiceClient(conn), placer: placer, feed: feed, handler: h, meeting: meeting}
}

// place places the scenario's incidents, as the incident service seeds them.
func (e *env) place(t *testing.T, names ...string) {
	t.Helper()
	seed := map[string]struct {
		lat, lng   float64
		at         time.Time
		casualties int32
	}{
		khidrJija: {35.83, 43.62, time.Date(2021, 12, 2, 19, 0, 0, 0, time.UTC), 18},
		liheban:   {35.86, 43.66, time.Date(2021, 12, 2, 19, 0, 0, 0, time.UTC), 0},
		kulajo:    {34.75, 44.90, time.Date(2021, 11, 26, 21, 0, 0, 0, time.UTC), 10},
	}
	for _, n := range names {
		s := seed[n]
		e.placer.Place(gwtest.Context(t), gwtest.Incident(n, s.lat, s.lng, s.at, s.casualties))
	}
}

// proposeAndAcknowledge proposes (as the Peshmerga) a joint deployment in Makhmour over
// [start, end), open-ended when end is zero, and acknowledges it as the Iraqi army
// unless propose only is asked.
func (e *env) propose(t *testing.T, id string, start, end time.Time) *gatewayv1.Deployment {
	t.Helper()
	d := &gatewayv1.Deployment{Title: "Joint task force Qarachogh", Zone: makhmour, Units: []string{front, brigade},
		LeadForce: "forces/peshmerga", StartTime: timestamppb.New(start)}
	if !end.IsZero() {
		d.EndTime = timestamppb.New(end)
	}
	resp, err := e.deployments.ProposeDeployment(gwtest.As(gwtest.Context(t), gwtest.PeshmergaOperator),
		&gatewayv1.ProposeDeploymentRequest{Deployment: d, DeploymentId: id})
	if err != nil {
		t.Fatalf("ProposeDeployment: %v", err)
	}
	return resp.GetDeployment()
}

func (e *env) acknowledge(t *testing.T, name string) *gatewayv1.Deployment {
	t.Helper()
	resp, err := e.deployments.AcknowledgeDeployment(gwtest.As(gwtest.Context(t), gwtest.IraqiOperator),
		&gatewayv1.AcknowledgeDeploymentRequest{Name: name})
	if err != nil {
		t.Fatalf("AcknowledgeDeployment: %v", err)
	}
	return resp.GetDeployment()
}

func (e *env) gaps(t *testing.T, from, to time.Time) []*gatewayv1.CoverageGap {
	t.Helper()
	req := &gatewayv1.ListCoverageGapsRequest{}
	if !from.IsZero() {
		req.StartTime, req.EndTime = timestamppb.New(from), timestamppb.New(to)
	}
	resp, err := e.coverage.ListCoverageGaps(gwtest.Context(t), req)
	if err != nil {
		t.Fatalf("ListCoverageGaps: %v", err)
	}
	return resp.GetCoverageGaps()
}

func zoneNames(gaps []*gatewayv1.CoverageGap) []string {
	var out []string
	for _, g := range gaps {
		out = append(out, g.GetZone())
	}
	return out
}
