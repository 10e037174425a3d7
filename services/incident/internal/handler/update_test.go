package handler

import (
	"fmt"
	"testing"

	"github.com/tansiq/tansiq/platform/place"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

func mask(paths ...string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: paths} }

// TestUpdateAppliesOnlyTheMask sends a patch that changes many fields and checks that
// exactly the masked ones change.
func TestUpdateAppliesOnlyTheMask(t *testing.T) {
	patch := &incidentv1.Incident{
		Kind:          incidentv1.IncidentKind_INCIDENT_KIND_AMBUSH,
		Title:         "ISIS ambush near Khidr Jija",
		Description:   "",
		TimePrecision: typev1.TimePrecision_TIME_PRECISION_DAY,
		Place:         &typev1.Place{Point: &typev1.LatLng{Latitude: 35.84, Longitude: 43.63}, Precision: typev1.GeoPrecision_GEO_PRECISION_EXACT},
		District:      "Qarachogh",
		Governorates:  []string{"Nineveh"},
		Perpetrator:   &incidentv1.Perpetrator{Claimed: "ISIS", Assessed: "ISIS cell from Qarachogh", Confidence: incidentv1.Confidence_CONFIDENCE_MEDIUM},
		Casualties: &incidentv1.Casualties{Counts: []*incidentv1.CasualtyCount{
			{Sides: []incidentv1.CasualtySide{incidentv1.CasualtySide_CASUALTY_SIDE_PESHMERGA}, Killed: 10, Wounded: 2},
			{Sides: []incidentv1.CasualtySide{incidentv1.CasualtySide_CASUALTY_SIDE_CIVILIAN}, Killed: 3, KilledOrWounded: 3},
		}},
		ReportingForce: "forces/iraqi-army",
		Sources:        []*incidentv1.Source{{Name: "Kurdistan24"}},
		Notes:          "Revised after the Peshmerga ministry statement.",
	}
	tests := []struct {
		paths []string
		// apply sets on want what the masked paths should change.
		apply func(want *incidentv1.Incident)
	}{
		{[]string{"title"}, func(w *incidentv1.Incident) { w.Title = patch.Title }},
		{[]string{"kind", "notes"}, func(w *incidentv1.Incident) { w.Kind, w.Notes = patch.Kind, patch.Notes }},
		{[]string{"description"}, func(w *incidentv1.Incident) { w.Description = "" }},
		{[]string{"place", "district"}, func(w *incidentv1.Incident) {
			w.Place, w.District = proto.Clone(patch.Place).(*typev1.Place), patch.District
			w.Place.Name = &typev1.LocalizedName{}
		}},
		{[]string{"governorates", "time_precision"}, func(w *incidentv1.Incident) {
			w.Governorates, w.TimePrecision = patch.Governorates, patch.TimePrecision
		}},
		{[]string{"perpetrator", "sources"}, func(w *incidentv1.Incident) {
			w.Perpetrator, w.Sources = patch.Perpetrator, patch.Sources
		}},
		{[]string{"casualties"}, func(w *incidentv1.Incident) {
			w.Casualties = proto.Clone(patch.Casualties).(*incidentv1.Casualties)
			w.Casualties.TotalKilled, w.Casualties.TotalWounded, w.Casualties.Total = 13, 2, 18
		}},
		{[]string{"title", "title"}, func(w *incidentv1.Incident) { w.Title = patch.Title }},
	}
	e := newEnv(t)
	for i, tt := range tests {
		before := e.create(t, fmt.Sprintf("khidr-jija-%d", i), khidrJija())
		patch.Name = before.GetName()
		resp, err := e.client.UpdateIncident(testCtx(t), &incidentv1.UpdateIncidentRequest{Incident: patch, UpdateMask: mask(tt.paths...)})
		if err != nil {
			t.Errorf("mask %v: %v", tt.paths, err)
			continue
		}
		got := resp.GetIncident()
		want := proto.Clone(before).(*incidentv1.Incident)
		tt.apply(want)
		want.Place.Mgrs = place.LatLngFromProto(want.GetPlace().GetPoint()).MGRS()
		want.Etag, want.UpdateTime = got.GetEtag(), got.GetUpdateTime()
		sameMessage(t, "UpdateIncident with mask "+tt.paths[0], got, want)
		if got.GetEtag() == before.GetEtag() || got.GetUpdateTime().AsTime().Before(before.GetUpdateTime().AsTime()) {
			t.Errorf("mask %v: etag %q update_time %v after %q %v: want a new etag and a later time", tt.paths, got.GetEtag(), got.GetUpdateTime(), before.GetEtag(), before.GetUpdateTime())
		}
		sameMessage(t, "GetIncident after update", e.get(t, before.GetName()), got)
	}
}

