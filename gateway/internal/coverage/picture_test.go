package coverage_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb/geojson"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/gateway/internal/coverage"
	"github.com/tansiq/tansiq/gateway/internal/gwtest"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
)

func (e *env) picture(t *testing.T, zone string) (*gatewayv1.GetOperationalPictureResponse, metadata.MD) {
	t.Helper()
	var header metadata.MD
	resp, err := e.coverage.GetOperationalPicture(gwtest.Context(t), &gatewayv1.GetOperationalPictureRequest{Zone: zone,
		StartTime: timestamppb.New(decStart), EndTime: timestamppb.New(decEnd)}, grpc.Header(&header))
	if err != nil {
		t.Fatalf("GetOperationalPicture(%s): %v", zone, err)
	}
	return resp, header
}

func TestOperationalPicture(t *testing.T) {
	e := newEnv(t, 0, 0)
	e.place(t, khidrJija, liheban)
	e.meeting.Items = []*meetingv1.ActionItem{{Name: "meetings/m/decisions/d/actionItems/checkpoint", Title: "Joint checkpoint at Khidr Jija",
		Zones: []string{makhmour}, Status: meetingv1.ActionItemStatus_ACTION_ITEM_STATUS_OPEN}}
	proposed := e.propose(t, "qarachogh", decStart, time.Time{})

	resp, header := e.picture(t, makhmour)
	if len(header.Get(coverage.DegradedHeader)) != 0 || resp.GetResumeToken() == "" || len(resp.GetZonePictures()) != 1 {
		t.Fatalf("response %v (header %v): want one picture, a resume token and nothing degraded", resp, header)
	}
	p := resp.GetZonePictures()[0]
	var incs []string
	for _, in := range p.GetRecentIncidents() {
		incs = append(incs, in.GetName())
		if in.GetCovered() {
			t.Errorf("%s covered by a deployment only proposed", in.GetName())
		}
	}
	if !slices.Equal(incs, []string{khidrJija, liheban}) || p.GetRecentIncidents()[0].GetCasualties() != 18 ||
		len(p.GetProposedDeployments()) != 1 || p.GetProposedDeployments()[0].GetName() != proposed.GetName() ||
		len(p.GetActiveDeployments()) != 0 || p.GetCoverageGap().GetIncidentCount() != 2 ||
		len(p.GetOpenActionItems()) != 1 || p.GetZoneKind() != gatewayv1.ZoneKind_ZONE_KIND_SHARED_SECURITY_INTEREST {
		t.Errorf("picture = %v", p)
	}
	if f := e.meeting.Filters(); len(f) == 0 || f[len(f)-1] != `zone = "zones/makhmour" AND status != ACTION_ITEM_STATUS_DONE` {
		t.Errorf("action items asked with filters %q", f)
	}

	e.acknowledge(t, proposed.GetName())
	p = mustOne(t, e, makhmour)
	if len(p.GetActiveDeployments()) != 1 || p.GetCoverageGap() != nil || !p.GetRecentIncidents()[0].GetCovered() {
		t.Errorf("after the acknowledgement: active %d, gap %v, covered %v", len(p.GetActiveDeployments()), p.GetCoverageGap(), p.GetRecentIncidents()[0].GetCovered())
	}

	// The meeting service down: the picture still comes, without action items, and says so.
	e.meeting.Err = status.Error(codes.Unavailable, "down")
	resp, header = e.picture(t, makhmour)
	if got := header.Get(coverage.DegradedHeader); !slices.Equal(got, []string{"meeting"}) || len(resp.GetZonePictures()[0].GetOpenActionItems()) != 0 {
		t.Errorf("meeting down: header %v, items %v; want the picture marked degraded", got, resp.GetZonePictures()[0].GetOpenActionItems())
	}

	// Every zone, a page at a time, by name.
	all, _ := e.picture(t, "zones/-")
	if n := len(all.GetZonePictures()); n != 6 {
		t.Errorf("pictures of every zone: %d, want the 6 seed zones", n)
	}
	_, err := e.coverage.GetOperationalPicture(gwtest.Context(t), &gatewayv1.GetOperationalPictureRequest{Zone: "zones/erbil"})
	gwtest.WantFailure(t, "unknown zone", err, gwtest.Failure{Code: codes.NotFound})
}

func mustOne(t *testing.T, e *env, zone string) *gatewayv1.ZonePicture {
	t.Helper()
	resp, _ := e.picture(t, zone)
	return resp.GetZonePictures()[0]
}

