package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	rpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/e2e/harness"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/store"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

func incidentClient(t *testing.T, token string) incidentv1.IncidentServiceClient {
	conn := env.Conn("gateway", token)
	t.Cleanup(func() { _ = conn.Close() })
	return incidentv1.NewIncidentServiceClient(conn)
}

func ied(district string, at time.Time) *incidentv1.Incident {
	return &incidentv1.Incident{
		Kind: incidentv1.IncidentKind_INCIDENT_KIND_IED, Title: "IED on the Makhmour road",
		OccurTime: timestamppb.New(at),
		Place: &typev1.Place{Point: &typev1.LatLng{Latitude: 35.80, Longitude: 43.60},
			Precision: typev1.GeoPrecision_GEO_PRECISION_NEAR},
		District: district, Governorates: []string{"Erbil", "Nineveh"}, ReportingForce: harness.Peshmerga,
		Casualties: &incidentv1.Casualties{Counts: []*incidentv1.CasualtyCount{
			{Sides: []incidentv1.CasualtySide{incidentv1.CasualtySide_CASUALTY_SIDE_PESHMERGA}, Wounded: 2}}},
	}
}

func TestGatewayReflectionListsTheAPIs(t *testing.T) {
	conn := env.Conn("gateway", "")
	defer conn.Close()
	stream, err := rpb.NewServerReflectionClient(conn).ServerReflectionInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_ListServices{}}); err != nil {
		t.Fatal(err)
	}
	resp, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		got = append(got, s.GetName())
	}
	for _, want := range []string{"tansiq.incident.v1.IncidentService", "tansiq.forces.v1.ForcesService",
		"grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection"} {
		if !contains(got, want) {
			t.Errorf("gateway reflection lists %v; missing %s", got, want)
		}
	}
}

func TestIncidentLifecycleThroughGateway(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pesh := incidentClient(t, env.Token("e2e-operator", harness.Peshmerga, auth.RoleOperator))
	district := "E2E-" + store.NewID()
	base := time.Date(2021, 12, 5, 6, 30, 0, 0, time.UTC)

	// Follow the stream from now, before anything is written.
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	watch, err := pesh.WatchIncidents(watchCtx, &incidentv1.WatchIncidentsRequest{StartAtNow: true})
	if err != nil {
		t.Fatal(err)
	}

	// Create, and retry with the same request id: one record.
	req := &incidentv1.CreateIncidentRequest{Incident: ied(district, base), RequestId: "e2e-" + district}
	first, err := pesh.CreateIncident(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := pesh.CreateIncident(ctx, req)
	if err != nil || again.GetIncident().GetName() != first.GetIncident().GetName() {
		t.Fatalf("retry = %v, %v; want %s", again.GetIncident().GetName(), err, first.GetIncident().GetName())
	}
	for i := 1; i < 5; i++ {
		if _, err := pesh.CreateIncident(ctx, &incidentv1.CreateIncidentRequest{
			Incident: ied(district, base.Add(time.Duration(i)*time.Hour)), RequestId: fmt.Sprintf("e2e-%s-%d", district, i)}); err != nil {
			t.Fatal(err)
		}
	}

	// List with a filter, two at a time: all five, newest first, each once.
	filter := fmt.Sprintf(`district = %q AND kind = INCIDENT_KIND_IED AND occur_time >= "2021-12-01T00:00:00Z"`, district)
	var names []string
	var last time.Time
	for tok := ""; ; {
		page, err := pesh.ListIncidents(ctx, &incidentv1.ListIncidentsRequest{Filter: filter, PageSize: 2, PageToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range page.GetIncidents() {
			if !last.IsZero() && in.GetOccurTime().AsTime().After(last) {
				t.Fatalf("not newest first: %v after %v", in.GetOccurTime().AsTime(), last)
			}
			last = in.GetOccurTime().AsTime()
			names = append(names, in.GetName())
		}
		if tok = page.GetNextPageToken(); tok == "" {
			break
		}
	}
	if len(names) != 5 {
		t.Fatalf("listed %d incidents (%v), want 5", len(names), names)
	}

	// Update with the current etag, then with the stale one.
	cur := first.GetIncident()
	cur.Title = "IED on the Makhmour-Gwer road"
	upd, err := pesh.UpdateIncident(ctx, &incidentv1.UpdateIncidentRequest{Incident: cur, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"title"}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = pesh.UpdateIncident(ctx, &incidentv1.UpdateIncidentRequest{Incident: cur, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"title"}}})
	if _, reason := wantCode(t, err, codes.Aborted); reason != "ETAG_MISMATCH" {
		t.Errorf("stale etag reason = %q", reason)
	}

	// The watch saw every incident and the update. It delivers each incident's latest
	// state, so a create followed quickly by an update may arrive as the update alone.
	seen := map[string]bool{}
	updated := false
	for len(seen) < 5 || !updated {
		ev, err := watch.Recv()
		if err != nil {
			t.Fatalf("watch: %v (seen %v, update seen %v)", err, seen, updated)
		}
		seen[ev.GetIncident().GetName()] = true
		if ev.GetIncident().GetName() == first.GetIncident().GetName() && ev.GetChangeType() == incidentv1.ChangeType_CHANGE_TYPE_UPDATED {
			updated = ev.GetIncident().GetTitle() == "IED on the Makhmour-Gwer road"
		}
	}
	stopWatch()

	// Kill the incident service; the supervisor restarts it and the data is there.
	if err := env.Kill("incident"); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitHealthy(ctx, "incident"); err != nil {
		t.Fatal(err)
	}
	got, err := pesh.GetIncident(ctx, &incidentv1.GetIncidentRequest{Name: first.GetIncident().GetName()})
	if err != nil {
		t.Fatal(err)
	}
	if got.GetIncident().GetTitle() != "IED on the Makhmour-Gwer road" || got.GetIncident().GetEtag() != upd.GetIncident().GetEtag() {
		t.Fatalf("after restart: %q etag %s", got.GetIncident().GetTitle(), got.GetIncident().GetEtag())
	}
}

func TestIncidentBadInputAndCredentials(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pesh := incidentClient(t, env.Token("e2e-operator", harness.Peshmerga, auth.RoleOperator))
	bad := ied("Makhmour", time.Now().Add(48*time.Hour))
	bad.Title = ""
	bad.Place.Point.Latitude = 91
	_, err := pesh.CreateIncident(ctx, &incidentv1.CreateIncidentRequest{Incident: bad})
	fields, _ := wantCode(t, err, codes.InvalidArgument)
	for _, f := range []string{"incident.title", "incident.occur_time", "incident.place.point.latitude"} {
		if !contains(fields, f) {
			t.Errorf("violations %v; missing %s", fields, f)
		}
	}

	_, err = incidentClient(t, "").ListIncidents(ctx, &incidentv1.ListIncidentsRequest{})
	wantCode(t, err, codes.Unauthenticated)
}
