package seed

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/store/storetest"
	"github.com/tansiq/tansiq/services/incident/internal/domain"
	incidentstore "github.com/tansiq/tansiq/services/incident/internal/store"
)

func TestLoadTwiceStoresEachIncidentOnce(t *testing.T) {
	ctx := context.Background()
	s, err := incidentstore.New(ctx, storetest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := Load(ctx, s); err != nil {
		t.Fatalf("first load: %v", err)
	}
	first, err := s.Find(ctx, nil, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	// A restart loads the seed again: nothing new may be stored, nothing rewritten.
	if err := Load(ctx, s); err != nil {
		t.Fatalf("second load: %v", err)
	}
	again, err := s.Find(ctx, nil, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	etags := func(docs []*incidentstore.Doc) []string {
		var out []string
		for _, d := range docs {
			out = append(out, d.Name+" "+d.Etag)
		}
		slices.Sort(out)
		return out
	}
	if got, want := etags(again), etags(first); !slices.Equal(got, want) {
		t.Errorf("after the second load: %v, want %v unchanged", got, want)
	}
	var names, want []string
	for _, d := range again {
		names = append(names, d.Name)
	}
	for _, si := range Incidents() {
		want = append(want, "incidents/"+si.ID)
	}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("stored %v, want each seed incident once: %v", names, want)
	}
}

func TestKhidrJijaKeepsUnknownSplit(t *testing.T) {
	ctx := context.Background()
	s, err := incidentstore.New(ctx, storetest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := Load(ctx, s); err != nil {
		t.Fatal(err)
	}
	d, err := s.Get(ctx, "incidents/khidr-jija-attack-2021-12-02")
	if err != nil {
		t.Fatal(err)
	}
	got := d.Body
	wantCounts := []domain.Casualties{{Sides: []string{"CASUALTY_SIDE_CIVILIAN", "CASUALTY_SIDE_PESHMERGA"}, KilledOrWounded: 18}}
	if !reflect.DeepEqual(got.Casualties, wantCounts) {
		t.Errorf("casualties = %+v, want %+v", got.Casualties, wantCounts)
	}
	if tot, want := got.Totals(), (domain.Totals{Killed: 0, Wounded: 0, All: 18}); tot != want {
		t.Errorf("totals = %+v, want %+v", tot, want)
	}
	// 22:00 local time in Iraq (UTC+3) on the night of 2 December 2021.
	if want := time.Date(2021, 12, 2, 19, 0, 0, 0, time.UTC); !got.OccurTime.Equal(want) {
		t.Errorf("occur_time = %v, want %v", got.OccurTime, want)
	}
	if got.State != domain.StateReported || got.ReportingForce != "forces/peshmerga" || d.Owner != "forces/peshmerga" {
		t.Errorf("state %q, reporting force %q, owner %q; want reported by and owned by forces/peshmerga", got.State, got.ReportingForce, d.Owner)
	}
	if !slices.Equal(got.Governorates, []string{"Erbil", "Nineveh"}) {
		t.Errorf("governorates = %v, want both claimants", got.Governorates)
	}
}
