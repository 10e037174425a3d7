package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tansiq/tansiq/platform/store/embedded"
	"github.com/tansiq/tansiq/services/incident/internal/domain"
)

// resumeWindow is the README's at-least-once window: a resume may deliver again the
// changes committed within this long before its token's position, and no earlier one.
const resumeWindow = 5 * time.Second

// open starts the embedded store on the files in dir and returns the incidents in it, as
// a freshly started service would; stop ends both.
func open(t *testing.T, dir string) (s *Incidents, stop func()) {
	t.Helper()
	ctx := context.Background()
	srv, err := embedded.StartPrivate(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	client, err := mongo.Connect(options.Client().ApplyURI(srv.URI()))
	if err != nil {
		srv.Stop()
		t.Fatal(err)
	}
	stop = func() {
		_ = client.Disconnect(context.Background())
		srv.Stop()
	}
	if s, err = New(ctx, client.Database("incident")); err != nil {
		stop()
		t.Fatal(err)
	}
	return s, stop
}

// TestResumeAfterRestartStartsAtTheTokensPosition takes a resume token at a real
// position (the earlier changes older than the window), stops the store and the process's
// collection, starts both again on the same files, and resumes: every change after the
// token comes, and none of those committed before the window does.
func TestResumeAfterRestartStartsAtTheTokensPosition(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := t.TempDir()
	s, stop := open(t, dir)
	create := func(s *Incidents, id string) {
		t.Helper()
		body := domain.Incident{Kind: "INCIDENT_KIND_ARMED_ATTACK", Title: id, OccurTime: night,
			ReportingForce: "forces/peshmerga", State: domain.StateReported}
		if _, err := s.Create(ctx, &Doc{Name: "incidents/" + id, Body: body}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		create(s, fmt.Sprintf("before-%d", i))
	}

	// Follow until the earlier changes are older than the window, then take the token of
	// the next change.
	var token string
	fctx, fcancel := context.WithCancel(ctx)
	followed := make(chan error, 1)
	go func() {
		followed <- s.Follow(fctx, "", false, func(d *Doc, tok string) error {
			if d.Name == "incidents/marker" {
				token = tok
				fcancel()
			}
			return nil
		})
	}()
	time.Sleep(resumeWindow + 2*time.Second)
	create(s, "marker")
	if err := <-followed; err != nil {
		t.Fatal(err)
	}
	fcancel()
	if token == "" {
		t.Fatal("the marker never came on the stream")
	}
	for i := range 3 {
		create(s, fmt.Sprintf("after-%d", i))
	}
	stop()

	s, stop = open(t, dir)
	defer stop()
	var resumed []string
	rctx, rcancel := context.WithTimeout(ctx, 20*time.Second)
	defer rcancel()
	err := s.Follow(rctx, token, false, func(d *Doc, _ string) error {
		resumed = append(resumed, d.Name)
		if d.Name == "incidents/after-2" {
			rcancel()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"incidents/after-0": true, "incidents/after-1": true, "incidents/after-2": true}
	for _, name := range resumed {
		if name == "incidents/before-0" || name == "incidents/before-1" || name == "incidents/before-2" {
			t.Fatalf("resume replayed %s, committed more than %v before the token's position: %v", name, resumeWindow, resumed)
		}
		delete(want, name)
	}
	if len(want) != 0 {
		t.Fatalf("resume missed %v: got %v", want, resumed)
	}
}
