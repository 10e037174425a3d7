package e2e

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/e2e/harness"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/store"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// pages walks a list a record a page through the gateway: list returns a page's names and
// the next page's token.
func pages(t *testing.T, list func(token string) ([]string, string, error)) []string {
	t.Helper()
	var all []string
	token := ""
	for range 20 {
		names, next, err := list(token)
		if err != nil {
			t.Fatal(err)
		}
		if len(names) > 1 {
			t.Fatalf("a page of %d, asked for 1", len(names))
		}
		all = append(all, names...)
		if token = next; token == "" {
			return all
		}
	}
	t.Fatal("more than 20 pages")
	return nil
}

// TestListsFilterOrderAndPageThroughGateway: an OR filter with an order_by, a record a
// page, through the gateway to the incident and meeting services; a bad order_by and a
// token replayed under another order are refused on their fields.
func TestListsFilterOrderAndPageThroughGateway(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	token := env.Token("e2e-operator", harness.Peshmerga, auth.RoleOperator)
	incidents := incidentClient(t, token)

	// Four incidents of a district of their own; three match the filter.
	district := "E2E-" + store.NewID()
	base := time.Date(2021, 12, 5, 6, 0, 0, 0, time.UTC)
	made := map[string]string{} // id -> name
	for i, k := range []struct {
		id   string
		kind incidentv1.IncidentKind
		at   time.Duration
	}{
		{"ied-late", incidentv1.IncidentKind_INCIDENT_KIND_IED, 3 * time.Hour},
		{"ambush", incidentv1.IncidentKind_INCIDENT_KIND_AMBUSH, time.Hour},
		{"arson", incidentv1.IncidentKind_INCIDENT_KIND_ARSON, 2 * time.Hour},
		{"ied-early", incidentv1.IncidentKind_INCIDENT_KIND_IED, 0},
	} {
		in := ied(district, base.Add(k.at))
		in.Kind = k.kind
		resp, err := incidents.CreateIncident(ctx, &incidentv1.CreateIncidentRequest{Incident: in, RequestId: fmt.Sprintf("e2e-lists-%s-%d", district, i)})
		if err != nil {
			t.Fatal(err)
		}
		made[k.id] = resp.GetIncident().GetName()
	}
	filter := `district = "` + district + `" AND (kind = INCIDENT_KIND_IED OR kind = INCIDENT_KIND_AMBUSH)`
	listIncidents := func(orderBy string) func(string) ([]string, string, error) {
		return func(tok string) ([]string, string, error) {
			resp, err := incidents.ListIncidents(ctx, &incidentv1.ListIncidentsRequest{Filter: filter, OrderBy: orderBy, PageSize: 1, PageToken: tok})
			var names []string
			for _, in := range resp.GetIncidents() {
				names = append(names, in.GetName())
			}
			return names, resp.GetNextPageToken(), err
		}
	}
	for _, tt := range []struct {
		orderBy string
		want    []string
	}{
		{"occur_time", []string{made["ied-early"], made["ambush"], made["ied-late"]}},
		{"occur_time desc", []string{made["ied-late"], made["ambush"], made["ied-early"]}},
		{"update_time desc", []string{made["ied-early"], made["ambush"], made["ied-late"]}},
	} {
		if got := pages(t, listIncidents(tt.orderBy)); !slices.Equal(got, tt.want) {
			t.Errorf("ListIncidents(%q, %q) a page at a time: %v, want %v", filter, tt.orderBy, got, tt.want)
		}
	}

	// Three meetings at a place of their own; two match the filter.
	conn := env.Conn("gateway", env.Token("e2e-operator", harness.IraqiArmy, auth.RoleOperator))
	defer conn.Close()
	meetings := meetingv1.NewMeetingServiceClient(conn)
	place := "E2E place " + store.NewID()
	var held []string
	for i, level := range []meetingv1.MeetingLevel{meetingv1.MeetingLevel_MEETING_LEVEL_COMMAND,
		meetingv1.MeetingLevel_MEETING_LEVEL_HIGH_LEVEL, meetingv1.MeetingLevel_MEETING_LEVEL_WORKING} {
		m := &meetingv1.Meeting{
			Title: "E2E coordination", Level: level, HostForce: harness.IraqiArmy,
			Place:     &typev1.Place{Point: &typev1.LatLng{Latitude: 35.7756, Longitude: 43.5794}, Name: &typev1.LocalizedName{English: place}},
			StartTime: timestamppb.New(time.Date(2021, 12, 20-i, 9, 0, 0, 0, time.UTC)),
			Attendees: []*meetingv1.Attendee{
				{Person: "forces/iraqi-army/people/abdul-amir-al-shammari", Force: harness.IraqiArmy},
				{Person: "forces/peshmerga/people/jamal-mohammed-omar", Force: harness.Peshmerga},
			},
		}
		resp, err := meetings.CreateMeeting(ctx, &meetingv1.CreateMeetingRequest{Meeting: m, RequestId: fmt.Sprintf("e2e-lists-meeting-%s-%d", district, i)})
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, resp.GetMeeting().GetName())
	}
	meetingFilter := `place.name = "` + place + `" AND (level = MEETING_LEVEL_COMMAND OR level = MEETING_LEVEL_WORKING)`
	listMeetings := func(orderBy string) func(string) ([]string, string, error) {
		return func(tok string) ([]string, string, error) {
			resp, err := meetings.ListMeetings(ctx, &meetingv1.ListMeetingsRequest{Filter: meetingFilter, OrderBy: orderBy, PageSize: 1, PageToken: tok})
			var names []string
			for _, m := range resp.GetMeetings() {
				names = append(names, m.GetName())
			}
			return names, resp.GetNextPageToken(), err
		}
	}
	// held[0] starts on the 20th, held[2] on the 18th.
	if got, want := pages(t, listMeetings("start_time")), []string{held[2], held[0]}; !slices.Equal(got, want) {
		t.Errorf("ListMeetings(%q, start_time) a page at a time: %v, want %v", meetingFilter, got, want)
	}
	if got, want := pages(t, listMeetings("")), []string{held[0], held[2]}; !slices.Equal(got, want) {
		t.Errorf("ListMeetings(%q) a page at a time: %v, want %v", meetingFilter, got, want)
	}

	// Refusals, on the field at fault.
	_, err := incidents.ListIncidents(ctx, &incidentv1.ListIncidentsRequest{OrderBy: "title"})
	if fields, _ := wantCode(t, err, codes.InvalidArgument); !slices.Equal(fields, []string{"order_by"}) {
		t.Errorf("order_by title: violations %v, want [order_by]", fields)
	}
	_, err = meetings.ListMeetings(ctx, &meetingv1.ListMeetingsRequest{OrderBy: "start_time sideways"})
	if fields, _ := wantCode(t, err, codes.InvalidArgument); !slices.Equal(fields, []string{"order_by"}) {
		t.Errorf("order_by start_time sideways: violations %v, want [order_by]", fields)
	}
	_, next, err := listIncidents("occur_time")("")
	if err != nil || next == "" {
		t.Fatalf("first page: %v", err)
	}
	_, _, err = listIncidents("occur_time desc")(next)
	if fields, _ := wantCode(t, err, codes.InvalidArgument); !slices.Equal(fields, []string{"page_token"}) {
		t.Errorf("a token replayed under another order: violations %v, want [page_token]", fields)
	}
}