func TestUpdateRefusals(t *testing.T) {
	e := newEnv(t)
	stored := e.create(t, "khidr-jija", khidrJija())
	closed := e.create(t, "liheban", khidrJija())
	if _, err := e.client.CloseIncident(testCtx(t), &incidentv1.CloseIncidentRequest{Name: closed.GetName(), Reason: "merged into khidr-jija"}); err != nil {
		t.Fatal(err)
	}
	closed = e.get(t, closed.GetName())
	with := func(change func(*incidentv1.Incident)) *incidentv1.Incident {
		in := proto.Clone(stored).(*incidentv1.Incident)
		change(in)
		return in
	}
	tests := []struct {
		name string
		req  *incidentv1.UpdateIncidentRequest
		want failure
	}{
		{"stale etag", &incidentv1.UpdateIncidentRequest{
			Incident: with(func(i *incidentv1.Incident) { i.Title, i.Etag = "new", "0123456789abcdef0123" }), UpdateMask: mask("title")},
			failure{Code: codes.Aborted, Reason: "ETAG_MISMATCH"}},
		{"unknown path", &incidentv1.UpdateIncidentRequest{Incident: stored, UpdateMask: mask("title", "colour")}, invalid("update_mask.paths[1]")},
		{"output-only path", &incidentv1.UpdateIncidentRequest{Incident: stored, UpdateMask: mask("state")}, invalid("update_mask.paths[0]")},
		{"owner path", &incidentv1.UpdateIncidentRequest{Incident: stored, UpdateMask: mask("reporting_force")}, invalid("update_mask.paths[0]")},
		{"sub-field path", &incidentv1.UpdateIncidentRequest{Incident: stored, UpdateMask: mask("place.point")}, invalid("update_mask.paths[0]")},
		{"empty mask", &incidentv1.UpdateIncidentRequest{Incident: stored, UpdateMask: mask()}, invalid("update_mask")},
		{"no mask", &incidentv1.UpdateIncidentRequest{Incident: stored}, invalid("update_mask")},
		{"empty title", &incidentv1.UpdateIncidentRequest{Incident: with(func(i *incidentv1.Incident) { i.Title = "" }), UpdateMask: mask("title")},
			invalid("incident.title")},
		{"latitude 91", &incidentv1.UpdateIncidentRequest{Incident: with(func(i *incidentv1.Incident) { i.Place.Point.Latitude = 91 }), UpdateMask: mask("place")},
			invalid("incident.place.point.latitude")},
		{"no place", &incidentv1.UpdateIncidentRequest{Incident: with(func(i *incidentv1.Incident) { i.Place = nil }), UpdateMask: mask("place")},
			invalid("incident.place")},
		{"no kind", &incidentv1.UpdateIncidentRequest{Incident: with(func(i *incidentv1.Incident) { i.Kind = 0 }), UpdateMask: mask("kind")},
			invalid("incident.kind")},
		{"no occur_time", &incidentv1.UpdateIncidentRequest{Incident: with(func(i *incidentv1.Incident) { i.OccurTime = nil }), UpdateMask: mask("occur_time")},
			invalid("incident.occur_time")},
		{"zero casualty count", &incidentv1.UpdateIncidentRequest{
			Incident: with(func(i *incidentv1.Incident) { i.Casualties.Counts[0].KilledOrWounded = 0 }), UpdateMask: mask("casualties")},
			invalid("incident.casualties.counts[0]")},
		{"bad source uri", &incidentv1.UpdateIncidentRequest{
			Incident: with(func(i *incidentv1.Incident) { i.Sources[1].Uri = "mailto:desk@rudaw.net" }), UpdateMask: mask("sources")},
			invalid("incident.sources[1].uri")},
		{"unmasked bad field is not checked, masked bad field is", &incidentv1.UpdateIncidentRequest{
			Incident: with(func(i *incidentv1.Incident) { i.Place = nil; i.Governorates = []string{""} }), UpdateMask: mask("governorates")},
			invalid("incident.governorates[0]")},
		{"bad name", &incidentv1.UpdateIncidentRequest{Incident: with(func(i *incidentv1.Incident) { i.Name = "khidr-jija" }), UpdateMask: mask("title")},
			invalid("incident.name")},
		{"no incident", &incidentv1.UpdateIncidentRequest{UpdateMask: mask("title")}, invalid("incident.name", "incident")},
		{"bad request_id", &incidentv1.UpdateIncidentRequest{Incident: stored, UpdateMask: mask("title"), RequestId: "a b"}, invalid("request_id")},
		{"unknown incident", &incidentv1.UpdateIncidentRequest{Incident: with(func(i *incidentv1.Incident) { i.Name = "incidents/liheban-2" }), UpdateMask: mask("title")},
			failure{Code: codes.NotFound, Reason: "RESOURCE_NOT_FOUND"}},
		{"closed incident", &incidentv1.UpdateIncidentRequest{Incident: with(func(i *incidentv1.Incident) { i.Name, i.Etag = closed.GetName(), "" }), UpdateMask: mask("title")},
			failure{Code: codes.FailedPrecondition, Reason: "INCIDENT_CLOSED"}},
	}
	for _, tt := range tests {
		_, err := e.client.UpdateIncident(testCtx(t), tt.req)
		if got := failureOf(t, err); !got.equal(tt.want) {
			t.Errorf("%s: %+v, want %+v (%v)", tt.name, got, tt.want, err)
		}
		sameMessage(t, tt.name+": stored afterwards", e.get(t, stored.GetName()), stored)
		sameMessage(t, tt.name+": closed afterwards", e.get(t, closed.GetName()), closed)
	}
}

