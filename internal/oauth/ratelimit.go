package oauth

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter is a token bucket per subject. Buckets idle long enough to be full
// again are dropped, so memory follows the active subjects, not every
// subject ever seen.
type limiter struct {
	every time.Duration // one request's worth of refill
	burst int
	mu    sync.Mutex
	subs  map[string]*bucket
	swept time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(perMinute, burst int) *limiter {
	if perMinute <= 0 {
		return nil
	}
	if burst <= 0 {
		burst = max(perMinute/6, 1)
	}
	return &limiter{every: time.Minute / time.Duration(perMinute), burst: burst, subs: map[string]*bucket{}}
}

// allow takes one request from key's bucket, or says how long until one is there.
func (l *limiter) allow(key string) (time.Duration, bool) {
	if l == nil {
		return 0, true
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if full := l.every * time.Duration(l.burst); now.Sub(l.swept) > full {
		for k, b := range l.subs {
			if now.Sub(b.seen) > full {
				delete(l.subs, k)
			}
		}
		l.swept = now
	}
	b := l.subs[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.subs[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}
