package cloud

import (
	"math/rand/v2"
	"time"
)

// RetryPolicy bounds the retries of requests the cloud certainly did not act
// on (rejected before execution, or never sent). Every client uses it; each
// declares its own defaults (tcb.DefaultRetry, telnyx.DefaultRetry).
type RetryPolicy struct {
	MaxAttempts int           // total attempts including the first
	BaseDelay   time.Duration // wait before the first retry, doubled for each next one
	MaxDelay    time.Duration // cap on one wait
	// MaxRetryAfter is the longest server-requested wait (Retry-After) honoured;
	// a longer one ends the call. Zero for clouds that send none.
	MaxRetryAfter time.Duration
}

// WithDefaults returns p with its zero (or negative) fields taken from def.
func (p RetryPolicy) WithDefaults(def RetryPolicy) RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = def.MaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = def.BaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = def.MaxDelay
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = def.MaxRetryAfter
	}
	return p
}

// Backoff is the wait before retry number attempt (1 for the first retry):
// BaseDelay doubled per attempt, capped at MaxDelay, then "equal jitter": a
// random point in [d/2, d], so concurrent callers spread out but never retry
// at once.
func (p RetryPolicy) Backoff(attempt int) time.Duration {
	d := p.BaseDelay << (attempt - 1)
	if d > p.MaxDelay || d <= 0 {
		d = p.MaxDelay
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1)) //nolint:gosec // G404: jitter needs spread, not unpredictability
}
