package incidentfile

import (
	"reflect"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/cli/internal/problem"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// base is a valid minimal row; cases change or add cells.
func base(changes map[string]string) Row {
	v := map[string]string{
		"kind": "ied", "title": "IED on the Makhmour road", "occur_time": "2021-12-05",
		"latitude": "35.8", "longitude": "43.6", "reporting_force": "peshmerga",
	}
	for k, x := range changes {
		v[k] = x
	}
	return Row{Number: 2, Unit: "line", Values: v}
}

func minimal(edit func(*incidentv1.Incident)) *incidentv1.Incident {
	in := &incidentv1.Incident{
		Kind: incidentv1.IncidentKind_INCIDENT_KIND_IED, Title: "IED on the Makhmour road",
		OccurTime:      timestamppb.New(time.Date(2021, 12, 5, 0, 0, 0, 0, time.UTC)),
		TimePrecision:  typev1.TimePrecision_TIME_PRECISION_DAY,
		Place:          &typev1.Place{Point: &typev1.LatLng{Latitude: 35.8, Longitude: 43.6}},
		ReportingForce: "forces/peshmerga",
	}
	if edit != nil {
		edit(in)
	}
	return in
}

func TestRowIncident(t *testing.T) {
	tests := []struct {
		name   string
		row    Row
		want   *incidentv1.Incident
		wantID string
	}{
		{name: "minimal row", row: base(nil), want: minimal(nil)},
		{
			name: "every column",
			row: base(map[string]string{
				"id": "khidr-jija", "kind": "Armed Attack", "description": "Night attack on the village",
				"occur_time": "2021-12-02T22:30:00Z", "time_precision": "", "geo_precision": "exact",
				"place": "Khidr Jija", "place_ar": "خضر جيجة", "place_ckb": "خدر جیجە",
				"district": "Makhmour", "governorates": "Erbil; Nineveh", "reporting_force": "forces/peshmerga",
				"claimed_by": "ISIS", "assessed_by": "ISIS", "confidence": "HIGH",
				"casualty_sides": "civilian;peshmerga", "killed_or_wounded": "18",
				"source": "Rudaw", "source_uri": "https://example.org/r", "notes": "seed",
			}),
			wantID: "khidr-jija",
			want: &incidentv1.Incident{
				Kind: incidentv1.IncidentKind_INCIDENT_KIND_ARMED_ATTACK, Title: "IED on the Makhmour road",
				Description:   "Night attack on the village",
				OccurTime:     timestamppb.New(time.Date(2021, 12, 2, 22, 30, 0, 0, time.UTC)),
				TimePrecision: typev1.TimePrecision_TIME_PRECISION_EXACT,
				Place: &typev1.Place{Point: &typev1.LatLng{Latitude: 35.8, Longitude: 43.6},
					Name:      &typev1.LocalizedName{English: "Khidr Jija", Arabic: "خضر جيجة", Sorani: "خدر جیجە"},
					Precision: typev1.GeoPrecision_GEO_PRECISION_EXACT},
				District: "Makhmour", Governorates: []string{"Erbil", "Nineveh"}, ReportingForce: "forces/peshmerga",
				Perpetrator: &incidentv1.Perpetrator{Claimed: "ISIS", Assessed: "ISIS", Confidence: incidentv1.Confidence_CONFIDENCE_HIGH},
				Casualties: &incidentv1.Casualties{Counts: []*incidentv1.CasualtyCount{{
					Sides:           []incidentv1.CasualtySide{incidentv1.CasualtySide_CASUALTY_SIDE_CIVILIAN, incidentv1.CasualtySide_CASUALTY_SIDE_PESHMERGA},
					KilledOrWounded: 18}}},
				Sources: []*incidentv1.Source{{Name: "Rudaw", Uri: "https://example.org/r"}},
				Notes:   "seed",
			},
		},
		{
			name: "counts without sides are of unknown sides; a stated precision wins",
			row:  base(map[string]string{"killed": "2", "wounded": "3", "time_precision": "week", "occur_time": "2021-12-05 06:30 UTC"}),
			want: minimal(func(in *incidentv1.Incident) {
				in.OccurTime = timestamppb.New(time.Date(2021, 12, 5, 6, 30, 0, 0, time.UTC))
				in.TimePrecision = typev1.TimePrecision_TIME_PRECISION_WEEK
				in.Casualties = &incidentv1.Casualties{Counts: []*incidentv1.CasualtyCount{{
					Sides: []incidentv1.CasualtySide{incidentv1.CasualtySide_CASUALTY_SIDE_UNKNOWN}, Killed: 2, Wounded: 3}}}
			}),
		},
		// Kulajo, 27 November 2021 at midnight in Iraq, is 26 November 21:00 UTC however it is written.
		{
			name: "RFC 3339 with an offset",
			row:  base(map[string]string{"occur_time": "2021-11-27T00:00:00+03:00"}),
			want: minimal(func(in *incidentv1.Incident) {
				in.OccurTime = timestamppb.New(time.Date(2021, 11, 26, 21, 0, 0, 0, time.UTC))
				in.TimePrecision = typev1.TimePrecision_TIME_PRECISION_EXACT
			}),
		},
		{
			name: "a local time and a zone",
			row:  base(map[string]string{"occur_time": "2021-11-27 00:00 Asia/Baghdad"}),
			want: minimal(func(in *incidentv1.Incident) {
				in.OccurTime = timestamppb.New(time.Date(2021, 11, 26, 21, 0, 0, 0, time.UTC))
				in.TimePrecision = typev1.TimePrecision_TIME_PRECISION_EXACT
			}),
		},
		{
			name: "a local time with seconds, T and a zone",
			row:  base(map[string]string{"occur_time": "2021-11-27T00:00:30 Asia/Baghdad"}),
			want: minimal(func(in *incidentv1.Incident) {
				in.OccurTime = timestamppb.New(time.Date(2021, 11, 26, 21, 0, 30, 0, time.UTC))
				in.TimePrecision = typev1.TimePrecision_TIME_PRECISION_EXACT
			}),
		},
		{
			name: "MGRS in place of latitude and longitude",
			row:  base(map[string]string{"latitude": "", "longitude": "", "mgrs": "38S LE 71660 60477"}),
			want: minimal(func(in *incidentv1.Incident) {
				in.Place = &typev1.Place{Mgrs: "38S LE 71660 60477"}
			}),
		},
		{
			name: "MGRS beside latitude and longitude",
			row:  base(map[string]string{"mgrs": "38SLE7166060477"}),
			want: minimal(func(in *incidentv1.Incident) {
				in.Place.Mgrs = "38SLE7166060477"
			}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, id, vs := tt.row.Incident()
			if len(vs) > 0 {
				t.Fatalf("violations: %v", vs)
			}
			if id != tt.wantID {
				t.Errorf("id: got %q, want %q", id, tt.wantID)
			}
			if !proto.Equal(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestRowIncidentViolations(t *testing.T) {
	tests := []struct {
		name string
		row  Row
		want []problem.Violation
	}{
		{"required cells empty", base(map[string]string{"kind": "", "title": "", "occur_time": "", "reporting_force": ""}), []problem.Violation{
			{Field: "kind", Description: "is required"},
			{Field: "title", Description: "is required"},
			{Field: "reporting_force", Description: "is required"},
			{Field: "occur_time", Description: "is required"},
		}},
		{"unknown kind", base(map[string]string{"kind": "raid"}), []problem.Violation{
			{Field: "kind", Description: `"raid" is not one of armed_attack, ied, indirect_fire, ambush, arson, kidnapping, suicide_attack, sniper, other`},
		}},
		{"unspecified is not a kind", base(map[string]string{"kind": "unspecified"}), []problem.Violation{
			{Field: "kind", Description: `"unspecified" is not one of armed_attack, ied, indirect_fire, ambush, arson, kidnapping, suicide_attack, sniper, other`},
		}},
		{"bad time", base(map[string]string{"occur_time": "2 December 2021"}), []problem.Violation{
			{Field: "occur_time", Description: `"2 December 2021": not a time; use RFC 3339 with an offset (2021-11-27T00:00:00+03:00), a time and a zone (2021-11-27 00:00 Asia/Baghdad) or a date (2021-11-27)`},
		}},
		{"a time with neither offset nor zone", base(map[string]string{"occur_time": "2021-11-27 00:00"}), []problem.Violation{
			{Field: "occur_time", Description: `"2021-11-27 00:00": no offset or zone; use RFC 3339 with an offset (2021-11-27T00:00:00+03:00), a time and a zone (2021-11-27 00:00 Asia/Baghdad) or a date (2021-11-27)`},
		}},
		{"RFC 3339 without its offset", base(map[string]string{"occur_time": "2021-11-27T00:00:00"}), []problem.Violation{
			{Field: "occur_time", Description: `"2021-11-27T00:00:00": no offset or zone; use RFC 3339 with an offset (2021-11-27T00:00:00+03:00), a time and a zone (2021-11-27 00:00 Asia/Baghdad) or a date (2021-11-27)`},
		}},
		{"an unknown zone", base(map[string]string{"occur_time": "2021-11-27 00:00 Asia/Makhmour"}), []problem.Violation{
			{Field: "occur_time", Description: `"2021-11-27 00:00 Asia/Makhmour": not a time; use RFC 3339 with an offset (2021-11-27T00:00:00+03:00), a time and a zone (2021-11-27 00:00 Asia/Baghdad) or a date (2021-11-27)`},
		}},
		{"the importing machine's zone", base(map[string]string{"occur_time": "2021-11-27 00:00 Local"}), []problem.Violation{
			{Field: "occur_time", Description: `"2021-11-27 00:00 Local": not a time; use RFC 3339 with an offset (2021-11-27T00:00:00+03:00), a time and a zone (2021-11-27 00:00 Asia/Baghdad) or a date (2021-11-27)`},
		}},
		{"a bad MGRS reference", base(map[string]string{"latitude": "", "longitude": "", "mgrs": "38SLM1234"}), []problem.Violation{
			{Field: "mgrs", Description: `"38SLM1234" is not an MGRS grid reference: square LM is not in band S of zone 38`},
		}},
		{"neither a point nor MGRS", base(map[string]string{"latitude": "", "longitude": ""}), []problem.Violation{
			{Field: "latitude", Description: "is required"},
			{Field: "longitude", Description: "is required"},
		}},
		{"coordinates out of range and not numbers", base(map[string]string{"latitude": "95", "longitude": "east"}), []problem.Violation{
			{Field: "latitude", Description: "95 is outside [-90, 90]"},
			{Field: "longitude", Description: `"east" is not a number of degrees`},
		}},
		{"bad counts and sides", base(map[string]string{"killed": "-1", "wounded": "two", "casualty_sides": "kurds"}), []problem.Violation{
			{Field: "killed", Description: `"-1" is not a whole number of people`},
			{Field: "wounded", Description: `"two" is not a whole number of people`},
			{Field: "casualty_sides", Description: `"kurds" is not a side: use civilian, iraqi_army, peshmerga, assailant or unknown`},
		}},
		{"sides without counts", base(map[string]string{"casualty_sides": "civilian"}), []problem.Violation{
			{Field: "casualty_sides", Description: "given without killed, wounded or killed_or_wounded"},
		}},
		{"a row that could not be read", Row{Number: 9, Unit: "line", Problem: "has 3 cells, the header 6"}, []problem.Violation{
			{Field: "line", Description: "has 3 cells, the header 6"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, got := tt.row.Incident()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