// watcher receives one picture stream in the background.
type watcher struct {
	msgs chan *gatewayv1.WatchOperationalPictureResponse
	errc chan error
}

func (e *env) watch(t *testing.T, zone, token string) *watcher {
	t.Helper()
	ctx, cancel := context.WithCancel(gwtest.Context(t))
	t.Cleanup(cancel)
	stream, err := e.coverage.WatchOperationalPicture(ctx, &gatewayv1.WatchOperationalPictureRequest{Zone: zone, ResumeToken: token,
		StartTime: timestamppb.New(decStart), EndTime: timestamppb.New(decEnd)})
	if err != nil {
		t.Fatal(err)
	}
	w := &watcher{msgs: make(chan *gatewayv1.WatchOperationalPictureResponse, 100), errc: make(chan error, 1)}
	go func() {
		for {
			m, err := stream.Recv()
			if err != nil {
				w.errc <- err
				return
			}
			w.msgs <- m
		}
	}()
	return w
}

// next returns the next change whose causes include cause (skipping repeats of earlier
// ones, which at-least-once delivery allows), failing after 15s.
func (w *watcher) next(t *testing.T, cause string) *gatewayv1.WatchOperationalPictureResponse {
	t.Helper()
	timeout := time.After(15 * time.Second)
	for {
		select {
		case m := <-w.msgs:
			if cause == "" || slices.Contains(m.GetChange().GetCauses(), cause) {
				return m
			}
		case err := <-w.errc:
			t.Fatalf("stream ended waiting for %s: %v", cause, err)
		case <-timeout:
			t.Fatalf("no change caused by %s within 15s", cause)
		}
	}
}

// TestWatchShowsEachStep follows Makhmour's picture through the scenario: snapshot,
// incident placed, deployment proposed, acknowledged; then resumes from a token.
func TestWatchShowsEachStep(t *testing.T) {
	e := newEnv(t, 0, 0)
	w := e.watch(t, makhmour, "")
	snap := w.next(t, "")
	if c := snap.GetChange(); c.GetType() != gatewayv1.PictureChangeType_PICTURE_CHANGE_TYPE_SNAPSHOT || c.GetZone() != makhmour ||
		len(c.GetPicture().GetRecentIncidents()) != 0 || snap.GetResumeToken() == "" {
		t.Fatalf("first message = %v, want a snapshot of Makhmour with no incidents", snap)
	}

	e.place(t, khidrJija, kulajo) // Kulajo is in Kifri: not sent on this stream
	placed := w.next(t, khidrJija).GetChange()
	if placed.GetType() != gatewayv1.PictureChangeType_PICTURE_CHANGE_TYPE_UPDATED || len(placed.GetPicture().GetRecentIncidents()) != 1 ||
		placed.GetPicture().GetCoverageGap() == nil {
		t.Errorf("after the incident: %v, want its picture with the incident and a gap", placed)
	}

	d := e.propose(t, "qarachogh", decStart, time.Time{})
	proposedMsg := w.next(t, d.GetName())
	if p := proposedMsg.GetChange().GetPicture(); len(p.GetProposedDeployments()) != 1 || p.GetCoverageGap() == nil {
		t.Errorf("after the proposal: %v, want the proposed deployment and the gap still there", p)
	}

	e.acknowledge(t, d.GetName())
	acked := w.next(t, d.GetName()).GetChange().GetPicture()
	if len(acked.GetActiveDeployments()) != 1 || acked.GetCoverageGap() != nil {
		t.Errorf("after the acknowledgement: %v, want the active deployment and no gap", acked)
	}

	// A watcher resuming from the proposal's token gets the acknowledgement (at least once).
	again := e.watch(t, makhmour, proposedMsg.GetResumeToken())
	if p := again.next(t, d.GetName()).GetChange().GetPicture(); len(p.GetActiveDeployments()) != 1 {
		t.Errorf("resumed stream: %v, want the picture with the active deployment", p)
	}
	// Deleting the zone is refused while the deployment is active; the stream stays up.
	_, err := e.zones.DeleteZone(gwtest.As(gwtest.Context(t), gwtest.PeshmergaOperator), &gatewayv1.DeleteZoneRequest{Name: makhmour})
	gwtest.WantFailure(t, "delete Makhmour", err, gwtest.Failure{Code: codes.FailedPrecondition, Reason: "ZONE_HAS_DEPLOYMENTS"})

	_, err = e.coverage.WatchOperationalPicture(gwtest.Context(t), &gatewayv1.WatchOperationalPictureRequest{Zone: makhmour, ResumeToken: "garbage!"})
	if err == nil {
		stream, _ := e.coverage.WatchOperationalPicture(gwtest.Context(t), &gatewayv1.WatchOperationalPictureRequest{Zone: makhmour, ResumeToken: "garbage!"})
		_, err = stream.Recv()
	}
	gwtest.WantFailure(t, "bad token", err, gwtest.Failure{Code: codes.InvalidArgument, Fields: []string{"resume_token"}})
}

