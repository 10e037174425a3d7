package handler

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// watcher receives one WatchIncidents stream in the background.
type watcher struct {
	events chan *incidentv1.WatchIncidentsResponse
	errc   chan error
	stop   context.CancelFunc
}

func (e *env) watch(t *testing.T, req *incidentv1.WatchIncidentsRequest) *watcher {
	t.Helper()
	ctx, cancel := context.WithCancel(testCtx(t))
	t.Cleanup(cancel)
	stream, err := e.client.WatchIncidents(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	w := &watcher{events: make(chan *incidentv1.WatchIncidentsResponse, 100), errc: make(chan error, 1), stop: cancel}
	go func() {
		for {
			ev, err := stream.Recv()
			if err != nil {
				w.errc <- err
				return
			}
			w.events <- ev
		}
	}()
	return w
}

// next returns the next change, failing the test if none comes in time.
func (w *watcher) next(t *testing.T) *incidentv1.WatchIncidentsResponse {
	t.Helper()
	select {
	case ev := <-w.events:
		return ev
	case err := <-w.errc:
		t.Fatalf("stream ended: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no change within 10s")
	}
	return nil
}

// change is what a test checks of one streamed change.
type change struct {
	Type  incidentv1.ChangeType
	Name  string
	State incidentv1.IncidentState
}

func changeOf(t *testing.T, ev *incidentv1.WatchIncidentsResponse) change {
	t.Helper()
	if ev.GetResumeToken() == "" {
		t.Errorf("change of %s has no resume token", ev.GetIncident().GetName())
	}
	if !proto.Equal(ev.GetChangeTime(), ev.GetIncident().GetUpdateTime()) {
		t.Errorf("change_time %v, want the incident's update_time %v", ev.GetChangeTime(), ev.GetIncident().GetUpdateTime())
	}
	return change{ev.GetChangeType(), ev.GetIncident().GetName(), ev.GetIncident().GetState()}
}

func TestWatchReplaysThenStreams(t *testing.T) {
	e := newEnv(t)
	ctx := testCtx(t)
	e.create(t, "kulajo", khidrJija())
	e.create(t, "sinjar-ied", khidrJija())
	w := e.watch(t, &incidentv1.WatchIncidentsRequest{})

	created, updated, stateChanged := incidentv1.ChangeType_CHANGE_TYPE_CREATED, incidentv1.ChangeType_CHANGE_TYPE_UPDATED, incidentv1.ChangeType_CHANGE_TYPE_STATE_CHANGED
	steps := []struct {
		name string
		do   func() *incidentv1.Incident // nil: a replayed change
		want change
	}{
		{"replay 1", nil, change{created, "incidents/kulajo", reported}},
		{"replay 2", nil, change{created, "incidents/sinjar-ied", reported}},
		{"create", func() *incidentv1.Incident { return e.create(t, "khidr-jija", khidrJija()) }, change{created, "incidents/khidr-jija", reported}},
		{"update", func() *incidentv1.Incident {
			in := &incidentv1.Incident{Name: "incidents/khidr-jija", Title: "ISIS attack on Khidr Jija (revised)"}
			resp, err := e.client.UpdateIncident(ctx, &incidentv1.UpdateIncidentRequest{Incident: in, UpdateMask: mask("title")})
			if err != nil {
				t.Fatal(err)
			}
			return resp.GetIncident()
		}, change{updated, "incidents/khidr-jija", reported}},
		{"confirm", func() *incidentv1.Incident {
			resp, err := e.client.ConfirmIncident(ctx, &incidentv1.ConfirmIncidentRequest{Name: "incidents/kulajo"})
			if err != nil {
				t.Fatal(err)
			}
			return resp.GetIncident()
		}, change{stateChanged, "incidents/kulajo", confirmed}},
		{"close", func() *incidentv1.Incident {
			resp, err := e.client.CloseIncident(ctx, &incidentv1.CloseIncidentRequest{Name: "incidents/khidr-jija", Reason: "merged"})
			if err != nil {
				t.Fatal(err)
			}
			return resp.GetIncident()
		}, change{stateChanged, "incidents/khidr-jija", closed}},
	}
	for _, s := range steps {
		var want *incidentv1.Incident
		if s.do != nil {
			want = s.do()
		}
		ev := w.next(t)
		if got := changeOf(t, ev); got != s.want {
			t.Fatalf("%s: got %+v, want %+v", s.name, got, s.want)
		}
		if want == nil {
			want = e.get(t, s.want.Name)
		}
		sameMessage(t, s.name+": streamed incident", ev.GetIncident(), want)
	}
}

func TestWatchResumes(t *testing.T) {
	e := newEnv(t)
	for _, id := range []string{"kulajo", "sinjar-ied", "khidr-jija"} {
		e.create(t, id, khidrJija())
	}
	w := e.watch(t, &incidentv1.WatchIncidentsRequest{})
	var tokens []string
	for range 3 {
		tokens = append(tokens, w.next(t).GetResumeToken())
	}
	w.stop()
	e.create(t, "liheban", khidrJija()) // while nobody watches

	tests := []struct {
		token string
		// want must all arrive, in this order; changes before them may be repeated.
		want []string
	}{
		{tokens[0], []string{"incidents/sinjar-ied", "incidents/khidr-jija", "incidents/liheban"}},
		{tokens[1], []string{"incidents/khidr-jija", "incidents/liheban"}},
		{tokens[2], []string{"incidents/liheban"}},
	}
	for i, tt := range tests {
		w := e.watch(t, &incidentv1.WatchIncidentsRequest{ResumeToken: tt.token, StartAtNow: true})
		var got []string
		for !slices.Contains(got, "incidents/liheban") {
			got = append(got, w.next(t).GetIncident().GetName())
		}
		w.stop()
		// Drop repeats from before the token: what remains must be the wanted changes in order.
		for len(got) > 0 && !slices.Contains(tt.want, got[0]) {
			got = got[1:]
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("resumed after change %d: got %v, want %v (earlier changes may repeat, none may be skipped)", i, got, tt.want)
		}
	}
}

func TestWatchStartAtNow(t *testing.T) {
	e := newEnv(t)
	e.create(t, "kulajo", khidrJija())
	e.create(t, "sinjar-ied", khidrJija())
	w := e.watch(t, &incidentv1.WatchIncidentsRequest{StartAtNow: true})
	// The server takes its starting point when the stream begins, which the client cannot
	// observe: create until a change arrives, and check that it is a new one.
	var created []string
	for i := 0; ; i++ {
		created = append(created, e.create(t, fmt.Sprintf("new-%d", i), khidrJija()).GetName())
		select {
		case ev := <-w.events:
			if got := ev.GetIncident().GetName(); !slices.Contains(created, got) {
				t.Fatalf("first change is %s, want one created after the watch began %v", got, created)
			}
			return
		case err := <-w.errc:
			t.Fatal(err)
		case <-time.After(500 * time.Millisecond):
		}
		if i == 20 {
			t.Fatal("no change streamed")
		}
	}
}

func TestWatchRefusesBadResumeTokens(t *testing.T) {
	e := newEnv(t)
	b64 := base64.RawURLEncoding.EncodeToString
	for _, tok := range []string{
		"not a token",
		b64([]byte(`{"s":5,"l":2}`)),
		b64([]byte(`{"s":-1,"l":0}`)),
		b64([]byte(`[1,2]`)),
		b64(make([]byte, 200)),
	} {
		w := e.watch(t, &incidentv1.WatchIncidentsRequest{ResumeToken: tok})
		select {
		case ev := <-w.events:
			t.Errorf("token %q: streamed %v, want an error", tok, ev)
		case err := <-w.errc:
			if got, want := failureOf(t, err), (failure{Code: codes.InvalidArgument, Reason: "INVALID_RESUME_TOKEN", Fields: []string{"resume_token"}}); !got.equal(want) {
				t.Errorf("token %q: %+v, want %+v", tok, got, want)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("token %q: no answer", tok)
		}
	}
}
