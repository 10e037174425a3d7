package faults

import (
	"context"
	"math/rand/v2"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// attempt is the outcome of one try of a call.
type attempt struct {
	code codes.Code
	took time.Duration
}

// createResult is what a client that retries learned about one create.
type createResult struct {
	requestID string
	name      string // empty unless acknowledged
	attempts  []attempt
	err       error // the last error when never acknowledged
}

// retryable are the codes a client may retry a create with the same request id on: the
// service or the store was unreachable, or the attempt ran out of time. Anything else is
// an answer.
func retryable(c codes.Code) bool { return c == codes.Unavailable || c == codes.DeadlineExceeded }

// createWithRetry sends req until it is acknowledged, as a careful client on a poor link
// does: each attempt with its own timeout, a retry on a retryable code with the SAME
// request id after a jittered, doubling pause, all within ctx's deadline.
func createWithRetry(ctx context.Context, c incidentv1.IncidentServiceClient, req *incidentv1.CreateIncidentRequest, perAttempt time.Duration) createResult {
	r := createResult{requestID: req.GetRequestId()}
	pause := 50 * time.Millisecond
	for range 200 { // bounded by count as well as by ctx
		actx, cancel := context.WithTimeout(ctx, perAttempt)
		began := time.Now()
		resp, err := c.CreateIncident(actx, req)
		cancel()
		code := status.Code(err)
		r.attempts = append(r.attempts, attempt{code: code, took: time.Since(began)})
		if err == nil {
			r.name = resp.GetIncident().GetName()
			return r
		}
		r.err = err
		if !retryable(code) || ctx.Err() != nil {
			return r
		}
		select {
		case <-ctx.Done():
			return r
		case <-time.After(pause/2 + rand.N(pause/2+1)):
		}
		pause = min(2*pause, time.Second)
	}
	return r
}