// blockedStream is a client that stopped reading: Send blocks until the stream ends.
type blockedStream struct {
	grpc.ServerStream
	ctx  context.Context
	sent chan struct{}
}

func (s *blockedStream) Context() context.Context { return s.ctx }

func (s *blockedStream) Send(*gatewayv1.WatchOperationalPictureResponse) error {
	select {
	case s.sent <- struct{}{}:
	default:
	}
	<-s.ctx.Done()
	return s.ctx.Err()
}

func TestSlowWatcherIsDroppedAndOthersKeepUp(t *testing.T) {
	e := newEnv(t, 2, 300*time.Millisecond)
	ctx, cancel := context.WithCancel(gwtest.Context(t))
	defer cancel()
	tok, err := e.feed.Position(ctx)
	if err != nil {
		t.Fatal(err)
	}
	slow := &blockedStream{ctx: ctx, sent: make(chan struct{}, 1)}
	done := make(chan error, 1)
	go func() {
		done <- e.handler.WatchOperationalPicture(&gatewayv1.WatchOperationalPictureRequest{Zone: "zones/-", ResumeToken: tok}, slow)
	}()
	fast := e.watch(t, makhmour, tok)

	// Enough changes to fill the slow watcher's backlog of 2 while its first Send blocks.
	for i := range 6 {
		e.feed.Updated(ctx, makhmour, "zones/makhmour#"+string(rune('a'+i)))
	}
	select {
	case err := <-done:
		if status.Code(err) != codes.ResourceExhausted {
			t.Errorf("slow watcher ended with %v, want RESOURCE_EXHAUSTED", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("slow watcher not dropped within 15s")
	}
	for i := range 6 {
		fast.next(t, "zones/makhmour#"+string(rune('a'+i)))
	}
}

func TestExportGeoJSON(t *testing.T) {
	e := newEnv(t, 0, 0)
	e.place(t, khidrJija, liheban, kulajo)
	d := e.propose(t, "qarachogh", decStart, time.Time{})
	resp, err := e.coverage.ExportGeoJson(gwtest.Context(t), &gatewayv1.ExportGeoJsonRequest{Zones: []string{makhmour},
		StartTime: timestamppb.New(decStart), EndTime: timestamppb.New(decEnd)})
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection([]byte(resp.GetGeojson()))
	if err != nil {
		t.Fatalf("not a FeatureCollection: %v\n%s", err, resp.GetGeojson())
	}
	var got []string
	for _, f := range fc.Features {
		got = append(got, f.Properties.MustString("layer")+" "+f.ID.(string)+" "+f.Geometry.GeoJSONType())
	}
	want := []string{"zone zones/makhmour Polygon", "incident " + khidrJija + " Point", "incident " + liheban + " Point",
		"deployment " + d.GetName() + " Polygon"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || resp.GetFeatureCount() != 4 || resp.GetTruncated() {
		t.Errorf("features %v (count %d), want %v", got, resp.GetFeatureCount(), want)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(resp.GetGeojson()), &raw); err != nil || raw["type"] != "FeatureCollection" {
		t.Errorf("top level = %v, %v", raw["type"], err)
	}

	only, err := e.coverage.ExportGeoJson(gwtest.Context(t), &gatewayv1.ExportGeoJsonRequest{
		Layers: []gatewayv1.GeoJsonLayer{gatewayv1.GeoJsonLayer_GEO_JSON_LAYER_ZONES}})
	if err != nil || only.GetFeatureCount() != 6 {
		t.Errorf("zones layer of every zone: %d features (%v), want 6", only.GetFeatureCount(), err)
	}
	_, err = e.coverage.ExportGeoJson(gwtest.Context(t), &gatewayv1.ExportGeoJsonRequest{Zones: []string{"zones/erbil"},
		Layers: []gatewayv1.GeoJsonLayer{gatewayv1.GeoJsonLayer_GEO_JSON_LAYER_UNSPECIFIED}})
	gwtest.WantFailure(t, "bad export", err, gwtest.Failure{Code: codes.InvalidArgument, Fields: []string{"layers[0]", "zones[0]"}})
}
