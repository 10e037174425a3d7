package assess

import (
	"reflect"
	"testing"
	"time"
)

// The seed scenario's run of attacks, in UTC (Iraq is UTC+3).
var (
	khidrJija = Incident{Name: "incidents/khidr-jija", ZoneIDs: []string{"zones/makhmour"}, OccurTime: at(2021, 12, 2, 19), Casualties: 18}
	liheban   = Incident{Name: "incidents/liheban", ZoneIDs: []string{"zones/makhmour"}, OccurTime: at(2021, 12, 2, 20), Casualties: 0}
	kulajo1   = Incident{Name: "incidents/kulajo-1", ZoneIDs: []string{"zones/kifri"}, OccurTime: at(2021, 11, 27, 21), Casualties: 4}
	kulajo2   = Incident{Name: "incidents/kulajo-2", ZoneIDs: []string{"zones/kifri"}, OccurTime: at(2021, 11, 28, 21), Casualties: 3}
	kulajo3   = Incident{Name: "incidents/kulajo-3", ZoneIDs: []string{"zones/kifri"}, OccurTime: at(2021, 11, 29, 21), Casualties: 3}

	zones     = []string{"zones/makhmour", "zones/kifri", "zones/kirkuk", "zones/sinjar"}
	incidents = []Incident{kulajo1, khidrJija, kulajo2, liheban, kulajo3}

	december = Window{From: at(2021, 12, 1, 0), To: at(2022, 1, 1, 0)}
	lateNov  = Window{From: at(2021, 11, 25, 0), To: at(2021, 12, 10, 0)}
)

func at(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }

func deployment(name, zone string, state DeploymentState, start, end time.Time) Deployment {
	return Deployment{Name: name, ZoneID: zone, State: state, Start: start, End: end}
}

// makhmourGap is the gap the Khidr Jija and Liheban attacks open in December.
func makhmourGap(lapsed ...string) Gap {
	return Gap{
		ZoneID: "zones/makhmour", IncidentCount: 2, Casualties: 18,
		LastIncidentTime: liheban.OccurTime, LastIncidentName: liheban.Name, LapsedDeployments: lapsed,
	}
}

