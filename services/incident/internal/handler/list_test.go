package handler

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/pagetoken"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
	"github.com/tansiq/tansiq/services/incident/internal/domain"
	incidentstore "github.com/tansiq/tansiq/services/incident/internal/store"
)

// scenario stores five incidents of late 2021 across the disputed areas, in states set by
// the custom methods, and returns the service holding them.
func scenario(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	at := func(m time.Month, day, hour int) *timestamppb.Timestamp {
		return timestamppb.New(time.Date(2021, m, day, hour, 0, 0, 0, time.UTC))
	}
	mk := func(id string, kind incidentv1.IncidentKind, when *timestamppb.Timestamp, lat, lng float64, district, force string, govs ...string) {
		in := khidrJija()
		in.Title, in.Kind, in.OccurTime, in.District, in.Governorates, in.ReportingForce = id, kind, when, district, govs, force
		in.Place.Point = &typev1.LatLng{Latitude: lat, Longitude: lng}
		e.create(t, id, in)
	}
	mk("kulajo", incidentv1.IncidentKind_INCIDENT_KIND_ARMED_ATTACK, at(time.November, 27, 0), 34.75, 44.90, "Kifri", "forces/peshmerga", "Diyala", "Sulaymaniyah")
	mk("sinjar-ied", incidentv1.IncidentKind_INCIDENT_KIND_IED, at(time.November, 30, 6), 36.32, 41.87, "Sinjar", "forces/iraqi-army", "Nineveh")
	mk("khidr-jija", incidentv1.IncidentKind_INCIDENT_KIND_ARMED_ATTACK, at(time.December, 2, 19), 35.83, 43.62, "Makhmour", "forces/peshmerga", "Erbil", "Nineveh")
	mk("liheban", incidentv1.IncidentKind_INCIDENT_KIND_ARMED_ATTACK, at(time.December, 2, 19), 35.86, 43.66, "Makhmour", "forces/peshmerga", "Erbil", "Nineveh")
	mk("tuz-shelling", incidentv1.IncidentKind_INCIDENT_KIND_INDIRECT_FIRE, at(time.December, 5, 21), 34.88, 44.63, "Tuz Khurmatu", "forces/iraqi-army", "Saladin", "Kirkuk")
	ctx := testCtx(t)
	if _, err := e.client.ConfirmIncident(ctx, &incidentv1.ConfirmIncidentRequest{Name: "incidents/sinjar-ied"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.CloseIncident(ctx, &incidentv1.CloseIncidentRequest{Name: "incidents/tuz-shelling", Reason: "duplicate report"}); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestListFilters(t *testing.T) {
	e := scenario(t)
	all := []string{"incidents/tuz-shelling", "incidents/liheban", "incidents/khidr-jija", "incidents/sinjar-ied", "incidents/kulajo"}
	tests := []struct {
		filter string
		want   []string
	}{
		// Newest first; khidr-jija and liheban share their time and are ordered by name.
		{"", all},
		{`occur_time >= "2021-12-01T00:00:00Z"`, all[:3]},
		{`occur_time >= "2021-11-28T00:00:00Z" AND occur_time < "2021-12-02T22:00:00+03:00"`, all[3:4]},
		{`occur_time > "2021-11-28T00:00:00Z" AND occur_time <= "2021-12-02T19:00:00Z"`, all[1:4]},
		{`occur_time < "2021-11-01T00:00:00Z"`, nil},
		{`governorate = "Nineveh"`, all[1:4]},
		{`governorate = "Erbil"`, all[1:3]},
		{`governorate = "Kirkuk"`, all[:1]},
		{`governorate = Sulaymaniyah`, all[4:]},
		{`governorate = "Erbil" AND governorate = "Nineveh"`, all[1:3]},
		{`governorate = "Erbil" AND governorate = "Kirkuk"`, nil},
		{`governorate = "nineveh"`, nil},
		{`district = "Makhmour"`, all[1:3]},
		{`district = "Tuz Khurmatu"`, all[:1]},
		{`kind = INCIDENT_KIND_IED`, all[3:4]},
		{`kind = INCIDENT_KIND_ARMED_ATTACK`, []string{all[1], all[2], all[4]}},
		{`kind = INCIDENT_KIND_SNIPER`, nil},
		{`state = INCIDENT_STATE_CONFIRMED`, all[3:4]},
		{`state = INCIDENT_STATE_CLOSED`, all[:1]},
		{`state = INCIDENT_STATE_REPORTED`, []string{all[1], all[2], all[4]}},
		{`reporting_force = "forces/iraqi-army"`, []string{all[0], all[3]}},
		// A bounding box around the Qarachogh foothills.
		{`place.latitude >= 35.5 AND place.latitude <= 36 AND place.longitude >= 43.5 AND place.longitude <= 43.7`, all[1:3]},
		{`place.latitude > 35.84 AND place.latitude < 36`, all[1:2]},
		{`place.longitude < 42`, all[3:4]},
		{`governorate = "Nineveh" AND kind = INCIDENT_KIND_ARMED_ATTACK AND occur_time >= "2021-12-01T00:00:00Z"`, all[1:3]},
		// The AIP-160 grammar beyond AND: OR, NOT (or -), parentheses, != and has (:).
		{`kind = INCIDENT_KIND_IED OR governorate = "Kirkuk"`, []string{all[0], all[3]}},
		{`NOT governorate = "Nineveh"`, []string{all[0], all[4]}},
		{`-district = "Makhmour"`, []string{all[0], all[3], all[4]}},
		{`governorate != "Erbil"`, []string{all[0], all[3], all[4]}},
		{`governorate:Diyala OR (state = INCIDENT_STATE_CONFIRMED AND place.longitude < 42)`, []string{all[3], all[4]}},
		{`NOT (kind = INCIDENT_KIND_ARMED_ATTACK OR state = INCIDENT_STATE_CLOSED)`, all[3:4]},
		{`kind != INCIDENT_KIND_ARMED_ATTACK AND (occur_time > "2021-12-01T00:00:00Z" OR district = "Sinjar")`, []string{all[0], all[3]}},
	}
	for _, tt := range tests {
		if tt.want == nil {
			tt.want = []string{}
		}
		if got := e.names(t, tt.filter); !slices.Equal(got, tt.want) {
			t.Errorf("filter %s:\n got %v\nwant %v", tt.filter, got, tt.want)
		}
	}
}

func TestListRefusesBadFilters(t *testing.T) {
	e := scenario(t)
	for _, f := range []string{
		`colour = red`,
		`kind > INCIDENT_KIND_IED`,
		`place.latitude != 35`,
		`district:Makhmour`,
		`timestamp("2021-12-01T00:00:00Z") < occur_time`,
		`district = lower("x")`,
		`kind = INCIDENT_KIND_NOPE`,
		`state = INCIDENT_STATE_UNSPECIFIED`,
		`occur_time >= yesterday`,
		`place.latitude > north`,
		`governorate =`,
		`governorate = "Erbil`,
		`governorate = "Erbil" kind = INCIDENT_KIND_IED`,
		`name = "incidents/kulajo"`,
		`NOT kind = INCIDENT_KIND_NOPE`,
	} {
		_, err := e.client.ListIncidents(testCtx(t), &incidentv1.ListIncidentsRequest{Filter: f})
		if got, want := failureOf(t, err), invalid("filter"); !got.equal(want) {
			t.Errorf("filter %s: %+v, want %+v", f, got, want)
		}
	}
}

// walk lists every page of size n under filter and order and returns the names in order.
func walk(t *testing.T, e *env, filter, order string, n int32) (names []string, pages int) {
	t.Helper()
	tok := ""
	for {
		resp, err := e.client.ListIncidents(testCtx(t), &incidentv1.ListIncidentsRequest{Filter: filter, OrderBy: order, PageSize: n, PageToken: tok})
		if err != nil {
			t.Fatalf("page %d: %v", pages+1, err)
		}
		pages++
		if len(resp.GetIncidents()) > int(n) {
			t.Fatalf("page %d has %d incidents, more than %d", pages, len(resp.GetIncidents()), n)
		}
		names = append(names, namesOf(resp.GetIncidents())...)
		if tok = resp.GetNextPageToken(); tok == "" {
			return names, pages
		}
		if pages > 20 {
			t.Fatal("pages never end")
		}
	}
}

func TestListPages(t *testing.T) {
	e := scenario(t)
	tests := []struct {
		filter    string
		size      int32
		wantPages int
	}{
		{"", 2, 3},
		{"", 1, 5},
		{"", 5, 1},
		{"", 4, 2},
		{`governorate = "Nineveh"`, 2, 2},
		{`state = INCIDENT_STATE_REPORTED`, 1, 3},
	}
	for _, tt := range tests {
		want := e.names(t, tt.filter)
		got, pages := walk(t, e, tt.filter, "", tt.size)
		if !slices.Equal(got, want) || pages != tt.wantPages {
			t.Errorf("filter %q, pages of %d: %d pages %v; want %d pages %v", tt.filter, tt.size, pages, got, tt.wantPages, want)
		}
	}
}

// TestListOrderBy: ListIncidents sorts as order_by asks, pages through an OR filter in that
// order, and refuses orders it does not serve.
func TestListOrderBy(t *testing.T) {
	e := scenario(t)
	newest := []string{"incidents/tuz-shelling", "incidents/liheban", "incidents/khidr-jija", "incidents/sinjar-ied", "incidents/kulajo"}
	oldest := reversed(newest)
	// Oldest change first, ties by name: the order the test works out from the records.
	resp, err := e.client.ListIncidents(testCtx(t), &incidentv1.ListIncidentsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	byUpdate := slices.Clone(resp.GetIncidents())
	slices.SortFunc(byUpdate, func(a, b *incidentv1.Incident) int {
		if c := a.GetUpdateTime().AsTime().Compare(b.GetUpdateTime().AsTime()); c != 0 {
			return c
		}
		return strings.Compare(a.GetName(), b.GetName())
	})
	updated := namesOf(byUpdate)
	if updated[4] != "incidents/tuz-shelling" || updated[3] != "incidents/sinjar-ied" {
		t.Fatalf("the scenario closes tuz-shelling after it confirms sinjar-ied, after every create: %v", updated)
	}
	nineveh := func(names []string) []string {
		return slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == "incidents/kulajo" })
	}
	const or = `governorate = "Nineveh" OR kind = INCIDENT_KIND_INDIRECT_FIRE`
	tests := []struct {
		filter, order string
		want          []string
	}{
		{"", "", newest},
		{"", "occur_time desc", newest},
		{"", "occur_time", oldest},
		{"", "occur_time asc", oldest},
		{"", "update_time", updated},
		{or, "", nineveh(newest)},
		{or, "occur_time", nineveh(oldest)},
		{or, "update_time", nineveh(updated)},
		{or, "update_time desc", reversed(nineveh(updated))},
		{`occur_time >= "2021-11-30T06:00:00Z" AND occur_time < "2021-12-05T21:00:00Z"`, "occur_time", oldest[1:4]},
	}
	for _, tt := range tests {
		for _, size := range []int32{1, 2, 10} {
			if got, _ := walk(t, e, tt.filter, tt.order, size); !slices.Equal(got, tt.want) {
				t.Errorf("filter %q order_by %q, pages of %d:\n got %v\nwant %v", tt.filter, tt.order, size, got, tt.want)
			}
		}
	}
	for _, order := range []string{"title", "occur_time up", "occur_time desc, update_time", "occur_time;", "name"} {
		_, err := e.client.ListIncidents(testCtx(t), &incidentv1.ListIncidentsRequest{OrderBy: order})
		if got, want := failureOf(t, err), invalid("order_by"); !got.equal(want) {
			t.Errorf("order_by %q: %+v, want %+v", order, got, want)
		}
	}
	// A page token is bound to the order it was issued under.
	first, err := e.client.ListIncidents(testCtx(t), &incidentv1.ListIncidentsRequest{PageSize: 2, OrderBy: "occur_time"})
	if err != nil || first.GetNextPageToken() == "" {
		t.Fatalf("first page: %v, %v", first, err)
	}
	_, err = e.client.ListIncidents(testCtx(t), &incidentv1.ListIncidentsRequest{PageSize: 2, OrderBy: "occur_time desc", PageToken: first.GetNextPageToken()})
	if got, want := failureOf(t, err), invalid("page_token"); !got.equal(want) {
		t.Errorf("token under another order: %+v, want %+v", got, want)
	}
	if _, err = e.client.ListIncidents(testCtx(t), &incidentv1.ListIncidentsRequest{PageSize: 2, OrderBy: "occur_time asc", PageToken: first.GetNextPageToken()}); err != nil {
		t.Errorf("token under the same order written otherwise: %v", err)
	}
}

func TestListRefusesForeignPageTokens(t *testing.T) {
	e := scenario(t)
	ctx := testCtx(t)
	first, err := e.client.ListIncidents(ctx, &incidentv1.ListIncidentsRequest{PageSize: 2, Filter: `governorate = "Nineveh"`})
	if err != nil || first.GetNextPageToken() == "" {
		t.Fatalf("first page: %v, %v", first, err)
	}
	tok := first.GetNextPageToken()
	tampered := []byte(tok)
	tampered[len(tampered)/2] ^= 0x01
	// Sealed with the service's secret for this query, in the format before store.Cursor:
	// read as a cursor, it holds a name and no time.
	oldFormat, err := pagetoken.New("test-secret").Encode(pagetoken.Query(`governorate = "Nineveh"`, "occur_time desc"),
		map[string]any{"t": time.Date(2021, 12, 2, 19, 0, 0, 0, time.UTC), "n": "incidents/liheban"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		filter string
		token  string
		want   failure
	}{
		{"same filter", `governorate = "Nineveh"`, tok, failure{}},
		{"other filter", `governorate = "Erbil"`, tok, invalid("page_token")},
		{"no filter", ``, tok, invalid("page_token")},
		{"tampered", `governorate = "Nineveh"`, string(tampered), invalid("page_token")},
		{"truncated", `governorate = "Nineveh"`, tok[:len(tok)-3], invalid("page_token")},
		{"not a token", `governorate = "Nineveh"`, "incidents/kulajo", invalid("page_token")},
		{"format before store.Cursor", `governorate = "Nineveh"`, oldFormat, invalid("page_token")},
		{"bad filter and token", `colour = red`, "x", invalid("filter", "page_token")},
	}
	for _, tt := range tests {
		_, err := e.client.ListIncidents(ctx, &incidentv1.ListIncidentsRequest{PageSize: 2, Filter: tt.filter, PageToken: tt.token})
		if got := failureOf(t, err); !got.equal(tt.want) {
			t.Errorf("%s: %+v, want %+v (%v)", tt.name, got, tt.want, err)
		}
	}
}

func TestListPageSize(t *testing.T) {
	e := newEnv(t)
	// Stored directly: 501 incidents through the API would make the test slow.
	base := time.Date(2021, 11, 1, 0, 0, 0, 0, time.UTC)
	var docs []any
	for i := range 501 {
		in := domain.Incident{Kind: "INCIDENT_KIND_ARMED_ATTACK", Title: "t", OccurTime: base.Add(time.Duration(i) * time.Minute),
			ReportingForce: "forces/peshmerga", State: domain.StateReported}
		docs = append(docs, &incidentstore.Doc{Name: fmt.Sprintf("incidents/n%04d", i), Seq: int64(i + 1),
			RequestID: fmt.Sprintf("r%d", i), Etag: "e", CreateTime: base, UpdateTime: base, Body: in})
	}
	if _, err := e.store.Mongo().InsertMany(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		size     int32
		want     failure
		wantLen  int
		wantNext bool
	}{
		{size: 0, wantLen: 50, wantNext: true},
		{size: 7, wantLen: 7, wantNext: true},
		{size: -1, want: invalid("page_size")},
	}
	for _, tt := range tests {
		resp, err := e.client.ListIncidents(testCtx(t), &incidentv1.ListIncidentsRequest{PageSize: tt.size})
		if got := failureOf(t, err); !got.equal(tt.want) {
			t.Errorf("page_size %d: %+v, want %+v", tt.size, got, tt.want)
			continue
		}
		if got := len(resp.GetIncidents()); got != tt.wantLen || (resp.GetNextPageToken() != "") != tt.wantNext {
			t.Errorf("page_size %d: %d incidents, next %q; want %d, next %v", tt.size, got, resp.GetNextPageToken(), tt.wantLen, tt.wantNext)
		}
	}
	// Above 500 the page is capped, and the next one continues where it stopped.
	first, err := e.client.ListIncidents(testCtx(t), &incidentv1.ListIncidentsRequest{PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(first.GetIncidents()); got != 500 || first.GetNextPageToken() == "" {
		t.Fatalf("page_size 1000: %d incidents, next %q; want 500 and a next page", got, first.GetNextPageToken())
	}
	rest, err := e.client.ListIncidents(testCtx(t), &incidentv1.ListIncidentsRequest{PageSize: 1000, PageToken: first.GetNextPageToken()})
	if err != nil {
		t.Fatal(err)
	}
	if got := namesOf(rest.GetIncidents()); !slices.Equal(got, []string{"incidents/n0000"}) || rest.GetNextPageToken() != "" {
		t.Errorf("after the capped page: %v next %q, want [incidents/n0000] and no next page", got, rest.GetNextPageToken())
	}
}

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}
