package handler

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/resname"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
	"github.com/tansiq/tansiq/services/incident/internal/seed"
	incidentstore "github.com/tansiq/tansiq/services/incident/internal/store"
)

// TestSeedPassesValidation: what the seed stores must be something a client could have
// sent, read back through the API.
func TestSeedPassesValidation(t *testing.T) {
	e := newEnv(t)
	if err := seed.Load(context.Background(), e.store); err != nil {
		t.Fatal(err)
	}
	resp, err := e.client.ListIncidents(testCtx(t), &incidentv1.ListIncidentsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(resp.GetIncidents()), len(seed.Incidents()); got != want {
		t.Fatalf("listed %d seed incidents, want %d", got, want)
	}
	for _, in := range resp.GetIncidents() {
		var v apperr.Violations
		resname.Check(&v, "incident.name", in.GetName(), resname.Incident)
		validateIncident(&v, "incident", in, nil, time.Now())
		if len(v.List()) > 0 {
			t.Errorf("seed incident %s is invalid: %v", in.GetName(), v.List())
		}
	}
}

// fuzzNow is the clock of the fuzz target, fixed so that findings replay.
var fuzzNow = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

func FuzzValidateIncident(f *testing.F) {
	f.Add(int32(1), "ISIS attack on Khidr Jija", int64(1638471600), int32(0), 35.83, 43.62, int32(2), "Khidirjija", "Erbil",
		int32(1), int32(3), int32(0), int32(0), int32(18), "https://www.rudaw.net/english", "forces/peshmerga", "")
	f.Add(int32(0), "", int64(0), int32(-1), 91.0, -181.0, int32(9), "", "", int32(0), int32(0), int32(-1), int32(0), int32(0), "ftp://x", "peshmerga", "casualties")
	f.Fuzz(func(t *testing.T, kind int32, title string, sec int64, nanos int32, lat, lng float64, geoPrecision int32, alias, governorate string,
		side1, side2, killed, wounded, killedOrWounded int32, uri, force, maskPath string) {
		in := &incidentv1.Incident{
			Kind:          incidentv1.IncidentKind(kind),
			Title:         title,
			OccurTime:     &timestamppb.Timestamp{Seconds: sec, Nanos: nanos},
			TimePrecision: typev1.TimePrecision(kind % 7),
			Place: &typev1.Place{Point: &typev1.LatLng{Latitude: lat, Longitude: lng},
				Name: &typev1.LocalizedName{English: title, Aliases: []string{alias}}, Precision: typev1.GeoPrecision(geoPrecision)},
			District:     governorate,
			Governorates: []string{governorate, alias},
			Perpetrator:  &incidentv1.Perpetrator{Claimed: alias, Confidence: incidentv1.Confidence(side2)},
			Casualties: &incidentv1.Casualties{Counts: []*incidentv1.CasualtyCount{
				{Sides: []incidentv1.CasualtySide{incidentv1.CasualtySide(side1), incidentv1.CasualtySide(side2)}, Killed: killed, Wounded: wounded, KilledOrWounded: killedOrWounded},
			}},
			ReportingForce: force,
			Sources:        []*incidentv1.Source{{Name: title, Uri: uri, PublishTime: &timestamppb.Timestamp{Seconds: sec, Nanos: nanos}}},
		}
		var paths map[string]bool
		if maskPath != "" {
			paths = map[string]bool{maskPath: true}
		}
		var v apperr.Violations
		validateIncident(&v, "incident", in, paths, fuzzNow)
		for _, x := range v.List() {
			if !strings.HasPrefix(x.Field, "incident") || x.Description == "" {
				t.Fatalf("violation %+v: want a field under incident and a description", x)
			}
		}
		if paths != nil || len(v.List()) > 0 {
			return
		}
		// Accepted: what is stored must read back as sent, within the store's precision.
		got := toProto(&incidentstore.Doc{Name: "incidents/fuzz", Body: fromProto(in)})
		if got.GetKind() != in.GetKind() || got.GetPlace().GetPrecision() != in.GetPlace().GetPrecision() ||
			!got.GetOccurTime().AsTime().Equal(in.GetOccurTime().AsTime().Truncate(time.Millisecond)) {
			t.Fatalf("accepted incident reads back as %v", got)
		}
		c := got.GetCasualties()
		if c.GetTotal() < c.GetTotalKilled()+c.GetTotalWounded() || c.GetTotal() != killed+wounded+killedOrWounded {
			t.Fatalf("totals %v for killed %d wounded %d killed_or_wounded %d", c, killed, wounded, killedOrWounded)
		}
	})
}
