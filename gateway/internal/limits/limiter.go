package limits

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"google.golang.org/grpc"

	"github.com/tansiq/tansiq/platform/apperr"
)

// ErrorDomain is the google.rpc.ErrorInfo domain of the limiter's refusals.
const ErrorDomain = "tansiq.gateway"

// Reasons of the refusals, in google.rpc.ErrorInfo.
const (
	ReasonTooManyCalls   = "TOO_MANY_CALLS_IN_FLIGHT"
	ReasonTooManyStreams = "TOO_MANY_STREAMS"
)

// Limiter counts each caller's calls in flight and refuses those over the caps. Its
// memory is bounded by the callers with a call in flight: a caller's count is forgotten
// when it drops to zero.
type Limiter struct {
	cfg Config

	mu     sync.Mutex
	counts map[slot]int
}

type slot struct {
	caller string
	kind   kind
}

// New returns a limiter with the caps of cfg.
func New(cfg Config) *Limiter {
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = DefaultRetryAfter
	}
	return &Limiter{cfg: cfg, counts: map[slot]int{}}
}

// Unary returns the unary server interceptor.
func (l *Limiter) Unary() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		release, err := l.acquire(ctx, unaryKind(info))
		if err != nil {
			return nil, err
		}
		defer release()
		return h(ctx, req)
	}
}

// Stream returns the stream server interceptor; it also covers the calls the gateway
// forwards, which gRPC runs as streams whatever their declared shape.
func (l *Limiter) Stream() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		release, err := l.acquire(ss.Context(), streamKind(info))
		if err != nil {
			return err
		}
		defer release()
		return h(srv, ss)
	}
}

// acquire takes a slot for one call, or refuses it; release gives the slot back.
func (l *Limiter) acquire(ctx context.Context, k kind) (release func(), err error) {
	limit := l.capOf(k)
	if limit <= 0 {
		return func() {}, nil
	}
	s := slot{caller: callerOf(ctx), kind: k}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.counts[s] >= limit {
		return nil, l.refusal(k, limit)
	}
	l.counts[s]++
	var once sync.Once
	return func() { once.Do(func() { l.done(s) }) }, nil
}

func (l *Limiter) done(s slot) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.counts[s]--; l.counts[s] <= 0 {
		delete(l.counts, s)
	}
}

func (l *Limiter) capOf(k kind) int {
	switch k {
	case unary:
		return l.cfg.MaxInflight
	case stream:
		return l.cfg.MaxStreams
	}
	return 0
}

// refusal is RESOURCE_EXHAUSTED with the reason, the cap and when to retry.
func (l *Limiter) refusal(k kind, limit int) error {
	e := &apperr.Error{Kind: apperr.KindResourceExhausted, RetryAfter: l.cfg.RetryAfter,
		Metadata: map[string]string{"limit": strconv.Itoa(limit)}}
	if k == stream {
		e.Reason = ReasonTooManyStreams
		e.Message = fmt.Sprintf("too many open streams for this caller (at most %d): close one or retry later", limit)
	} else {
		e.Reason = ReasonTooManyCalls
		e.Message = fmt.Sprintf("too many calls in flight for this caller (at most %d): retry later", limit)
	}
	return apperr.ToStatus(e, ErrorDomain)
}
