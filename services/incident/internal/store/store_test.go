package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store/storetest"
	"github.com/tansiq/tansiq/services/incident/internal/domain"
)

// incident is what these tests vary: the id, the time and the governorates.
type incident struct {
	id   string
	at   time.Time
	govs []string
}

// newIncidents stores the incidents in a fresh database.
func newIncidents(t *testing.T, incidents ...incident) *Incidents {
	t.Helper()
	ctx := context.Background()
	s, err := New(ctx, storetest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(ctx, s.Mongo().Database()); err != nil {
		t.Fatalf("New is not idempotent: %v", err)
	}
	for _, in := range incidents {
		body := domain.Incident{Kind: "INCIDENT_KIND_ARMED_ATTACK", Title: in.id, OccurTime: in.at, Governorates: in.govs,
			ReportingForce: "forces/peshmerga", State: domain.StateReported}
		if _, err := s.Create(ctx, &Doc{Name: "incidents/" + in.id, Body: body}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

var (
	night = time.Date(2021, 12, 2, 19, 0, 0, 0, time.UTC)
	// Five incidents share the night of 2 December; one came before and one after.
	scenario = []incident{
		{"khidr-jija", night, []string{"Erbil", "Nineveh"}},
		{"kulajo", night.Add(-5 * 24 * time.Hour), []string{"Diyala", "Sulaymaniyah"}},
		{"liheban", night, []string{"Erbil", "Nineveh"}},
		{"qarachogh-1", night, []string{"Erbil"}},
		{"tuz-shelling", night.Add(3 * 24 * time.Hour), []string{"Saladin", "Kirkuk"}},
		{"gwer", night, []string{"Erbil", "Nineveh"}},
		{"makhmour-camp", night, []string{"Nineveh"}},
	}
)

// walk lists all pages of size n and returns the names in order.
func walk(t *testing.T, s *Incidents, conds []filter.Typed, n int) []string {
	t.Helper()
	var names []string
	var after *Position
	for range 20 {
		docs, err := s.List(context.Background(), conds, after, n)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			names = append(names, d.Name)
		}
		if len(docs) < n {
			return names
		}
		last := docs[len(docs)-1]
		after = &Position{OccurTime: last.Body.OccurTime, Name: last.Name}
	}
	t.Fatal("pages never end")
	return nil
}

func TestListPagesBreakTiesByName(t *testing.T) {
	s := newIncidents(t, scenario...)
	// Newest first; within the night of 2 December, by name from last to first.
	all := []string{"incidents/tuz-shelling", "incidents/qarachogh-1", "incidents/makhmour-camp", "incidents/liheban",
		"incidents/khidr-jija", "incidents/gwer", "incidents/kulajo"}
	erbil := []filter.Typed{{Field: "governorate", Op: filter.Eq, Value: "Erbil"}}
	tests := []struct {
		name  string
		conds []filter.Typed
		size  int
		want  []string
	}{
		{"pages of 1", nil, 1, all},
		{"pages of 2", nil, 2, all},
		{"pages of 3", nil, 3, all},
		{"one page", nil, 10, all},
		{"filtered pages of 2", erbil, 2, []string{"incidents/qarachogh-1", "incidents/liheban", "incidents/khidr-jija", "incidents/gwer"}},
		{"range and pages of 2", []filter.Typed{
			{Field: "occur_time", Op: filter.Ge, Value: night},
			{Field: "occur_time", Op: filter.Lt, Value: night.Add(time.Hour)},
		}, 2, all[1:6]},
	}
	for _, tt := range tests {
		if got := walk(t, s, tt.conds, tt.size); !slices.Equal(got, tt.want) {
			t.Errorf("%s:\n got %v\nwant %v", tt.name, got, tt.want)
		}
	}
}

func TestListAfterPosition(t *testing.T) {
	s := newIncidents(t, scenario...)
	tests := []struct {
		after Position
		want  []string
	}{
		// Inside the tie: the rest of the night, then what came before it.
		{Position{night, "incidents/liheban"}, []string{"incidents/khidr-jija", "incidents/gwer", "incidents/kulajo"}},
		// A name that was never stored still places the cursor between its neighbours.
		{Position{night, "incidents/l"}, []string{"incidents/khidr-jija", "incidents/gwer", "incidents/kulajo"}},
		{Position{night, "incidents/a"}, []string{"incidents/kulajo"}},
		{Position{night.Add(time.Millisecond), ""}, []string{"incidents/qarachogh-1", "incidents/makhmour-camp", "incidents/liheban",
			"incidents/khidr-jija", "incidents/gwer", "incidents/kulajo"}},
		{Position{night.Add(-10 * 24 * time.Hour), "incidents/z"}, nil},
	}
	for _, tt := range tests {
		docs, err := s.List(context.Background(), nil, &tt.after, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range docs {
			got = append(got, d.Name)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("after %+v:\n got %v\nwant %v", tt.after, got, tt.want)
		}
	}
}

// TestListTwoConditionsOnOneField: both must hold. Merged into one operator document they
// would repeat a key, which the embedded store cannot read.
func TestListTwoConditionsOnOneField(t *testing.T) {
	s := newIncidents(t, scenario...)
	gov := func(g string) filter.Typed { return filter.Typed{Field: "governorate", Op: filter.Eq, Value: g} }
	tests := []struct {
		conds []filter.Typed
		want  []string
	}{
		{[]filter.Typed{gov("Erbil"), gov("Nineveh")}, []string{"incidents/liheban", "incidents/khidr-jija", "incidents/gwer"}},
		{[]filter.Typed{gov("Nineveh"), gov("Erbil"), gov("Nineveh")}, []string{"incidents/liheban", "incidents/khidr-jija", "incidents/gwer"}},
		{[]filter.Typed{gov("Erbil"), gov("Kirkuk")}, nil},
		{[]filter.Typed{
			{Field: "occur_time", Op: filter.Gt, Value: night.Add(-24 * time.Hour)},
			{Field: "occur_time", Op: filter.Gt, Value: night.Add(-time.Hour)},
			{Field: "occur_time", Op: filter.Lt, Value: night.Add(time.Hour)},
		}, []string{"incidents/qarachogh-1", "incidents/makhmour-camp", "incidents/liheban", "incidents/khidr-jija", "incidents/gwer"}},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, tt := range tests {
		docs, err := s.List(ctx, tt.conds, nil, 10)
		if err != nil {
			t.Fatalf("%v: %v", tt.conds, err)
		}
		var got []string
		for _, d := range docs {
			got = append(got, d.Name)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%v:\n got %v\nwant %v", tt.conds, got, tt.want)
		}
	}
}
