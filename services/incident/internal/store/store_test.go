package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
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

// parse checks a ListIncidents filter.
func parse(t testing.TB, s string) filter.Filter {
	t.Helper()
	f, err := ListSchema.Parse(s)
	if err != nil {
		t.Fatalf("filter %q: %v", s, err)
	}
	return f
}

// walk lists all pages of size n in order and returns the names in order.
func walk(t *testing.T, s *Incidents, f filter.Filter, order string, n int) []string {
	t.Helper()
	var names []string
	sort := Sorts.Get(order)
	if sort.OrderBy != order {
		t.Fatalf("no sort %q", order)
	}
	var after *store.Cursor
	for range 20 {
		docs, err := s.List(context.Background(), f, sort, after, n)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			names = append(names, d.Name)
		}
		if len(docs) < n {
			return names
		}
		cur := sort.CursorOf(docs[len(docs)-1])
		after = &cur
	}
	t.Fatal("pages never end")
	return nil
}

func names(docs []*Doc) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.Name)
	}
	return out
}

func TestListPagesBreakTiesByName(t *testing.T) {
	s := newIncidents(t, scenario...)
	// Newest first; within the night of 2 December, by name from last to first.
	all := []string{"incidents/tuz-shelling", "incidents/qarachogh-1", "incidents/makhmour-camp", "incidents/liheban",
		"incidents/khidr-jija", "incidents/gwer", "incidents/kulajo"}
	oldest := slices.Clone(all)
	slices.Reverse(oldest)
	night0, night1 := night.Format(time.RFC3339), night.Add(time.Hour).Format(time.RFC3339)
	tests := []struct {
		name, filter, order string
		size                int
		want                []string
	}{
		{"pages of 1", "", "occur_time desc", 1, all},
		{"pages of 2", "", "occur_time desc", 2, all},
		{"pages of 3", "", "occur_time desc", 3, all},
		{"one page", "", "occur_time desc", 10, all},
		{"filtered pages of 2", `governorate = "Erbil"`, "occur_time desc", 2, []string{"incidents/qarachogh-1", "incidents/liheban", "incidents/khidr-jija", "incidents/gwer"}},
		{"range and pages of 2", `occur_time >= "` + night0 + `" AND occur_time < "` + night1 + `"`, "occur_time desc", 2, all[1:6]},
		{"oldest first, pages of 2", "", "occur_time", 2, oldest},
		{"oldest first, pages of 3", "", "occur_time", 3, oldest},
		{"oldest first, range", `occur_time >= "` + night0 + `" AND occur_time < "` + night1 + `"`, "occur_time", 2, oldest[1:6]},
		{"oldest first, open range", `occur_time > "` + night0 + `"`, "occur_time", 1, oldest[6:]},
		{"oldest first, upper bound", `occur_time <= "` + night0 + `"`, "occur_time", 2, oldest[:6]},
		{"newest first, exact time", `occur_time = "` + night0 + `"`, "occur_time desc", 4, all[1:6]},
		{"oldest first, exact time", `occur_time = "` + night0 + `"`, "occur_time", 4, oldest[1:6]},
		{"OR across indexed fields", `governorate = "Diyala" OR governorate = "Kirkuk"`, "occur_time desc", 1, []string{"incidents/tuz-shelling", "incidents/kulajo"}},
		{"NOT and parentheses", `NOT (governorate = "Erbil" OR governorate = "Saladin")`, "occur_time", 1, []string{"incidents/kulajo", "incidents/makhmour-camp"}},
		{"OR with a range", `occur_time > "` + night0 + `" OR governorate:Diyala`, "occur_time", 1, []string{"incidents/kulajo", "incidents/tuz-shelling"}},
	}
	for _, tt := range tests {
		if got := walk(t, s, parse(t, tt.filter), tt.order, tt.size); !slices.Equal(got, tt.want) {
			t.Errorf("%s:\n got %v\nwant %v", tt.name, got, tt.want)
		}
	}
}

func TestListAfterCursor(t *testing.T) {
	s := newIncidents(t, scenario...)
	at := func(t time.Time, name string) store.Cursor {
		return store.Cursor{Key: store.SortKey{Time: t}, Name: name}
	}
	tests := []struct {
		order string
		after store.Cursor
		want  []string
	}{
		// Inside the tie: the rest of the night, then what came before it.
		{"occur_time desc", at(night, "incidents/liheban"), []string{"incidents/khidr-jija", "incidents/gwer", "incidents/kulajo"}},
		// A name that was never stored still places the cursor between its neighbours.
		{"occur_time desc", at(night, "incidents/l"), []string{"incidents/khidr-jija", "incidents/gwer", "incidents/kulajo"}},
		{"occur_time desc", at(night, "incidents/a"), []string{"incidents/kulajo"}},
		{"occur_time desc", at(night.Add(time.Millisecond), ""), []string{"incidents/qarachogh-1", "incidents/makhmour-camp", "incidents/liheban",
			"incidents/khidr-jija", "incidents/gwer", "incidents/kulajo"}},
		{"occur_time desc", at(night.Add(-10*24*time.Hour), "incidents/z"), nil},
		// Oldest first, the tie runs by name from first to last.
		{"occur_time", at(night, "incidents/liheban"), []string{"incidents/makhmour-camp", "incidents/qarachogh-1", "incidents/tuz-shelling"}},
	}
	for _, tt := range tests {
		docs, err := s.List(context.Background(), filter.Filter{}, Sorts.Get(tt.order), &tt.after, 10)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(docs); !slices.Equal(got, tt.want) {
			t.Errorf("%s after %+v:\n got %v\nwant %v", tt.order, tt.after, got, tt.want)
		}
	}
}

// TestListTwoConditionsOnOneField: both must hold.
func TestListTwoConditionsOnOneField(t *testing.T) {
	s := newIncidents(t, scenario...)
	at := func(d time.Duration) string { return `"` + night.Add(d).Format(time.RFC3339) + `"` }
	tests := []struct {
		filter string
		want   []string
	}{
		{`governorate = "Erbil" AND governorate = "Nineveh"`, []string{"incidents/liheban", "incidents/khidr-jija", "incidents/gwer"}},
		{`governorate = "Nineveh" AND governorate = "Erbil" AND governorate = "Nineveh"`, []string{"incidents/liheban", "incidents/khidr-jija", "incidents/gwer"}},
		{`governorate = "Erbil" AND governorate = "Kirkuk"`, nil},
		{`occur_time > ` + at(-24*time.Hour) + ` AND occur_time > ` + at(-time.Hour) + ` AND occur_time < ` + at(time.Hour),
			[]string{"incidents/qarachogh-1", "incidents/makhmour-camp", "incidents/liheban", "incidents/khidr-jija", "incidents/gwer"}},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, tt := range tests {
		docs, err := s.List(ctx, parse(t, tt.filter), Sorts[0], nil, 10)
		if err != nil {
			t.Fatalf("%v: %v", tt.filter, err)
		}
		if got := names(docs); !slices.Equal(got, tt.want) {
			t.Errorf("%v:\n got %v\nwant %v", tt.filter, got, tt.want)
		}
	}
}
