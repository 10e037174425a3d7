package handler

import (
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// meetingScenario records four meetings:
//
//	makhmour  6 Dec, army host, both forces, held          (Makhmour)
//	erbil     8 Dec, pesh host, both forces, scheduled     (Erbil)
//	kirkuk    1 Dec, army host, army only, scheduled       (Kirkuk), working level
//	kifri    29 Nov, pesh host, pesh only, cancelled       (Kifri)
func meetingScenario(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	at := func(d, m int) *timestamppb.Timestamp {
		return timestamppb.New(time.Date(2021, time.Month(m), d, 7, 0, 0, 0, time.UTC))
	}
	place := func(en string, lat, lng float64, aliases ...string) *typev1.Place {
		return &typev1.Place{Point: &typev1.LatLng{Latitude: lat, Longitude: lng}, Name: &typev1.LocalizedName{English: en, Aliases: aliases}}
	}
	e.heldMeeting(t, "makhmour")

	erbil := makhmour()
	erbil.StartTime, erbil.HostForce, erbil.Place = at(8, 12), pesh, place("Erbil", 36.19, 44.01, "Hewlêr")
	e.createMeeting(t, "erbil", erbil)

	kirkuk := makhmour()
	kirkuk.StartTime, kirkuk.Place, kirkuk.Level = at(1, 12), place("Kirkuk", 35.47, 44.396), meetingv1.MeetingLevel_MEETING_LEVEL_WORKING
	kirkuk.Attendees = kirkuk.Attendees[1:]
	e.createMeeting(t, "kirkuk", kirkuk)

	kifri := makhmour()
	kifri.StartTime, kifri.HostForce, kifri.Place = at(29, 11), pesh, place("Kifri", 34.69, 44.96)
	kifri.Attendees = kifri.Attendees[:1]
	e.createMeeting(t, "kifri", kifri)
	if _, err := e.client.CancelMeeting(testCtx(t), &meetingv1.CancelMeetingRequest{Name: "meetings/kifri"}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) meetingIDs(t *testing.T, filter string, size int32) (ids []string, pages int) {
	t.Helper()
	tok := ""
	for {
		resp, err := e.client.ListMeetings(testCtx(t), &meetingv1.ListMeetingsRequest{Filter: filter, PageSize: size, PageToken: tok})
		if err != nil {
			t.Fatalf("ListMeetings(%q): %v", filter, err)
		}
		pages++
		for _, m := range resp.GetMeetings() {
			ids = append(ids, m.GetName()[len("meetings/"):])
		}
		if tok = resp.GetNextPageToken(); tok == "" || pages > 20 {
			return ids, pages
		}
	}
}

func TestListMeetings(t *testing.T) {
	e := meetingScenario(t)
	tests := []struct {
		filter    string
		size      int32
		want      []string
		wantPages int
	}{
		{``, 0, []string{"erbil", "makhmour", "kirkuk", "kifri"}, 1},
		{``, 1, []string{"erbil", "makhmour", "kirkuk", "kifri"}, 4},
		{``, 3, []string{"erbil", "makhmour", "kirkuk", "kifri"}, 2},
		{`attending_force = "forces/peshmerga"`, 0, []string{"erbil", "makhmour", "kifri"}, 1},
		{`attending_force = "forces/peshmerga" AND attending_force = "forces/iraqi-army"`, 1, []string{"erbil", "makhmour"}, 2},
		{`host_force = "forces/peshmerga"`, 0, []string{"erbil", "kifri"}, 1},
		{`place.name = "makhmur"`, 0, []string{"makhmour"}, 1},
		{`place.name = "مخمور"`, 0, []string{"makhmour"}, 1},
		{`place.name = "HEWLÊR"`, 0, []string{"erbil"}, 1},
		{`state = MEETING_STATE_SCHEDULED`, 0, []string{"erbil", "kirkuk"}, 1},
		{`level = MEETING_LEVEL_WORKING`, 0, []string{"kirkuk"}, 1},
		{`start_time >= "2021-12-01T00:00:00Z" AND start_time < "2021-12-07T00:00:00Z"`, 0, []string{"makhmour", "kirkuk"}, 1},
		{`place.latitude > 35 AND place.longitude < 44`, 0, []string{"makhmour"}, 1},
	}
	for _, tt := range tests {
		got, pages := e.meetingIDs(t, tt.filter, tt.size)
		if !slices.Equal(got, tt.want) || pages != tt.wantPages {
			t.Errorf("ListMeetings(%q) in pages of %d: %d pages %v; want %d pages %v", tt.filter, tt.size, pages, got, tt.wantPages, tt.want)
		}
	}
}

func TestListMeetingsRefusals(t *testing.T) {
	e := meetingScenario(t)
	first, err := e.client.ListMeetings(testCtx(t), &meetingv1.ListMeetingsRequest{PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		req  *meetingv1.ListMeetingsRequest
		want failure
	}{
		{"token for another filter", &meetingv1.ListMeetingsRequest{Filter: `state = MEETING_STATE_HELD`, PageToken: first.GetNextPageToken()}, invalid("page_token")},
		{"unknown field", &meetingv1.ListMeetingsRequest{Filter: `attendee = "x"`}, invalid("filter")},
		{"unknown state", &meetingv1.ListMeetingsRequest{Filter: `state = HELD`}, invalid("filter")},
		{"bad time", &meetingv1.ListMeetingsRequest{Filter: `start_time > "December 2021"`}, invalid("filter")},
	}
	for _, tt := range tests {
		_, err := e.client.ListMeetings(testCtx(t), tt.req)
		if got := failureOf(t, err); !got.equal(tt.want) {
			t.Errorf("%s: %+v, want %+v (%v)", tt.name, got, tt.want, err)
		}
	}
}

func TestListDecisions(t *testing.T) {
	e := newEnv(t)
	e.heldMeeting(t, "makhmour")
	e.heldMeeting(t, "kifri")
	e.setNow(time.Date(2021, 12, 6, 10, 0, 0, 0, time.UTC))
	e.createDecision(t, "meetings/makhmour", "joint-deployment", jointDeployment())
	e.setNow(time.Date(2021, 12, 6, 11, 0, 0, 0, time.UTC))
	e.createDecision(t, "meetings/makhmour", "intel-sharing", &meetingv1.Decision{Text: "Share intelligence on ISIS cells in Qarachogh.",
		Kind: meetingv1.DecisionKind_DECISION_KIND_INTELLIGENCE_SHARING, Zones: []string{"zones/makhmour"}})
	e.setNow(time.Date(2021, 12, 7, 9, 0, 0, 0, time.UTC))
	e.createDecision(t, "meetings/kifri", "kulajo-operation", &meetingv1.Decision{Text: "Joint sweep around Kulajo.",
		Kind: meetingv1.DecisionKind_DECISION_KIND_JOINT_OPERATION, Zones: []string{"zones/kifri"}, Units: []string{front}})
	for _, f := range []struct{ force, person string }{{army, shammari}, {pesh, jamal}} {
		if _, err := e.client.AcknowledgeDecision(as(testCtx(t), f.force, f.person),
			&meetingv1.AcknowledgeDecisionRequest{Name: "meetings/makhmour/decisions/joint-deployment"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.client.AcknowledgeDecision(as(testCtx(t), army, shammari),
		&meetingv1.AcknowledgeDecisionRequest{Name: "meetings/kifri/decisions/kulajo-operation"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		parent, filter string
		want           []string
	}{
		{"meetings/-", ``, []string{"kulajo-operation", "intel-sharing", "joint-deployment"}},
		{"meetings/makhmour", ``, []string{"intel-sharing", "joint-deployment"}},
		{"meetings/sinjar", ``, nil},
		{"meetings/-", `binding = true`, []string{"joint-deployment"}},
		{"meetings/-", `binding = false`, []string{"kulajo-operation", "intel-sharing"}},
		{"meetings/-", `awaiting_force = "forces/peshmerga"`, []string{"kulajo-operation", "intel-sharing"}},
		{"meetings/-", `awaiting_force = "forces/iraqi-army"`, []string{"intel-sharing"}},
		{"meetings/-", `zone = "zones/makhmour"`, []string{"intel-sharing", "joint-deployment"}},
		{"meetings/-", `zone = "zones/makhmour" AND kind = DECISION_KIND_JOINT_DEPLOYMENT`, []string{"joint-deployment"}},
		{"meetings/-", `unit = "forces/peshmerga/units/makhmour-front"`, []string{"kulajo-operation", "joint-deployment"}},
		{"meetings/-", `incident = "incidents/khidr-jija-attack-2021-12-02"`, []string{"joint-deployment"}},
	}
	for _, tt := range tests {
		for _, size := range []int32{1, 2, 50} {
			var got []string
			tok, pages := "", 0
			for {
				resp, err := e.client.ListDecisions(testCtx(t), &meetingv1.ListDecisionsRequest{Parent: tt.parent, Filter: tt.filter, PageSize: size, PageToken: tok})
				if err != nil {
					t.Fatalf("ListDecisions(%q, %q): %v", tt.parent, tt.filter, err)
				}
				for _, d := range resp.GetDecisions() {
					got = append(got, d.GetName()[strings.LastIndex(d.GetName(), "/")+1:])
				}
				if tok = resp.GetNextPageToken(); tok == "" || pages > 10 {
					break
				}
				pages++
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ListDecisions(%q, %q) in pages of %d = %v, want %v", tt.parent, tt.filter, size, got, tt.want)
			}
		}
	}
	_, err := e.client.ListDecisions(testCtx(t), &meetingv1.ListDecisionsRequest{Parent: "meetings"})
	if got, want := failureOf(t, err), invalid("parent"); !got.equal(want) {
		t.Errorf("bad parent: %+v, want %+v", got, want)
	}
}
