package handler

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/platform/resname"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

func TestCreateKeepsUnknownSplit(t *testing.T) {
	e := newEnv(t)
	in := khidrJija()
	got := e.create(t, "khidr-jija", in)

	want := proto.Clone(in).(*incidentv1.Incident)
	want.Name = "incidents/khidr-jija"
	want.State = incidentv1.IncidentState_INCIDENT_STATE_REPORTED
	want.Casualties.Total = 18 // killed 0 and wounded 0: the split is not invented
	want.CreateTime, want.UpdateTime, want.Etag = got.GetCreateTime(), got.GetUpdateTime(), got.GetEtag()
	want.Place.Mgrs = place.LatLngFromProto(want.GetPlace().GetPoint()).MGRS() // returned beside lat/lng
	sameMessage(t, "CreateIncident", got, want)
	if got.GetEtag() == "" || got.GetCreateTime() == nil || !proto.Equal(got.GetCreateTime(), got.GetUpdateTime()) {
		t.Errorf("etag %q, create_time %v, update_time %v: want an etag and equal times", got.GetEtag(), got.GetCreateTime(), got.GetUpdateTime())
	}
	sameMessage(t, "GetIncident after create", e.get(t, got.GetName()), got)
}

func TestCreateChoosesAName(t *testing.T) {
	e := newEnv(t)
	got := e.create(t, "", khidrJija())
	if !resname.Matches(resname.Incident, got.GetName()) {
		t.Fatalf("name = %q, want incidents/{id}", got.GetName())
	}
	sameMessage(t, "GetIncident", e.get(t, got.GetName()), got)
}

// TestCreateAnswersWhatIsStored: the store keeps milliseconds, so the create response (and
// a retry's) must not claim a finer time than a later read returns.
func TestCreateAnswersWhatIsStored(t *testing.T) {
	e := newEnv(t)
	in := khidrJija()
	in.OccurTime = timestamppb.New(time.Date(2021, 12, 2, 19, 0, 0, 123456789, time.UTC))
	in.Sources[0].PublishTime = timestamppb.New(time.Date(2021, 12, 3, 8, 30, 0, 987654321, time.UTC))
	resp, err := e.client.CreateIncident(testCtx(t), &incidentv1.CreateIncidentRequest{Incident: in, RequestId: "fine-times"})
	if err != nil {
		t.Fatal(err)
	}
	sameMessage(t, "GetIncident vs CreateIncident", e.get(t, resp.GetIncident().GetName()), resp.GetIncident())
	retry, err := e.client.CreateIncident(testCtx(t), &incidentv1.CreateIncidentRequest{Incident: in, RequestId: "fine-times"})
	if err != nil {
		t.Fatal(err)
	}
	sameMessage(t, "retry vs first CreateIncident", retry.GetIncident(), resp.GetIncident())
}

