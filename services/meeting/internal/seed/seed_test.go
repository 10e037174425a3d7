package seed

import (
	"context"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/store/storetest"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

func TestLoadIsIdempotent(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := meetingstore.New(storetest.DB(t))
	t.Cleanup(func() {
		ctx := context.Background()
		s.Meetings.Close(ctx)
		s.Decisions.Close(ctx)
		s.ActionItems.Close(ctx)
	})
	if err := Load(ctx, s); err != nil {
		t.Fatal(err)
	}
	first, err := s.Decisions.Get(ctx, Decision)
	if err != nil {
		t.Fatal(err)
	}
	if err := Load(ctx, s); err != nil {
		t.Fatalf("second load: %v", err)
	}
	again, err := s.Decisions.Get(ctx, Decision)
	if err != nil || again.Etag != first.Etag {
		t.Errorf("second load changed the decision: etag %s -> %s, %v", first.Etag, again.Etag, err)
	}
	for coll, want := range map[*mongo.Collection]int64{s.Meetings.Mongo(): 1, s.Decisions.Mongo(): 1, s.ActionItems.Mongo(): 2} {
		n, err := coll.CountDocuments(ctx, bson.D{})
		if err != nil || n != want {
			t.Errorf("%s: %d documents, %v; want %d", coll.Name(), n, err, want)
		}
	}
}

func TestScenario(t *testing.T) {
	m := MakhmourMeeting()
	if want := []string{IraqiArmy, Peshmerga}; !slices.Equal(m.AttendingForces, want) || len(m.Attendees) != 4 {
		t.Errorf("attending forces %v with %d attendees, want %v with 4", m.AttendingForces, len(m.Attendees), want)
	}
	if !slices.Contains(m.PlaceKeys, "makhmur") || m.Level != domain.LevelHighLevel || m.StartTime.Month() != time.December {
		t.Errorf("meeting: %+v", m)
	}
	d := JointDeployment(&m)
	if !d.Binding || len(d.Acknowledgements) != 2 || d.Kind != domain.KindJointDeployment || !slices.Contains(d.Zones, "zones/makhmour") {
		t.Errorf("decision: %+v, want joint deployment in zones/makhmour, binding, acknowledged by both", d)
	}
	now := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	var statuses []string
	for _, a := range ActionItems(&d) {
		statuses = append(statuses, a.Item.OwnerForce+" "+a.Item.Status(now))
	}
	want := []string{IraqiArmy + " " + domain.StatusOverdue, Peshmerga + " " + domain.StatusDone}
	if !slices.Equal(statuses, want) {
		t.Errorf("action items on 1 January 2022: %v, want %v", statuses, want)
	}
}
