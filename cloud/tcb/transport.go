package tcb

import (
	"net/http"
	"sync"
	"time"
)

// pooledTransport is the connection pool management API calls use when the
// caller sets no Transport. The SDK's default keeps 2 idle connections per
// host, so beyond 2 concurrent calls every call opened (and, against the real
// API, TLS-handshook) a new connection and left one in TIME_WAIT: under 64
// concurrent sessions this cost a quarter of the throughput (BENCHMARKS.md).
var pooledTransport = sync.OnceValue(func() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 64
	t.IdleConnTimeout = 30 * time.Second // as the SDK sets it
	return t
})
