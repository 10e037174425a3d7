package handler

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/apperr"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
	"github.com/tansiq/tansiq/services/meeting/internal/seed"
)

// TestSeedPassesValidation: what the seed stores must be what a client could have sent,
// read back through the API.
func TestSeedPassesValidation(t *testing.T) {
	e := newEnv(t)
	if err := seed.Load(context.Background(), e.store); err != nil {
		t.Fatal(err)
	}
	m := e.getMeeting(t, seed.Meeting)
	var v apperr.Violations
	validateMeeting(&v, "meeting", m, nil, time.Now())
	d, err := e.client.GetDecision(testCtx(t), &meetingv1.GetDecisionRequest{Name: seed.Decision})
	if err != nil {
		t.Fatal(err)
	}
	validateDecision(&v, "decision", d.GetDecision())
	items, err := e.client.ListActionItems(testCtx(t), &meetingv1.ListActionItemsRequest{Parent: seed.Decision})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range items.GetActionItems() {
		validateActionItem(&v, "action_item", a, nil, time.Now())
	}
	if len(v.List()) > 0 {
		t.Errorf("seed records are invalid: %v", v.List())
	}
	if !d.GetDecision().GetBinding() || len(items.GetActionItems()) != 2 || m.GetState() != meetingv1.MeetingState_MEETING_STATE_HELD {
		t.Errorf("seed: meeting %s, decision binding %v, %d action items", m.GetState(), d.GetDecision().GetBinding(), len(items.GetActionItems()))
	}
}

// fuzzNow is the clock of the fuzz target, fixed so that findings replay.
var fuzzNow = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

func FuzzValidateMeeting(f *testing.F) {
	f.Add("High-level security meeting", int64(1638774000), int32(0), int64(0), 35.7756, 43.5794, int32(3), "forces/iraqi-army",
		"forces/peshmerga/people/jamal-mohammed-omar", "forces/peshmerga", "Makhmur", "")
	f.Add("", int64(-1), int32(-1), int64(1), 91.0, -181.0, int32(9), "iraqi-army", "forces/peshmerga/units/x", "", "", "attendees")
	f.Fuzz(func(t *testing.T, title string, start int64, nanos int32, endOffset int64, lat, lng float64, level int32,
		host, person, force, alias, maskPath string) {
		in := &meetingv1.Meeting{
			Title:       title,
			Place:       &typev1.Place{Point: &typev1.LatLng{Latitude: lat, Longitude: lng}, Name: &typev1.LocalizedName{English: alias, Aliases: []string{alias}}},
			StartTime:   &timestamppb.Timestamp{Seconds: start, Nanos: nanos},
			EndTime:     &timestamppb.Timestamp{Seconds: start + endOffset, Nanos: nanos},
			Level:       meetingv1.MeetingLevel(level),
			HostForce:   host,
			Attendees:   []*meetingv1.Attendee{{Person: person, Force: force, Role: alias}, {Person: person, Force: host}},
			AgendaItems: []*meetingv1.AgendaItem{{Title: alias}},
		}
		var paths map[string]bool
		if maskPath != "" {
			paths = map[string]bool{maskPath: true}
		}
		var v apperr.Violations
		validateMeeting(&v, "meeting", in, paths, fuzzNow)
		for _, x := range v.List() {
			if !strings.HasPrefix(x.Field, "meeting") || x.Description == "" {
				t.Fatalf("violation %+v: want a field under meeting and a description", x)
			}
		}
		if paths != nil || len(v.List()) > 0 {
			return
		}
		// Valid input converts without losing its attendees' forces.
		m := meetingFromProto(in)
		for _, a := range m.Attendees {
			if domain.ForceOf(a.Person) != a.Force {
				t.Fatalf("valid meeting with attendee %+v claimed for another force", a)
			}
		}
	})
}
