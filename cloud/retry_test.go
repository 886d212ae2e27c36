package cloud

import (
	"testing"
	"time"
)

func TestBackoffDoublesCapsAndJitters(t *testing.T) {
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	for attempt, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond,
		4: 800 * time.Millisecond, 5: time.Second, 70: time.Second} {
		seen := map[time.Duration]bool{}
		for range 200 {
			got := p.Backoff(attempt)
			if got < want/2 || got > want {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, got, want/2, want)
			}
			seen[got] = true
		}
		if len(seen) < 2 {
			t.Errorf("attempt %d: every wait was the same: no jitter", attempt)
		}
	}
}

func TestWithDefaultsKeepsGivenFields(t *testing.T) {
	def := RetryPolicy{MaxAttempts: 4, BaseDelay: time.Second, MaxDelay: 8 * time.Second, MaxRetryAfter: 30 * time.Second}
	got := RetryPolicy{BaseDelay: time.Millisecond}.WithDefaults(def)
	want := RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 8 * time.Second, MaxRetryAfter: 30 * time.Second}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}
