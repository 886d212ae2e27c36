package cloud

import (
	"net/http"
	"sync"
	"time"
)

// PooledTransport is the connection pool every cloud client uses when its
// caller sets no transport. net/http's default keeps 2 idle connections per
// host, so beyond 2 concurrent calls each call opened (against a real API:
// TLS-handshook) a new connection and left one in TIME_WAIT; under 64
// concurrent sessions that cost a quarter of the throughput (BENCHMARKS.md).
var PooledTransport = sync.OnceValue(func() *http.Transport { return NewPooledTransport() })

// NewPooledTransport returns a fresh transport with the same pool settings,
// for callers that must change its dialing (the sandbox dialer).
func NewPooledTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 64
	t.IdleConnTimeout = 30 * time.Second
	return t
}
