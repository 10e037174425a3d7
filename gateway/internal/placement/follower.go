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

// Snapshots keeps what the placer placed, with the resume token it had reached.
type Snapshots interface {
	Save(ctx context.Context, token string, ps []*Placement) error
}

// Defaults of a Follower's batching and snapshots.
const (
	DefaultBatch     = 500
	DefaultSaveEvery = 10_000
	DefaultSaveAfter = 5 * time.Minute
	DefaultGather    = 50 * time.Millisecond
)

// Follower follows the incident service's change stream and places each incident.
type Follower struct {
	Client incidentv1.IncidentServiceClient
	Placer *Placer
	Store  Snapshots
	// Token is where the stream resumes: the token of the snapshot memory was loaded
	// from (Store.Load), "" to replay every incident.
	Token string
	Log   *slog.Logger
	// MinBackoff and MaxBackoff bound the wait between attempts while the stream fails
	// (defaults 200ms and 15s); the wait doubles from one to the other, with jitter.
	MinBackoff, MaxBackoff time.Duration
	// Batch bounds the events placed together (DefaultBatch): those already received
	// when the first is placed.
	Batch int
	// Gather is the least time between the starts of two batches (DefaultGather): an
	// event that comes within Gather of the last batch waits for the rest of it, with
	// those after it, so that under a stream of creates each zone's picture is notified
	// (a commit of the picture feed, one at a time per zone) once per Gather, not once
	// per store round trip. An event after a quiet spell is placed at once.
	Gather time.Duration
	// A snapshot is saved once SaveEvery events (DefaultSaveEvery), and at least a
	// quarter of the incidents in memory, were placed since the last one, or SaveAfter
	// (DefaultSaveAfter) after the first of them: saving costs O(events), however many
	// incidents memory holds.
	SaveEvery int
	SaveAfter time.Duration

	unsaved int       // events placed since the last snapshot
	failed  time.Time // when a snapshot last failed: the next waits SaveAfter
}

// received is one Recv of the stream.
type received struct {
	ev  *incidentv1.WatchIncidentsResponse
	err error
}

// Run follows the stream until ctx ends, resuming after the last event it placed, and
// retrying for as long as it takes when the incident service is unreachable.
func (f *Follower) Run(ctx context.Context) {
	if f.Log == nil {
		f.Log = slog.Default()
	}
	f.Batch = orDefault(f.Batch, DefaultBatch)
	f.SaveEvery = orDefault(f.SaveEvery, DefaultSaveEvery)
	f.SaveAfter = orDefault(f.SaveAfter, DefaultSaveAfter)
	f.Gather = orDefault(f.Gather, DefaultGather)
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
		if c := status.Code(err); c == codes.InvalidArgument || c == codes.OutOfRange {
			// The incident service refused the token (its store was reset) or no longer
			// keeps the changes after it: replay every incident. Memory is kept, so each
			// is compared with its placement there and only the changed ones notified.
			f.Log.Warn("incident stream refused the resume token; replaying from the start", "error", err)
			f.Token = ""
		} else if failures++; failures == 1 {
			f.Log.Warn("incident stream interrupted; retrying with backoff", "error", err)
		} else {
			f.Log.Debug("incident stream still unavailable", "error", err, "attempt", failures)
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

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// follow opens the stream at f.Token and places its events, a batch at a time, until it
// fails. It reports whether it placed anything.
func (f *Follower) follow(ctx context.Context) (bool, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := f.Client.WatchIncidents(ctx, &incidentv1.WatchIncidentsRequest{ResumeToken: f.Token})
	if err != nil {
		return false, err
	}
	// Received by a goroutine of its own, so a batch is what arrived while the last
	// was placed.
	events := make(chan received, f.Batch)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			ev, err := stream.Recv()
			select {
			case events <- received{ev, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	defer func() {
		cancel()
		<-done
	}()
	timer := time.NewTimer(f.SaveAfter)
	defer timer.Stop()
	if f.unsaved == 0 {
		timer.Stop()
	}
	progressed := false
	var last time.Time // when the last batch began
	for {
		var r received
		select {
		case r = <-events:
		case <-timer.C:
			if f.save(ctx, true); f.unsaved > 0 {
				timer.Reset(f.SaveAfter)
			}
			continue
		case <-ctx.Done():
			return progressed, ctx.Err()
		}
		if wait := f.Gather - time.Since(last); wait > 0 && r.err == nil {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return progressed, ctx.Err()
			}
		}
		last = time.Now()
		batch, token, n, err := f.gather(r, events)
		if n > 0 {
			f.Placer.Place(ctx, batch...)
			// Moved only once the batch is placed: a snapshot never holds a token
			// beyond what its placements show.
			f.Token = token
			if f.unsaved == 0 {
				timer.Reset(f.SaveAfter)
			}
			f.unsaved += n
			progressed = true
			if f.unsaved >= max(f.SaveEvery, f.Placer.mem.Len()/4) {
				f.save(ctx, false)
			}
		}
		if errors.Is(err, io.EOF) {
			return progressed, errors.New("incident stream ended")
		}
		if err != nil {
			return progressed, err
		}
	}
}

// gather takes r and the events already received after it, up to f.Batch, and returns
// their incidents, the last token, how many events they were, and the error that ended
// the stream, if one came.
func (f *Follower) gather(r received, events <-chan received) ([]*incidentv1.Incident, string, int, error) {
	var batch []*incidentv1.Incident
	token := ""
	for n := 0; ; n++ {
		if r.err != nil {
			return batch, token, n, r.err
		}
		if in := r.ev.GetIncident(); in.GetName() != "" {
			batch = append(batch, in)
		}
		token = r.ev.GetResumeToken()
		if n+1 == f.Batch {
			return batch, token, n + 1, nil
		}
		select {
		case r = <-events:
		default:
			return batch, token, n + 1, nil
		}
	}
}

// save writes a snapshot of memory at f.Token, unless nothing was placed since the last
// or (for a save due by count) the last attempt failed less than SaveAfter ago. A failure
// is logged: memory stays right, and a restart replays from the previous snapshot.
func (f *Follower) save(ctx context.Context, timed bool) {
	if f.unsaved == 0 || (!timed && time.Since(f.failed) < f.SaveAfter) {
		return
	}
	if err := f.Store.Save(ctx, f.Token, f.Placer.mem.All()); err != nil {
		f.failed = time.Now()
		f.Log.Warn("placements not saved; a restart replays the incidents placed since the last snapshot", "error", err)
		return
	}
	f.unsaved = 0
}
