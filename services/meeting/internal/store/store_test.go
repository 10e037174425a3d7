package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

const (
	army = "forces/iraqi-army"
	pesh = "forces/peshmerga"
)

func newStore(t *testing.T) (*Store, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	s := New(storetest.DB(t))
	t.Cleanup(s.Close)
	return s, ctx
}

func meeting(host string, start time.Time, attendeeForces ...string) domain.Meeting {
	m := domain.Meeting{Title: "t", HostForce: host, StartTime: start, State: domain.StateScheduled, Level: domain.LevelCommand}
	for i, f := range attendeeForces {
		m.Attendees = append(m.Attendees, domain.Attendee{Person: f + "/people/person-" + string(rune('a'+i)), Force: f})
	}
	m.Normalize()
	return m
}

func names(docs []*MeetingDoc) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.Name)
	}
	return out
}

func TestMeetingsList(t *testing.T) {
	s, ctx := newStore(t)
	day := func(d int) time.Time { return time.Date(2021, 12, d, 7, 0, 0, 0, time.UTC) }
	for _, m := range []struct {
		name string
		body domain.Meeting
	}{
		{"meetings/makhmour", meeting(army, day(6), pesh, army)},
		{"meetings/erbil", meeting(pesh, day(8), army)},
		{"meetings/kirkuk", meeting(army, day(1), army)},
		// Same start as makhmour: the name breaks the tie.
		{"meetings/qarachogh", meeting(pesh, day(6), army)},
	} {
		if _, err := s.Meetings.Create(ctx, &MeetingDoc{Name: m.name, Owner: m.body.HostForce, Body: m.body}); err != nil {
			t.Fatal(err)
		}
	}
	both := []filter.Typed{{Field: "attending_force", Op: filter.Eq, Value: pesh}, {Field: "attending_force", Op: filter.Eq, Value: army}}
	tests := []struct {
		name  string
		conds []filter.Typed
		limit int
		want  []string
	}{
		{"all", nil, 10, []string{"meetings/erbil", "meetings/qarachogh", "meetings/makhmour", "meetings/kirkuk"}},
		{"both forces", both, 10, []string{"meetings/erbil", "meetings/qarachogh", "meetings/makhmour"}},
		{"both forces, first two", both, 2, []string{"meetings/erbil", "meetings/qarachogh"}},
		{"army host in a range", []filter.Typed{
			{Field: "host_force", Op: filter.Eq, Value: army},
			{Field: "start_time", Op: filter.Ge, Value: day(2)},
			{Field: "start_time", Op: filter.Lt, Value: day(9)},
		}, 10, []string{"meetings/makhmour"}},
	}
	for _, tt := range tests {
		docs, err := s.Meetings.List(ctx, filter.All(tt.conds...), MeetingSorts[0], nil, tt.limit)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := names(docs); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	// A page after qarachogh continues with makhmour, which starts at the same time.
	docs, err := s.Meetings.List(ctx, filter.All(both...), MeetingSorts[0], &store.Cursor{Key: store.SortKey{Time: day(6)}, Name: "meetings/qarachogh"}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(docs), []string{"meetings/makhmour"}; !slices.Equal(got, want) {
		t.Errorf("after qarachogh: %v, want %v", got, want)
	}
}

func TestAcknowledgeUnchangedWritesNothing(t *testing.T) {
	s, ctx := newStore(t)
	m := meeting(army, time.Now(), pesh)
	d, err := s.Decisions.Create(ctx, &DecisionDoc{Name: "meetings/makhmour/decisions/joint", Owner: army,
		Body: domain.NewDecision("meetings/makhmour", &m, domain.Decision{Text: "t", Kind: domain.KindJointDeployment})})
	if err != nil {
		t.Fatal(err)
	}
	ack := func(force string) (*DecisionDoc, error) {
		return s.Decisions.Acknowledge(ctx, store.Change{Name: d.Name, Verb: "acknowledged"}, nil, func(d *DecisionDoc) error {
			changed, err := d.Body.Acknowledge(domain.Actor{Force: force}, "", time.Now().UTC().Truncate(time.Millisecond))
			if err == nil && !changed {
				return ErrUnchanged
			}
			return err
		})
	}
	first, err := ack(army)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ack(army)
	if err != nil {
		t.Fatal(err)
	}
	if again.Etag != first.Etag || again.Seq != first.Seq || !again.UpdateTime.Equal(first.UpdateTime) || len(again.Body.Acknowledgements) != 1 {
		t.Errorf("second acknowledgement wrote: etag %s->%s seq %d->%d", first.Etag, again.Etag, first.Seq, again.Seq)
	}
	if _, err := ack("forces/federal-police"); !apperr.IsKind(err, apperr.KindPermissionDenied) {
		t.Errorf("acknowledgement by a force that did not attend: %v, want PERMISSION_DENIED", err)
	}
	both, err := ack(pesh)
	if err != nil || !both.Body.Binding || both.Etag == first.Etag {
		t.Errorf("after both: binding %v etag %s (first %s) err %v; want binding with a new etag", both.Body.Binding, both.Etag, first.Etag, err)
	}
	stored, err := s.Decisions.Get(ctx, d.Name)
	if err != nil || !stored.Body.Binding || len(stored.Body.AwaitingForces) != 0 {
		t.Errorf("stored after both: %+v %v", stored.Body, err)
	}
}

func TestActionItemsByParent(t *testing.T) {
	s, ctx := newStore(t)
	for _, it := range []struct{ meeting, decision, id string }{
		{"makhmour", "joint", "plan"},
		{"makhmour", "joint", "liaison"},
		{"makhmour", "intel", "reports"},
		{"kifri", "sweep", "patrols"},
	} {
		m := "meetings/" + it.meeting
		d := m + "/decisions/" + it.decision
		body := domain.ActionItem{Meeting: m, Decision: d, Title: "t", Owner: army, OwnerForce: army}
		if _, err := s.ActionItems.Create(ctx, &ActionItemDoc{Name: d + "/actionItems/" + it.id, Owner: army, Body: body}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		scope Scope
		want  int
	}{
		{Scope{}, 4},
		{Scope{Meeting: "meetings/makhmour"}, 3},
		{Scope{Decision: "meetings/makhmour/decisions/joint"}, 2},
		{Scope{Meeting: "meetings/sinjar"}, 0},
	}
	for _, tt := range tests {
		docs, err := s.ActionItems.List(ctx, tt.scope, filter.Filter{}, time.Now(), ActionItemSorts[0], nil, 0)
		if err != nil || len(docs) != tt.want {
			t.Errorf("In(%+v): %d items, %v; want %d", tt.scope, len(docs), err, tt.want)
		}
	}
}

func TestPriorAndReplayed(t *testing.T) {
	s, ctx := newStore(t)
	m := meeting(army, time.Now(), pesh)
	if _, err := s.Meetings.Create(ctx, &MeetingDoc{Name: "meetings/makhmour", Owner: army, RequestID: "create-1", RequestHash: "h1", Body: m}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id, hash  string
		wantFound bool
		wantErr   bool
	}{
		{"create-1", "h1", true, false},
		{"create-1", "h2", false, true},
		{"create-2", "h1", false, false},
		{"", "h1", false, false},
	}
	for _, tt := range tests {
		d, err := s.Meetings.Prior(ctx, tt.id, tt.hash)
		if (d != nil) != tt.wantFound || (err != nil) != tt.wantErr {
			t.Errorf("Prior(%q, %q) = %v, %v; want found %v err %v", tt.id, tt.hash, d, err, tt.wantFound, tt.wantErr)
		}
	}
	d, err := s.Meetings.Update(ctx, store.Change{Name: "meetings/makhmour", RequestID: "hold-1", RequestHash: "hh", Verb: "held"},
		func(d *MeetingDoc) error { return d.Body.Hold() })
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		id, hash string
		want     bool
		wantErr  bool
	}{{"hold-1", "hh", true, false}, {"hold-1", "other", false, true}, {"hold-2", "hh", false, false}} {
		got, err := Replayed(d, tt.id, tt.hash)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("Replayed(%q, %q) = %v, %v; want %v err %v", tt.id, tt.hash, got, err, tt.want, tt.wantErr)
		}
	}
}