func TestCreateValidation(t *testing.T) {
	future := time.Now().Add(2 * time.Hour)
	tests := []struct {
		name   string
		modify func(r *incidentv1.CreateIncidentRequest)
		want   failure
	}{
		{"no incident", func(r *incidentv1.CreateIncidentRequest) { r.Incident = nil }, invalid("incident")},
		{"missing kind", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Kind = 0 }, invalid("incident.kind")},
		{"unknown kind", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Kind = 99 }, invalid("incident.kind")},
		{"missing title", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Title = "" }, invalid("incident.title")},
		{"blank title", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Title = " \t " }, invalid("incident.title")},
		{"long title", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Title = strings.Repeat("ع", 201) }, invalid("incident.title")},
		{"long notes", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Notes = strings.Repeat("x", 10001) }, invalid("incident.notes")},
		{"missing occur_time", func(r *incidentv1.CreateIncidentRequest) { r.Incident.OccurTime = nil }, invalid("incident.occur_time")},
		{"future occur_time", func(r *incidentv1.CreateIncidentRequest) { r.Incident.OccurTime = timestamppb.New(future) }, invalid("incident.occur_time")},
		{"occur_time before 2003", func(r *incidentv1.CreateIncidentRequest) {
			r.Incident.OccurTime = timestamppb.New(time.Date(1991, 3, 5, 0, 0, 0, 0, time.UTC))
		}, invalid("incident.occur_time")},
		{"invalid occur_time", func(r *incidentv1.CreateIncidentRequest) { r.Incident.OccurTime.Nanos = -1 }, invalid("incident.occur_time")},
		{"unknown time_precision", func(r *incidentv1.CreateIncidentRequest) { r.Incident.TimePrecision = 42 }, invalid("incident.time_precision")},
		{"missing place", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Place = nil }, invalid("incident.place")},
		{"place without point", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Place.Point = nil }, invalid("incident.place.point")},
		{"latitude 91", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Place.Point.Latitude = 91 }, invalid("incident.place.point.latitude")},
		{"latitude -Inf", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Place.Point.Latitude = math.Inf(-1) }, invalid("incident.place.point.latitude")},
		{"NaN longitude", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Place.Point.Longitude = math.NaN() }, invalid("incident.place.point.longitude")},
		{"longitude 180.5", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Place.Point.Longitude = 180.5 }, invalid("incident.place.point.longitude")},
		{"unknown geo precision", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Place.Precision = 7 }, invalid("incident.place.precision")},
		{"empty alias", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Place.Name.Aliases[1] = "" }, invalid("incident.place.name.aliases[1]")},
		{"long district", func(r *incidentv1.CreateIncidentRequest) { r.Incident.District = strings.Repeat("m", 201) }, invalid("incident.district")},
		{"empty governorate", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Governorates[1] = " " }, invalid("incident.governorates[1]")},
		{"six governorates", func(r *incidentv1.CreateIncidentRequest) {
			r.Incident.Governorates = []string{"Erbil", "Nineveh", "Kirkuk", "Diyala", "Saladin", "Duhok"}
		}, invalid("incident.governorates")},
		{"unknown confidence", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Perpetrator.Confidence = 9 }, invalid("incident.perpetrator.confidence")},
		{"missing reporting_force", func(r *incidentv1.CreateIncidentRequest) { r.Incident.ReportingForce = "" }, invalid("incident.reporting_force")},
		{"bad reporting_force", func(r *incidentv1.CreateIncidentRequest) { r.Incident.ReportingForce = "peshmerga" }, invalid("incident.reporting_force")},
		{"duplicate casualty side", func(r *incidentv1.CreateIncidentRequest) {
			r.Incident.Casualties.Counts[0].Sides[1] = incidentv1.CasualtySide_CASUALTY_SIDE_CIVILIAN
		}, invalid("incident.casualties.counts[0].sides[1]")},
		{"unspecified casualty side", func(r *incidentv1.CreateIncidentRequest) {
			r.Incident.Casualties.Counts[0].Sides[0] = incidentv1.CasualtySide_CASUALTY_SIDE_UNSPECIFIED
		}, invalid("incident.casualties.counts[0].sides[0]")},
		{"unknown casualty side", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Casualties.Counts[0].Sides[0] = 77 }, invalid("incident.casualties.counts[0].sides[0]")},
		{"count without sides", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Casualties.Counts[0].Sides = nil }, invalid("incident.casualties.counts[0].sides")},
		{"negative count", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Casualties.Counts[0].Killed = -1 }, invalid("incident.casualties.counts[0].killed")},
		{"count too large", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Casualties.Counts[0].Wounded = 100001 }, invalid("incident.casualties.counts[0].wounded")},
		{"zero count", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Casualties.Counts[0].KilledOrWounded = 0 }, invalid("incident.casualties.counts[0]")},
		{"bad source uri", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Sources[0].Uri = "ftp://rudaw.net/x" }, invalid("incident.sources[0].uri")},
		{"relative source uri", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Sources[0].Uri = "/english/kurdistan" }, invalid("incident.sources[0].uri")},
		{"source uri without host", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Sources[1].Uri = "https://" }, invalid("incident.sources[1].uri")},
		{"source without name", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Sources[1].Name = "" }, invalid("incident.sources[1].name")},
		{"invalid publish_time", func(r *incidentv1.CreateIncidentRequest) { r.Incident.Sources[0].PublishTime.Seconds = math.MaxInt64 }, invalid("incident.sources[0].publish_time")},
		{"bad incident_id", func(r *incidentv1.CreateIncidentRequest) { r.IncidentId = "Khidr_Jija" }, invalid("incident_id")},
		{"short incident_id", func(r *incidentv1.CreateIncidentRequest) { r.IncidentId = "abc" }, invalid("incident_id")},
		{"incident_id ending in -", func(r *incidentv1.CreateIncidentRequest) { r.IncidentId = "khidr-" }, invalid("incident_id")},
		{"bad request_id", func(r *incidentv1.CreateIncidentRequest) { r.RequestId = "has space" }, invalid("request_id")},
		{"long request_id", func(r *incidentv1.CreateIncidentRequest) { r.RequestId = strings.Repeat("r", 101) }, invalid("request_id")},
		{"every bad field at once", func(r *incidentv1.CreateIncidentRequest) {
			r.Incident.Title = ""
			r.Incident.Place.Point.Latitude = 91
			r.Incident.Casualties.Counts[0].KilledOrWounded = -5
			r.RequestId = "bad id"
		}, invalid("incident.title", "incident.place.point.latitude", "incident.casualties.counts[0].killed_or_wounded", "request_id")},
	}
	e := newEnv(t)
	existing := e.create(t, "liheban", khidrJija()).GetName()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &incidentv1.CreateIncidentRequest{Incident: khidrJija(), IncidentId: "khidr-jija", RequestId: "create-" + strings.ReplaceAll(tt.name, " ", "-")}
			tt.modify(req)
			_, err := e.client.CreateIncident(testCtx(t), req)
			if got := failureOf(t, err); !got.equal(tt.want) {
				t.Errorf("CreateIncident: %+v, want %+v (%v)", got, tt.want, err)
			}
			if got, want := e.names(t, ""), []string{existing}; !slices.Equal(got, want) {
				t.Errorf("stored after a refused create: %v, want %v", got, want)
			}
		})
	}
}