func TestUpdateEtagAndRequestID(t *testing.T) {
	e := newEnv(t)
	ctx := testCtx(t)
	stored := e.create(t, "khidr-jija", khidrJija())

	patch := proto.Clone(stored).(*incidentv1.Incident)
	patch.Title = "ISIS attack on Khidr Jija and Liheban"
	req := &incidentv1.UpdateIncidentRequest{Incident: patch, UpdateMask: mask("title"), RequestId: "edit-1"}
	first, err := e.client.UpdateIncident(ctx, req)
	if err != nil {
		t.Fatalf("update with the current etag: %v", err)
	}
	// The retry carries an etag that is now stale: it is answered from the first result.
	retry, err := e.client.UpdateIncident(ctx, req)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	sameMessage(t, "retry of an update", retry.GetIncident(), first.GetIncident())
	sameMessage(t, "stored after the retry", e.get(t, stored.GetName()), first.GetIncident())

	other := proto.Clone(req).(*incidentv1.UpdateIncidentRequest)
	other.Incident.Title = "something else"
	_, err = e.client.UpdateIncident(ctx, other)
	if got, want := failureOf(t, err), (failure{Code: codes.InvalidArgument, Reason: "REQUEST_ID_REUSED", Fields: []string{"request_id"}}); !got.equal(want) {
		t.Errorf("same request_id, other update: %+v, want %+v", got, want)
	}
	stale := proto.Clone(req).(*incidentv1.UpdateIncidentRequest)
	stale.RequestId = "edit-2"
	_, err = e.client.UpdateIncident(ctx, stale)
	if got, want := failureOf(t, err), (failure{Code: codes.Aborted, Reason: "ETAG_MISMATCH"}); !got.equal(want) {
		t.Errorf("new request with the old etag: %+v, want %+v", got, want)
	}
	// Without an etag the last writer wins.
	stale.Incident.Etag = ""
	stale.Incident.Title = "ISIS attack on Khidr Jija (revised)"
	if _, err := e.client.UpdateIncident(ctx, stale); err != nil {
		t.Errorf("update without etag: %v", err)
	}
	if got := e.get(t, stored.GetName()).GetTitle(); got != stale.Incident.Title {
		t.Errorf("title after an update without etag = %q, want %q", got, stale.Incident.Title)
	}
}
