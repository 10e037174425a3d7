package stack

import "time"

// Backoff is the restart policy of a process that exits unexpectedly: the first restart
// waits Initial, each following one twice as long up to Max, and a process that stayed up
// for ResetAfter starts again from Initial.
type Backoff struct {
	Initial    time.Duration
	Max        time.Duration
	ResetAfter time.Duration
}

// DefaultBackoff is 0.5s doubling to 10s, reset after 30s up: quick enough that a crash is
// repaired before most clients' retries give up, slow enough that a crash loop does not
// spin.
func DefaultBackoff() Backoff {
	return Backoff{Initial: 500 * time.Millisecond, Max: 10 * time.Second, ResetAfter: 30 * time.Second}
}

// backoffState is the policy applied to one process's history.
type backoffState struct {
	policy Backoff
	last   time.Duration // delay before the previous restart; 0 when none is remembered
}

// next returns how long to wait before restarting a process that ran for uptime.
func (b *backoffState) next(uptime time.Duration) time.Duration {
	switch {
	case b.last == 0 || uptime >= b.policy.ResetAfter:
		b.last = b.policy.Initial
	default:
		b.last = min(2*b.last, b.policy.Max)
	}
	return b.last
}

// reset forgets the history, after a deliberate start.
func (b *backoffState) reset() { b.last = 0 }