func TestGaps(t *testing.T) {
	ended := func(d Deployment, endedAt time.Time) Deployment { d.EndedAt = endedAt; return d }
	tests := []struct {
		name        string
		window      Window
		zones       []string
		incidents   []Incident
		deployments []Deployment
		want        []Gap
	}{
		{
			name: "December, no deployments: Makhmour exposed", window: december,
			want: []Gap{makhmourGap()},
		},
		{
			name: "late November: Makhmour before Kifri by casualties", window: lateNov,
			want: []Gap{
				makhmourGap(),
				{ZoneID: "zones/kifri", IncidentCount: 3, Casualties: 10, LastIncidentTime: kulajo3.OccurTime, LastIncidentName: kulajo3.Name},
			},
		},
		{
			name: "active deployment over the attack closes the gap", window: december,
			deployments: []Deployment{deployment("deployments/m1", "zones/makhmour", DeploymentActive, at(2021, 12, 1, 0), at(2021, 12, 10, 0))},
			want:        nil,
		},
		{
			name: "open-ended active deployment covers", window: december,
			deployments: []Deployment{deployment("deployments/m1", "zones/makhmour", DeploymentActive, at(2021, 12, 1, 0), time.Time{})},
			want:        nil,
		},
		{
			name: "proposed deployment covers nothing and has not lapsed", window: december,
			deployments: []Deployment{deployment("deployments/m1", "zones/makhmour", DeploymentProposed, at(2021, 12, 1, 0), at(2021, 12, 10, 0))},
			want:        []Gap{makhmourGap()},
		},
		{
			name: "active deployment in another zone does not cover", window: december,
			deployments: []Deployment{deployment("deployments/k1", "zones/kirkuk", DeploymentActive, at(2021, 12, 1, 0), at(2021, 12, 10, 0))},
			want:        []Gap{makhmourGap()},
		},
		{
			name: "active deployment whose window ended before the attack has lapsed", window: december,
			deployments: []Deployment{deployment("deployments/m1", "zones/makhmour", DeploymentActive, at(2021, 11, 20, 0), at(2021, 12, 2, 0))},
			want:        []Gap{makhmourGap("deployments/m1")},
		},
		{
			name: "deployment that ended before the query window is not listed", window: december,
			deployments: []Deployment{deployment("deployments/m1", "zones/makhmour", DeploymentActive, at(2021, 11, 1, 0), at(2021, 11, 20, 0))},
			want:        []Gap{makhmourGap()},
		},
		{
			name: "deployment ended early, before the attack, has lapsed", window: december,
			deployments: []Deployment{ended(deployment("deployments/m1", "zones/makhmour", DeploymentEnded, at(2021, 12, 1, 0), at(2021, 12, 10, 0)), at(2021, 12, 2, 12))},
			want:        []Gap{makhmourGap("deployments/m1")},
		},
		{
			name: "deployment ended after the attack covered it", window: december,
			deployments: []Deployment{ended(deployment("deployments/m1", "zones/makhmour", DeploymentEnded, at(2021, 12, 1, 0), at(2021, 12, 10, 0)), at(2021, 12, 5, 0))},
			want:        nil,
		},
		{
			name: "ended deployment with no end time covers nothing", window: december,
			deployments: []Deployment{deployment("deployments/m1", "zones/makhmour", DeploymentEnded, at(2021, 12, 1, 0), at(2021, 12, 10, 0))},
			want:        []Gap{makhmourGap("deployments/m1")},
		},
		{
			name: "cancelled deployment has lapsed; a later one has not", window: december,
			deployments: []Deployment{
				deployment("deployments/m2", "zones/makhmour", DeploymentCancelled, at(2021, 12, 1, 0), at(2021, 12, 10, 0)),
				deployment("deployments/m3", "zones/makhmour", DeploymentCancelled, at(2021, 12, 15, 0), at(2021, 12, 20, 0)),
				deployment("deployments/m1", "zones/makhmour", DeploymentActive, at(2021, 11, 25, 0), at(2021, 12, 2, 0)),
				deployment("deployments/m4", "zones/makhmour", DeploymentActive, at(2021, 12, 3, 0), at(2021, 12, 20, 0)),
			},
			want: []Gap{makhmourGap("deployments/m1", "deployments/m2")},
		},
		{
			name: "window [start, end): covered from its start, not at its end", window: december,
			deployments: []Deployment{
				deployment("deployments/m1", "zones/makhmour", DeploymentActive, khidrJija.OccurTime, liheban.OccurTime),
			},
			want: []Gap{{
				ZoneID: "zones/makhmour", IncidentCount: 1, Casualties: 0, CoveredIncidents: 1,
				LastIncidentTime: liheban.OccurTime, LastIncidentName: liheban.Name, LapsedDeployments: []string{"deployments/m1"},
			}},
		},
		{
			name: "overlapping deployments merge to cover", window: december,
			deployments: []Deployment{
				deployment("deployments/m1", "zones/makhmour", DeploymentActive, at(2021, 12, 1, 0), at(2021, 12, 2, 19)),
				deployment("deployments/m2", "zones/makhmour", DeploymentActive, at(2021, 12, 1, 12), at(2021, 12, 2, 20)),
				deployment("deployments/m3", "zones/makhmour", DeploymentActive, at(2021, 12, 2, 20), at(2021, 12, 3, 0)),
			},
			want: nil,
		},
		{
			name: "incident in two zones counts in each, a repeated zone once", window: december,
			incidents: []Incident{{Name: "incidents/x", ZoneIDs: []string{"zones/kirkuk", "zones/makhmour", "zones/kirkuk"}, OccurTime: at(2021, 12, 5, 0), Casualties: 2}},
			want: []Gap{
				{ZoneID: "zones/kirkuk", IncidentCount: 1, Casualties: 2, LastIncidentTime: at(2021, 12, 5, 0), LastIncidentName: "incidents/x"},
				{ZoneID: "zones/makhmour", IncidentCount: 1, Casualties: 2, LastIncidentTime: at(2021, 12, 5, 0), LastIncidentName: "incidents/x"},
			},
		},
		{
			name: "unknown zones, times outside the window and the window's end are ignored", window: december,
			incidents: []Incident{
				{Name: "incidents/a", ZoneIDs: []string{"zones/deleted"}, OccurTime: at(2021, 12, 5, 0), Casualties: 5},
				{Name: "incidents/b", ZoneIDs: []string{"zones/sinjar"}, OccurTime: december.To, Casualties: 5},
				{Name: "incidents/c", ZoneIDs: []string{"zones/sinjar"}, OccurTime: december.From, Casualties: 1},
				{Name: "incidents/d", ZoneIDs: []string{"zones/sinjar"}, OccurTime: december.From.Add(-time.Nanosecond), Casualties: 5},
			},
			want: []Gap{{ZoneID: "zones/sinjar", IncidentCount: 1, Casualties: 1, LastIncidentTime: december.From, LastIncidentName: "incidents/c"}},
		},
		{
			name: "ties: casualties, then recency, then zone id; unknown casualties count 0", window: december,
			incidents: []Incident{
				{Name: "incidents/s", ZoneIDs: []string{"zones/sinjar"}, OccurTime: at(2021, 12, 5, 0), Casualties: 3},
				{Name: "incidents/k2", ZoneIDs: []string{"zones/kirkuk"}, OccurTime: at(2021, 12, 5, 0), Casualties: 3},
				{Name: "incidents/k1", ZoneIDs: []string{"zones/kirkuk"}, OccurTime: at(2021, 12, 5, 0), Casualties: -1},
				{Name: "incidents/m", ZoneIDs: []string{"zones/makhmour"}, OccurTime: at(2021, 12, 6, 0), Casualties: 3},
				{Name: "incidents/f", ZoneIDs: []string{"zones/kifri"}, OccurTime: at(2021, 12, 1, 0), Casualties: 4},
			},
			want: []Gap{
				{ZoneID: "zones/kifri", IncidentCount: 1, Casualties: 4, LastIncidentTime: at(2021, 12, 1, 0), LastIncidentName: "incidents/f"},
				{ZoneID: "zones/makhmour", IncidentCount: 1, Casualties: 3, LastIncidentTime: at(2021, 12, 6, 0), LastIncidentName: "incidents/m"},
				{ZoneID: "zones/kirkuk", IncidentCount: 2, Casualties: 3, LastIncidentTime: at(2021, 12, 5, 0), LastIncidentName: "incidents/k1"},
				{ZoneID: "zones/sinjar", IncidentCount: 1, Casualties: 3, LastIncidentTime: at(2021, 12, 5, 0), LastIncidentName: "incidents/s"},
			},
		},
		{
			name: "only the zones asked for", window: lateNov, zones: []string{"zones/kifri"},
			want: []Gap{{ZoneID: "zones/kifri", IncidentCount: 3, Casualties: 10, LastIncidentTime: kulajo3.OccurTime, LastIncidentName: kulajo3.Name}},
		},
		{name: "empty window", window: Window{From: december.To, To: december.From}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zs, incs := tt.zones, tt.incidents
			if zs == nil {
				zs = zones
			}
			if incs == nil {
				incs = incidents
			}
			got := Gaps(tt.window, zs, incs, tt.deployments)
			for i := range got {
				// Score is tested on its own below.
				if s := got[i].Score - float64(got[i].Casualties); s < 0 || s >= 1 {
					t.Errorf("gap %s: Score %v is not Casualties plus a fraction", got[i].ZoneID, got[i].Score)
				}
				got[i].Score = 0
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Gaps() =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestGapScore(t *testing.T) {
	w := Window{From: at(2021, 12, 1, 0), To: at(2021, 12, 11, 0)} // ten days
	incs := []Incident{
		{Name: "incidents/a", ZoneIDs: []string{"zones/a"}, OccurTime: at(2021, 12, 1, 0), Casualties: 18},
		{Name: "incidents/b", ZoneIDs: []string{"zones/b"}, OccurTime: at(2021, 12, 6, 0), Casualties: 0},
	}
	got := Gaps(w, []string{"zones/a", "zones/b"}, incs, nil)
	want := map[string]float64{"zones/a": 18, "zones/b": 0.5}
	if len(got) != len(want) {
		t.Fatalf("Gaps() = %+v, want gaps for %v", got, want)
	}
	for _, g := range got {
		if g.Score != want[g.ZoneID] {
			t.Errorf("gap %s: Score = %v, want %v", g.ZoneID, g.Score, want[g.ZoneID])
		}
	}
}

// An incident inside an area held at its time is covered; a deployment with an area of
// its own covers only through that area, not its whole zone.
func TestGapsWithAreas(t *testing.T) {
	inArea := khidrJija
	inArea.CoveredByArea = true
	withArea := deployment("deployments/m1", "zones/makhmour", DeploymentActive, at(2021, 12, 1, 0), time.Time{})
	withArea.HasArea = true
	got := Gaps(december, zones, []Incident{inArea, liheban}, []Deployment{withArea})
	want := []Gap{{ZoneID: "zones/makhmour", IncidentCount: 1, Casualties: 0, CoveredIncidents: 1,
		LastIncidentTime: liheban.OccurTime, LastIncidentName: liheban.Name}}
	for i := range got {
		got[i].Score = 0
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Gaps() =\n%+v\nwant\n%+v", got, want)
	}
}
