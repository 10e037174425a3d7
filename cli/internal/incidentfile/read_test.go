package incidentfile

import (
	"reflect"
	"strings"
	"testing"
)

func TestReadCSV(t *testing.T) {
	const header = "kind,title,occur_time,latitude,longitude,reporting_force"
	tests := []struct {
		name    string
		in      string
		want    []Row
		wantErr string
	}{
		{
			name: "rows numbered by their line, cells by column",
			in: header + "\n" +
				"ied,IED on the road,2021-12-05,35.8,43.6,peshmerga\n" +
				"\n" + // blank lines are skipped but still counted
				"ambush,\"Ambush, north\",2021-12-06,35.9,43.5,iraqi-army\n",
			want: []Row{
				{Number: 2, Unit: "line", Values: map[string]string{"kind": "ied", "title": "IED on the road", "occur_time": "2021-12-05", "latitude": "35.8", "longitude": "43.6", "reporting_force": "peshmerga"}},
				{Number: 4, Unit: "line", Values: map[string]string{"kind": "ambush", "title": "Ambush, north", "occur_time": "2021-12-06", "latitude": "35.9", "longitude": "43.5", "reporting_force": "iraqi-army"}},
			},
		},
		{
			name: "header spelt as a spreadsheet would, with a byte order mark",
			in:   "\ufeffKind, Title ,Occur Time,LATITUDE,longitude,reporting-force\nied,t,2021-12-05,1,2,peshmerga\n",
			want: []Row{{Number: 2, Unit: "line", Values: map[string]string{"kind": "ied", "title": "t", "occur_time": "2021-12-05", "latitude": "1", "longitude": "2", "reporting_force": "peshmerga"}}},
		},
		{
			name: "a record with the wrong number of cells is a row with a problem",
			in:   header + "\nied,t,2021-12-05\n",
			want: []Row{{Number: 2, Unit: "line", Values: map[string]string{}, Problem: "has 3 cells, the header 6"}},
		},
		{
			name: "MGRS in place of latitude and longitude",
			in:   "kind,title,occur_time,mgrs,reporting_force\nied,t,2021-12-05,38SLE7166060477,peshmerga\n",
			want: []Row{{Number: 2, Unit: "line", Values: map[string]string{"kind": "ied", "title": "t", "occur_time": "2021-12-05", "mgrs": "38SLE7166060477", "reporting_force": "peshmerga"}}},
		},
		{name: "latitude without longitude nor MGRS", in: "kind,title,occur_time,latitude,reporting_force\n", wantErr: "missing required column(s) latitude, longitude"},
		{name: "unknown column", in: header + ",casualties\n", wantErr: `unknown column(s) "casualties"`},
		{name: "missing required column", in: "kind,title\n", wantErr: "missing required column(s) latitude, longitude, occur_time, reporting_force"},
		{name: "repeated column", in: header + ",title\n", wantErr: `column "title" appears twice`},
		{name: "empty file", in: "", wantErr: "empty file"},
		{name: "header only", in: header + "\n", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadCSV(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestReadGeoJSON(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Row
		wantErr string
	}{
		{
			name: "point gives the place, lon first; lists and numbers flatten",
			in: `{"type":"FeatureCollection","features":[
				{"type":"Feature","geometry":{"type":"Point","coordinates":[43.6,35.8]},
				 "properties":{"kind":"ied","title":"IED","governorates":["Erbil","Nineveh"],"killed":2}}]}`,
			want: []Row{{Number: 1, Unit: "feature", Values: map[string]string{
				"kind": "ied", "title": "IED", "governorates": "Erbil;Nineveh", "killed": "2",
				"latitude": "35.8", "longitude": "43.6"}}},
		},
		{
			name: "a feature that is not a point is a row with a problem",
			in: `{"type":"FeatureCollection","features":[
				{"type":"Feature","geometry":{"type":"LineString","coordinates":[[43.6,35.8],[43.7,35.9]]},"properties":{"title":"x"}}]}`,
			want: []Row{{Number: 1, Unit: "feature", Values: map[string]string{"title": "x"}, Problem: "geometry must be a Point"}},
		},
		{
			name: "a nested object is a row with a problem",
			in: `{"type":"FeatureCollection","features":[
				{"type":"Feature","geometry":{"type":"Point","coordinates":[43.6,35.8]},"properties":{"notes":{"a":1}}}]}`,
			want: []Row{{Number: 1, Unit: "feature", Values: map[string]string{"latitude": "35.8", "longitude": "43.6"},
				Problem: `property "notes": want a string, a number or a list of them`}},
		},
		{name: "unknown property", in: `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"fatalities":3}}]}`,
			wantErr: `unknown column(s) "fatalities"`},
		{name: "not a feature collection", in: `[1,2]`, wantErr: "not a GeoJSON FeatureCollection"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadGeoJSON([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestColumn(t *testing.T) {
	tests := []struct{ field, want string }{
		{"incident.title", "title"},
		{"incident.place.point.latitude", "latitude"},
		{"incident.place.point", "latitude/longitude"},
		{"incident.place.name.english", "place"},
		{"incident.casualties.counts[0].killed", "killed"},
		{"incident.casualties.counts[0].killed_or_wounded", "killed_or_wounded"},
		{"incident.governorates[1]", "governorates"},
		{"incident_id", "id"},
		{"request_id", ""},
		{"incident.titles", ""},
	}
	for _, tt := range tests {
		if got := Column(tt.field); got != tt.want {
			t.Errorf("Column(%q): got %q, want %q", tt.field, got, tt.want)
		}
	}
}
