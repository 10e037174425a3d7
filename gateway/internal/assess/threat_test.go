package assess

import (
	"testing"
	"time"
)

func TestThreatLevel(t *testing.T) {
	now := at(2021, 12, 10, 0)
	day := 24 * time.Hour
	inc := func(ago time.Duration, casualties int) Incident {
		return Incident{Name: "incidents/x", OccurTime: now.Add(-ago), Casualties: casualties}
	}
	many := func(n int, ago time.Duration, casualties int) []Incident {
		out := make([]Incident, n)
		for i := range out {
			out[i] = inc(ago, casualties)
		}
		return out
	}
	tests := []struct {
		name       string
		incidents  []Incident
		want       Level
		wantReason string
	}{
		{"none", nil, LevelMinimal, "no incidents in the last 90 days"},
		{"only older than 90 days", []Incident{inc(91*day, 30)}, LevelMinimal, "no incidents in the last 90 days"},
		{"only in the future", []Incident{inc(-day, 30)}, LevelMinimal, "no incidents in the last 90 days"},
		{"30 to 90 days ago", []Incident{inc(45*day, 30), inc(30*day, 1)}, LevelLow, "no incidents in the last 30 days; 2 incidents in the 60 days before"},
		{"one without casualties", []Incident{inc(day, 0)}, LevelLow, "1 incident with 0 casualties in the last 30 days"},
		{"one casualty", []Incident{inc(day, 1)}, LevelModerate, "1 incident with 1 casualty in the last 30 days"},
		{"two without casualties", many(2, day, 0), LevelModerate, "2 incidents with 0 casualties in the last 30 days"},
		{"three casualties", []Incident{inc(day, 3)}, LevelSubstantial, "1 incident with 3 casualties in the last 30 days"},
		{"three incidents", many(3, day, 0), LevelSubstantial, "3 incidents with 0 casualties in the last 30 days"},
		{"Khidr Jija and Liheban", []Incident{inc(8*day, 18), inc(8*day, 0)}, LevelHigh, "2 incidents with 18 casualties in the last 30 days"},
		{"five incidents", many(5, day, 0), LevelHigh, "5 incidents with 0 casualties in the last 30 days"},
		{"twenty-five casualties", []Incident{inc(day, 20), inc(2*day, 5), inc(40*day, 100)}, LevelExtreme, "2 incidents with 25 casualties in the last 30 days"},
		{"ten incidents", many(10, 29*day, 0), LevelExtreme, "10 incidents with 0 casualties in the last 30 days"},
		{"unknown casualties count 0", []Incident{inc(day, -1)}, LevelLow, "1 incident with 0 casualties in the last 30 days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := ThreatLevel(tt.incidents, now)
			if got != tt.want || reason != tt.wantReason {
				t.Errorf("ThreatLevel() = %v, %q; want %v, %q", got, reason, tt.want, tt.wantReason)
			}
		})
	}
}

func TestLevelString(t *testing.T) {
	tests := []struct {
		l    Level
		want string
	}{
		{LevelMinimal, "minimal"}, {LevelSubstantial, "substantial"}, {LevelExtreme, "extreme"}, {0, "Level(0)"}, {7, "Level(7)"},
	}
	for _, tt := range tests {
		if got := tt.l.String(); got != tt.want {
			t.Errorf("Level(%d).String() = %q, want %q", int(tt.l), got, tt.want)
		}
	}
}
