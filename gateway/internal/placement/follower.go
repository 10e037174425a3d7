package placement

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// Follower follows the incident service's change stream and places each incident.
type Follower struct {
	Client incidentv1.IncidentServiceClient
	Placer *Placer
	Store  *Store
	Log    *slog.Logger
	// MinBackoff and MaxBackoff bound the wait between attempts while the stream fails
	// (defaults 200ms and 15s); the wait doubles from one to the other, with jitter.
	MinBackoff, MaxBackoff time.Duration
}

// Run follows the stream until ctx ends, resuming after the last event it placed, and
// retrying for as long as it takes when the incident service is unreachable.
func (f *Follower) Run(ctx context.Context) {
	log := f.Log
	if log == nil {
		log = slog.Default()
	}
	lo, hi := f.MinBackoff, f.MaxBackoff
	if lo <= 0 {
		lo = 200 * time.Millisecond
	}
	if hi < lo {
		hi = max(15*time.Second, lo)
	}
	wait := lo
	failures := 0
	for ctx.Err() == nil {
		progressed, err := f.follow(ctx)
		if ctx.Err() != nil {
			return
		}
		if progressed {
			wait, failures = lo, 0
		}
		if status.Code(err) == codes.InvalidArgument {
			// The incident service refused the token (its store was reset, say): replay
			// from the beginning, which places every incident again, idempotently.
			log.Warn("incident stream refused the resume token; replaying from the start", "error", err)
			if serr := f.Store.SaveToken(ctx, ""); serr != nil {
				log.Error("resume token not reset", "error", serr)
			}
		} else if failures++; failures == 1 {
			log.Warn("incident stream interrupted; retrying with backoff", "error", err)
		} else {
			log.Debug("incident stream still unavailable", "error", err, "attempt", failures)
		}
		jittered := wait/2 + rand.N(wait/2+1)
		select {
		case <-ctx.Done():
			return
		case <-time.After(jittered):
		}
		wait = min(2*wait, hi)
	}
}

// follow opens the stream at the stored token and places events until it fails. It
// reports whether it placed anything.
func (f *Follower) follow(ctx context.Context) (bool, error) {
	tok, err := f.Store.Token(ctx)
	if err != nil {
		return false, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := f.Client.WatchIncidents(ctx, &incidentv1.WatchIncidentsRequest{ResumeToken: tok})
	if err != nil {
		return false, err
	}
	progressed := false
	for {
		ev, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return progressed, errors.New("incident stream ended")
		}
		if err != nil {
			return progressed, err
		}
		if ev.GetIncident().GetName() != "" {
			if err := f.Placer.Place(ctx, ev.GetIncident()); err != nil {
				return progressed, err
			}
		}
		// Saved after placing: a crash between the two places the event again, which
		// changes nothing the second time.
		if err := f.Store.SaveToken(ctx, ev.GetResumeToken()); err != nil {
			return progressed, err
		}
		progressed = true
	}
}