func TestCreateRequestID(t *testing.T) {
	e := newEnv(t)
	ctx := testCtx(t)
	req := &incidentv1.CreateIncidentRequest{Incident: khidrJija(), RequestId: "field-report-7f3a"}
	first, err := e.client.CreateIncident(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	retry, err := e.client.CreateIncident(ctx, req)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if got, want := retry.GetIncident().GetName()+" "+retry.GetIncident().GetEtag(), first.GetIncident().GetName()+" "+first.GetIncident().GetEtag(); got != want {
		t.Errorf("retry returned %s, want the first result %s", got, want)
	}
	if got, want := e.names(t, ""), []string{first.GetIncident().GetName()}; !slices.Equal(got, want) {
		t.Errorf("stored %v, want one record %v", got, want)
	}

	changed := proto.Clone(req).(*incidentv1.CreateIncidentRequest)
	changed.Incident.Title = "ISIS attack on Liheban"
	_, err = e.client.CreateIncident(ctx, changed)
	if got, want := failureOf(t, err), (failure{Code: codes.InvalidArgument, Reason: "REQUEST_ID_REUSED", Fields: []string{"request_id"}}); !got.equal(want) {
		t.Errorf("same request_id, other body: %+v, want %+v", got, want)
	}

	named := &incidentv1.CreateIncidentRequest{Incident: khidrJija(), IncidentId: "khidr-jija", RequestId: "named-1"}
	if _, err := e.client.CreateIncident(ctx, named); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.CreateIncident(ctx, named); err != nil {
		t.Errorf("retry of a create naming its id: %v, want the first result", err)
	}
	for _, rid := range []string{"", "named-2"} {
		_, err = e.client.CreateIncident(ctx, &incidentv1.CreateIncidentRequest{Incident: khidrJija(), IncidentId: "khidr-jija", RequestId: rid})
		if got, want := failureOf(t, err), (failure{Code: codes.AlreadyExists, Reason: "RESOURCE_ALREADY_EXISTS"}); !got.equal(want) {
			t.Errorf("taken incident_id (request_id %q): %+v, want %+v", rid, got, want)
		}
	}
	if got := len(e.names(t, "")); got != 2 {
		t.Errorf("stored %d records, want 2", got)
	}
}

func TestGetIncident(t *testing.T) {
	e := newEnv(t)
	stored := e.create(t, "khidr-jija", khidrJija())
	tests := []struct {
		name string
		want failure
	}{
		{"incidents/khidr-jija", failure{Code: codes.OK}},
		{"", invalid("name")},
		{"khidr-jija", invalid("name")},
		{"incidents/Khidr-Jija", invalid("name")},
		{"incidents/khidr-jija/x", invalid("name")},
		{"units/khidr-jija", invalid("name")},
		{"incidents/liheban", failure{Code: codes.NotFound, Reason: "RESOURCE_NOT_FOUND"}},
	}
	for _, tt := range tests {
		resp, err := e.client.GetIncident(testCtx(t), &incidentv1.GetIncidentRequest{Name: tt.name})
		if got := failureOf(t, err); !got.equal(tt.want) {
			t.Errorf("GetIncident(%q): %+v, want %+v (%v)", tt.name, got, tt.want, err)
		}
		if err == nil {
			sameMessage(t, "GetIncident", resp.GetIncident(), stored)
		}
	}
}

// TestCreateEveryEnumValue: every named value of every enum is accepted and read back.
func TestCreateEveryEnumValue(t *testing.T) {
	e := newEnv(t)
	for k := range incidentv1.IncidentKind_name {
		if k == 0 {
			continue
		}
		in := khidrJija()
		in.Kind = incidentv1.IncidentKind(k)
		in.TimePrecision = typev1.TimePrecision(k % int32(len(typev1.TimePrecision_name)))
		in.Place.Precision = typev1.GeoPrecision(k % int32(len(typev1.GeoPrecision_name)))
		in.Perpetrator.Confidence = incidentv1.Confidence(k % int32(len(incidentv1.Confidence_name)))
		in.Casualties.Counts[0].Sides = []incidentv1.CasualtySide{incidentv1.CasualtySide(1 + k%5)}
		got := e.create(t, "", in)
		if got.GetKind() != in.GetKind() || got.GetTimePrecision() != in.GetTimePrecision() || got.GetPlace().GetPrecision() != in.GetPlace().GetPrecision() ||
			got.GetPerpetrator().GetConfidence() != in.GetPerpetrator().GetConfidence() || !slices.Equal(got.GetCasualties().GetCounts()[0].GetSides(), in.GetCasualties().GetCounts()[0].GetSides()) {
			t.Errorf("kind %v: read back %v", in.GetKind(), got)
		}
	}
}
