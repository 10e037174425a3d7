package deployments_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/gateway/internal/deployments"
	"github.com/tansiq/tansiq/gateway/internal/geo"
	"github.com/tansiq/tansiq/gateway/internal/gwtest"
	"github.com/tansiq/tansiq/gateway/internal/zones"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/store/storetest"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// Seed names the tests use.
const (
	pm       = "forces/peshmerga"
	ia       = "forces/iraqi-army"
	front    = "forces/peshmerga/units/makhmour-front"
	garmiyan = "forces/peshmerga/units/garmiyan-front"
	brigade  = "forces/iraqi-army/units/makhmour-sector-brigade"
	nineveh  = "forces/iraqi-army/units/nineveh-operations-command"
	decision = "meetings/makhmour-2021-12/decisions/joint-deployment"
)

type env struct {
	client gatewayv1.DeploymentServiceClient
	store  *deployments.Store
	forces *gwtest.Forces
}

// newEnv serves the handler with the zones Makhmour and Kifri and fake forces and
// meeting services; noForces leaves the forces service unconfigured.
func newEnv(t *testing.T, noForces bool) *env {
	t.Helper()
	ctx := gwtest.Context(t)
	s, err := deployments.NewStore(ctx, storetest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	catalog := zones.NewCatalog()
	for i, name := range []string{"zones/makhmour", "zones/kifri"} {
		gj, err := zones.EncodeArea(geo.Polygon{Exterior: geo.Ring{{Lat: 0, Lng: 0}, {Lat: 0, Lng: 1}, {Lat: 1, Lng: 1}, {Lat: 0, Lng: 0}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := catalog.Put(&zones.Doc{Name: name, Seq: int64(i + 1), Body: zones.Zone{GeoJSON: gj}}); err != nil {
			t.Fatal(err)
		}
	}
	fakeForces := &gwtest.Forces{Units: map[string]string{front: pm, garmiyan: pm, brigade: ia, nineveh: ia}}
	fakeMeeting := &gwtest.Meeting{Decisions: map[string]bool{decision: true}}
	backends := gwtest.Serve(t, func(s *grpc.Server) {
		forcesv1.RegisterForcesServiceServer(s, fakeForces)
		meetingv1.RegisterMeetingServiceServer(s, fakeMeeting)
	})
	cfg := deployments.Config{Store: s, Catalog: catalog, Meetings: meetingv1.NewMeetingServiceClient(backends), Tokens: pagetoken.New("t")}
	if !noForces {
		cfg.Forces = forcesv1.NewForcesServiceClient(backends)
	}
	h := deployments.New(cfg)
	conn := gwtest.Serve(t, func(s *grpc.Server) { h.Register(s) })
	return &env{client: gatewayv1.NewDeploymentServiceClient(conn), store: s, forces: fakeForces}
}

func ts(t time.Time) *timestamppb.Timestamp { return timestamppb.New(t) }

var (
	now     = time.Now().UTC()
	dayLong = 24 * time.Hour
)

// joint is a deployment of the Makhmour front and the sector brigade in Makhmour, led by
// the Peshmerga, over [start, end) (end zero: open-ended).
func joint(start, end time.Time, units ...string) *gatewayv1.Deployment {
	if units == nil {
		units = []string{front, brigade}
	}
	d := &gatewayv1.Deployment{Title: "Joint task force Qarachogh", Zone: "zones/makhmour", Units: units,
		LeadForce: pm, StartTime: ts(start)}
	if !end.IsZero() {
		d.EndTime = ts(end)
	}
	return d
}

func (e *env) propose(t *testing.T, as context.Context, id string, d *gatewayv1.Deployment) *gatewayv1.Deployment {
	t.Helper()
	resp, err := e.client.ProposeDeployment(as, &gatewayv1.ProposeDeploymentRequest{Deployment: d, DeploymentId: id})
	if err != nil {
		t.Fatalf("ProposeDeployment(%s): %v", id, err)
	}
	return resp.GetDeployment()
}

func as(t *testing.T, who auth.Identity) context.Context { return gwtest.As(gwtest.Context(t), who) }

func TestProposeThenAcknowledge(t *testing.T) {
	e := newEnv(t, false)
	d := e.propose(t, as(t, gwtest.PeshmergaOperator), "qarachogh", joint(now.Add(dayLong), now.Add(30*dayLong)))
	if d.GetState() != gatewayv1.DeploymentState_DEPLOYMENT_STATE_PROPOSED || d.GetProposingForce() != pm ||
		!slices.Equal(d.GetForces(), []string{ia, pm}) || len(d.GetAcknowledgements()) != 1 ||
		d.GetAcknowledgements()[0].GetForce() != pm || d.GetAcknowledgements()[0].GetPerson() != gwtest.PeshmergaOperator.Subject {
		t.Fatalf("proposed = %v: want PROPOSED by the Peshmerga with its acknowledgement", d)
	}
	if n := e.forces.Calls(); n != 1 {
		t.Errorf("%d calls to the forces service, want one batch call", n)
	}
	ack := func(who auth.Identity) (*gatewayv1.Deployment, error) {
		resp, err := e.client.AcknowledgeDeployment(as(t, who), &gatewayv1.AcknowledgeDeploymentRequest{Name: d.GetName(), Note: "agreed"})
		return resp.GetDeployment(), err
	}
	// The proposer cannot make it active by acknowledging again: it is unchanged.
	again, err := ack(gwtest.PeshmergaOperator)
	if err != nil || again.GetState() != gatewayv1.DeploymentState_DEPLOYMENT_STATE_PROPOSED || again.GetEtag() != d.GetEtag() {
		t.Fatalf("proposer acknowledges again: %v, %v; want it unchanged and PROPOSED", again, err)
	}
	for _, who := range []struct {
		name string
		id   auth.Identity
	}{{"a force taking no part", gwtest.OtherOperator}, {"a viewer of the other force", gwtest.IraqiViewer}} {
		_, err := ack(who.id)
		gwtest.WantFailure(t, who.name, err, gwtest.Failure{Code: codes.PermissionDenied})
	}
	active, err := ack(gwtest.IraqiOperator)
	if err != nil {
		t.Fatal(err)
	}
	if active.GetState() != gatewayv1.DeploymentState_DEPLOYMENT_STATE_ACTIVE || active.GetActivateTime() == nil ||
		len(active.GetAcknowledgements()) != 2 || active.GetAcknowledgements()[1].GetForce() != ia || active.GetAcknowledgements()[1].GetNote() != "agreed" {
		t.Fatalf("after the Iraqi army's acknowledgement: %v, want ACTIVE with both acknowledgements", active)
	}
	if again, err := ack(gwtest.IraqiOperator); err != nil || again.GetEtag() != active.GetEtag() {
		t.Errorf("acknowledging again: %v, %v; want it unchanged", again, err)
	}
}

func TestProposeValidation(t *testing.T) {
	e := newEnv(t, false)
	ctx := as(t, gwtest.PeshmergaOperator)
	start, end := now, now.Add(10*dayLong)
	mod := func(f func(d *gatewayv1.Deployment)) *gatewayv1.Deployment {
		d := joint(start, end)
		f(d)
		return d
	}
	tests := []struct {
		name   string
		d      *gatewayv1.Deployment
		fields []string
	}{
		{"empty", &gatewayv1.Deployment{}, []string{"deployment.lead_force", "deployment.start_time", "deployment.units", "deployment.zone"}},
		{"units of one force", mod(func(d *gatewayv1.Deployment) { d.Units = []string{front, garmiyan} }), []string{"deployment.units"}},
		{"bad and repeated units", mod(func(d *gatewayv1.Deployment) { d.Units = []string{front, "units/x", brigade, front} }),
			[]string{"deployment.units[1]", "deployment.units[3]"}},
		{"lead force not taking part", mod(func(d *gatewayv1.Deployment) { d.LeadForce = "forces/other" }), []string{"deployment.lead_force"}},
		{"end before start", mod(func(d *gatewayv1.Deployment) { d.EndTime = ts(start.Add(-time.Hour)) }), []string{"deployment.end_time"}},
		{"bad mandate", mod(func(d *gatewayv1.Deployment) { d.Mandate = "decisions/1" }), []string{"deployment.mandate"}},
		{"bad command post", mod(func(d *gatewayv1.Deployment) { d.CommandPost = &typev1.Place{} }), []string{"deployment.command_post.point"}},
		// Checked against the other services:
		{"unknown zone", mod(func(d *gatewayv1.Deployment) { d.Zone = "zones/erbil" }), []string{"deployment.zone"}},
		{"unknown unit", mod(func(d *gatewayv1.Deployment) { d.Units = []string{front, "forces/iraqi-army/units/ghost-brigade"} }), []string{"deployment.units[1]"}},
		{"unknown mandate", mod(func(d *gatewayv1.Deployment) { d.Mandate = "meetings/makhmour-2021-12/decisions/unknown" }), []string{"deployment.mandate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.client.ProposeDeployment(ctx, &gatewayv1.ProposeDeploymentRequest{Deployment: tt.d})
			gwtest.WantFailure(t, "ProposeDeployment", err, gwtest.Failure{Code: codes.InvalidArgument, Fields: tt.fields})
		})
	}
	e.wantStored(t, 0)
	d := e.propose(t, ctx, "mandated", mod(func(d *gatewayv1.Deployment) { d.Mandate = decision }))
	if d.GetMandate() != decision {
		t.Errorf("mandate = %q", d.GetMandate())
	}
}

func (e *env) wantStored(t *testing.T, n int) {
	t.Helper()
	resp, err := e.client.ListDeployments(gwtest.Context(t), &gatewayv1.ListDeploymentsRequest{})
	if err != nil || len(resp.GetDeployments()) != n {
		t.Fatalf("%d deployments stored (%v), want %d", len(resp.GetDeployments()), err, n)
	}
}

func TestProposeWhenForcesServiceIsDown(t *testing.T) {
	e := newEnv(t, false)
	e.forces.Err = status.Error(codes.Unavailable, "connection refused")
	_, err := e.client.ProposeDeployment(as(t, gwtest.PeshmergaOperator), &gatewayv1.ProposeDeploymentRequest{Deployment: joint(now, time.Time{})})
	gwtest.WantFailure(t, "forces down", err, gwtest.Failure{Code: codes.Unavailable, Reason: "DEPENDENCY_UNAVAILABLE"})
	e.wantStored(t, 0)

	unconfigured := newEnv(t, true)
	_, err = unconfigured.client.ProposeDeployment(as(t, gwtest.PeshmergaOperator), &gatewayv1.ProposeDeploymentRequest{Deployment: joint(now, time.Time{})})
	gwtest.WantFailure(t, "no forces address", err, gwtest.Failure{Code: codes.Unavailable, Reason: "DEPENDENCY_UNAVAILABLE"})
	unconfigured.wantStored(t, 0)
}

func TestProposeRefusesDoubleBooking(t *testing.T) {
	e := newEnv(t, false)
	ctx := as(t, gwtest.PeshmergaOperator)
	first := e.propose(t, ctx, "first", joint(now, now.Add(10*dayLong)))
	_, err := e.client.ProposeDeployment(ctx, &gatewayv1.ProposeDeploymentRequest{DeploymentId: "second",
		Deployment: joint(now.Add(5*dayLong), time.Time{}, garmiyan, brigade)})
	gwtest.WantFailure(t, "double-booked brigade", err, gwtest.Failure{Code: codes.FailedPrecondition, Reason: "UNIT_DOUBLE_BOOKED"})
	md := gwtest.Metadata(err)
	if md["deployment"] != first.GetName() || md["unit"] != brigade || md["deployment_state"] != "DEPLOYMENT_STATE_PROPOSED" {
		t.Errorf("metadata = %v, want the brigade in %s", md, first.GetName())
	}
	// After the first window: free.
	e.propose(t, ctx, "later", joint(now.Add(10*dayLong), now.Add(20*dayLong), garmiyan, brigade))
	// Cancelled deployments book nothing.
	if _, err := e.client.CancelDeployment(as(t, gwtest.IraqiOperator), &gatewayv1.CancelDeploymentRequest{Name: first.GetName(), Reason: "declined"}); err != nil {
		t.Fatal(err)
	}
	e.propose(t, ctx, "second", joint(now.Add(5*dayLong), now.Add(8*dayLong), garmiyan, brigade))
}

func TestProposeIdempotent(t *testing.T) {
	e := newEnv(t, false)
	ctx := as(t, gwtest.PeshmergaOperator)
	req := &gatewayv1.ProposeDeploymentRequest{Deployment: joint(now, now.Add(dayLong)), RequestId: "p-1"}
	first, err := e.client.ProposeDeployment(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	// The retry finds its units booked by the first result, and is answered with it.
	again, err := e.client.ProposeDeployment(ctx, req)
	if err != nil || again.GetDeployment().GetName() != first.GetDeployment().GetName() {
		t.Fatalf("retry: %v, %v; want the first result", again, err)
	}
	req.Deployment.Notes = "other"
	_, err = e.client.ProposeDeployment(ctx, req)
	gwtest.WantFailure(t, "reused request id", err, gwtest.Failure{Code: codes.InvalidArgument, Reason: "REQUEST_ID_REUSED", Fields: []string{"request_id"}})
	e.wantStored(t, 1)
}

func TestProposeByAForceTakingNoPart(t *testing.T) {
	e := newEnv(t, false)
	_, err := e.client.ProposeDeployment(as(t, gwtest.OtherOperator), &gatewayv1.ProposeDeploymentRequest{Deployment: joint(now, time.Time{})})
	gwtest.WantFailure(t, "other force proposes", err, gwtest.Failure{Code: codes.PermissionDenied, Reason: "NOT_A_PARTICIPANT"})
	_, err = e.client.ProposeDeployment(as(t, gwtest.IraqiViewer), &gatewayv1.ProposeDeploymentRequest{Deployment: joint(now, time.Time{})})
	gwtest.WantFailure(t, "viewer proposes", err, gwtest.Failure{Code: codes.PermissionDenied})
	e.wantStored(t, 0)
}

func TestEndAndCancel(t *testing.T) {
	e := newEnv(t, false)
	pmCtx, iaCtx := as(t, gwtest.PeshmergaOperator), as(t, gwtest.IraqiOperator)
	d := e.propose(t, pmCtx, "running", joint(now.Add(-dayLong), time.Time{}))
	_, err := e.client.EndDeployment(pmCtx, &gatewayv1.EndDeploymentRequest{Name: d.GetName()})
	gwtest.WantFailure(t, "end a proposed one", err, gwtest.Failure{Code: codes.FailedPrecondition, Reason: "WRONG_STATE"})
	if _, err := e.client.AcknowledgeDeployment(iaCtx, &gatewayv1.AcknowledgeDeploymentRequest{Name: d.GetName()}); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.EndDeployment(as(t, gwtest.OtherOperator), &gatewayv1.EndDeploymentRequest{Name: d.GetName()})
	gwtest.WantFailure(t, "end by a force taking no part", err, gwtest.Failure{Code: codes.PermissionDenied})
	_, err = e.client.CancelDeployment(iaCtx, &gatewayv1.CancelDeploymentRequest{Name: d.GetName()})
	gwtest.WantFailure(t, "cancel a started one", err, gwtest.Failure{Code: codes.FailedPrecondition, Reason: "WRONG_STATE"})
	ended, err := e.client.EndDeployment(iaCtx, &gatewayv1.EndDeploymentRequest{Name: d.GetName(), Reason: "sweep complete", RequestId: "end-1"})
	if err != nil {
		t.Fatal(err)
	}
	if g := ended.GetDeployment(); g.GetState() != gatewayv1.DeploymentState_DEPLOYMENT_STATE_ENDED || g.GetEndTime() == nil || g.GetStateReason() != "sweep complete" {
		t.Errorf("ended = %v", g)
	}
	retry, err := e.client.EndDeployment(iaCtx, &gatewayv1.EndDeploymentRequest{Name: d.GetName(), Reason: "sweep complete", RequestId: "end-1"})
	if err != nil || retry.GetDeployment().GetEtag() != ended.GetDeployment().GetEtag() {
		t.Errorf("retried end: %v, %v; want the first result", retry, err)
	}
}

func TestCheckDeconfliction(t *testing.T) {
	e := newEnv(t, false)
	ctx := as(t, gwtest.PeshmergaOperator)
	a := e.propose(t, ctx, "alpha", joint(now, now.Add(10*dayLong)))
	k := joint(now.Add(2*dayLong), now.Add(4*dayLong), garmiyan, nineveh)
	k.Zone = "zones/kifri"
	kifri := e.propose(t, ctx, "kifri-one", k)
	prospect := joint(now.Add(3*dayLong), time.Time{}, front, nineveh)
	resp, err := e.client.CheckDeconfliction(gwtest.Context(t), &gatewayv1.CheckDeconflictionRequest{Deployment: prospect})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range resp.GetUnitConflicts() {
		got = append(got, c.GetUnit()+" in "+c.GetDeployment())
	}
	want := []string{nineveh + " in " + kifri.GetName(), front + " in " + a.GetName()}
	if !slices.Equal(got, want) {
		t.Errorf("unit conflicts %v, want %v", got, want)
	}
	if c := resp.GetUnitConflicts()[1]; !c.GetOverlapStartTime().AsTime().Equal(now.Add(3*dayLong).Truncate(time.Millisecond)) ||
		!c.GetOverlapEndTime().AsTime().Equal(now.Add(10*dayLong).Truncate(time.Millisecond)) {
		t.Errorf("overlap %v - %v, want days 3-10", c.GetOverlapStartTime().AsTime(), c.GetOverlapEndTime().AsTime())
	}
	if zo := resp.GetZoneOverlaps(); len(zo) != 1 || zo[0].GetDeployment() != a.GetName() {
		t.Errorf("zone overlaps %v, want %s", zo, a.GetName())
	}
	// A stored deployment checked against the others leaves itself out.
	self := joint(now, now.Add(10*dayLong))
	self.Name = a.GetName()
	resp, err = e.client.CheckDeconfliction(gwtest.Context(t), &gatewayv1.CheckDeconflictionRequest{Deployment: self})
	if err != nil || len(resp.GetUnitConflicts())+len(resp.GetZoneOverlaps()) != 0 {
		t.Errorf("checking a stored deployment against the others: %v, %v; want nothing", resp, err)
	}
	e.wantStored(t, 2)
}

func TestListDeployments(t *testing.T) {
	e := newEnv(t, false)
	pmCtx, iaCtx := as(t, gwtest.PeshmergaOperator), as(t, gwtest.IraqiOperator)
	dec := time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC)
	past := e.propose(t, pmCtx, "december", joint(dec, dec.AddDate(0, 1, 0))) // acknowledged below: reads ENDED
	if _, err := e.client.AcknowledgeDeployment(iaCtx, &gatewayv1.AcknowledgeDeploymentRequest{Name: past.GetName()}); err != nil {
		t.Fatal(err)
	}
	open := e.propose(t, pmCtx, "open", joint(now, time.Time{}))
	k := joint(now.Add(-dayLong), now.Add(dayLong), garmiyan, nineveh)
	k.Zone = "zones/kifri"
	kifri := e.propose(t, pmCtx, "kifri", k)
	tests := []struct {
		filter string
		want   []string
	}{
		{"", []string{open.GetName(), kifri.GetName(), past.GetName()}},
		{"state = DEPLOYMENT_STATE_ENDED", []string{past.GetName()}},
		{"state != DEPLOYMENT_STATE_ENDED", []string{open.GetName(), kifri.GetName()}},
		{`zone = "zones/kifri"`, []string{kifri.GetName()}},
		{`unit = "` + brigade + `"`, []string{open.GetName(), past.GetName()}},
		{`force = "forces/iraqi-army" AND zone = "zones/makhmour"`, []string{open.GetName(), past.GetName()}},
		{`end_time > "2030-01-01T00:00:00Z"`, []string{open.GetName()}},
		{`zone = "zones/makhmour" AND start_time < "2022-01-01T00:00:00Z" AND end_time > "2021-12-01T00:00:00Z"`, []string{past.GetName()}},
	}
	for _, tt := range tests {
		resp, err := e.client.ListDeployments(gwtest.Context(t), &gatewayv1.ListDeploymentsRequest{Filter: tt.filter})
		var got []string
		for _, d := range resp.GetDeployments() {
			got = append(got, d.GetName())
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ListDeployments(%q) = %v, %v; want %v", tt.filter, got, err, tt.want)
		}
	}
	var all []string
	tok := ""
	for range 5 {
		resp, err := e.client.ListDeployments(gwtest.Context(t), &gatewayv1.ListDeploymentsRequest{PageSize: 2, PageToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range resp.GetDeployments() {
			all = append(all, d.GetName())
		}
		if tok = resp.GetNextPageToken(); tok == "" {
			break
		}
	}
	if !slices.Equal(all, tests[0].want) {
		t.Errorf("paged: %v, want %v", all, tests[0].want)
	}
	_, err := e.client.ListDeployments(gwtest.Context(t), &gatewayv1.ListDeploymentsRequest{Filter: "state > DEPLOYMENT_STATE_ACTIVE"})
	gwtest.WantFailure(t, "ordered state", err, gwtest.Failure{Code: codes.InvalidArgument, Fields: []string{"filter"}})
}

func TestListDeploymentsOrderBy(t *testing.T) {
	e := newEnv(t, false)
	pmCtx, iaCtx := as(t, gwtest.PeshmergaOperator), as(t, gwtest.IraqiOperator)
	dec := time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC)
	past := e.propose(t, pmCtx, "december", joint(dec, dec.AddDate(0, 1, 0))).GetName()
	if _, err := e.client.AcknowledgeDeployment(iaCtx, &gatewayv1.AcknowledgeDeploymentRequest{Name: past}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond) // stored times are kept to the millisecond
	open := e.propose(t, pmCtx, "open", joint(now, time.Time{})).GetName()
	time.Sleep(2 * time.Millisecond)
	k := joint(now.Add(-dayLong), now.Add(dayLong), garmiyan, nineveh)
	k.Zone = "zones/kifri"
	kifri := e.propose(t, pmCtx, "kifri", k).GetName()
	list := func(filter, orderBy string, size int32) ([]string, error) {
		var all []string
		tok := ""
		for range 10 {
			resp, err := e.client.ListDeployments(gwtest.Context(t), &gatewayv1.ListDeploymentsRequest{Filter: filter, OrderBy: orderBy, PageSize: size, PageToken: tok})
			if err != nil {
				return nil, err
			}
			for _, d := range resp.GetDeployments() {
				all = append(all, d.GetName())
			}
			if tok = resp.GetNextPageToken(); tok == "" {
				break
			}
		}
		return all, nil
	}
	tests := []struct {
		filter, orderBy string
		want            []string
	}{
		{"", "", []string{open, kifri, past}},
		{"", "start_time desc", []string{open, kifri, past}},
		{"", "start_time", []string{past, kifri, open}},
		{"", "start_time asc", []string{past, kifri, open}},
		{"", "update_time desc", []string{kifri, open, past}},
		{"", "update_time", []string{past, open, kifri}},
		{`zone = "zones/kifri" OR state = DEPLOYMENT_STATE_ENDED`, "start_time", []string{past, kifri}},
		{`NOT zone = "zones/kifri"`, "update_time desc", []string{open, past}},
	}
	for _, tt := range tests {
		for _, size := range []int32{1, 2, 50} {
			got, err := list(tt.filter, tt.orderBy, size)
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("ListDeployments(%q, %q) in pages of %d = %v, %v; want %v", tt.filter, tt.orderBy, size, got, err, tt.want)
			}
		}
	}
	first, err := e.client.ListDeployments(gwtest.Context(t), &gatewayv1.ListDeploymentsRequest{OrderBy: "start_time", PageSize: 1})
	if err != nil || first.GetNextPageToken() == "" {
		t.Fatalf("first page: %v", err)
	}
	_, err = e.client.ListDeployments(gwtest.Context(t), &gatewayv1.ListDeploymentsRequest{OrderBy: "start_time desc", PageToken: first.GetNextPageToken()})
	gwtest.WantFailure(t, "a token replayed under another order", err, gwtest.Failure{Code: codes.InvalidArgument, Fields: []string{"page_token"}})
	for _, bad := range []string{"zone", "start_time up", "start_time, update_time", "end_time desc"} {
		_, err := e.client.ListDeployments(gwtest.Context(t), &gatewayv1.ListDeploymentsRequest{OrderBy: bad})
		gwtest.WantFailure(t, "order_by "+bad, err, gwtest.Failure{Code: codes.InvalidArgument, Fields: []string{"order_by"}})
	}
}
