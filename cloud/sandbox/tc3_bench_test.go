package sandbox

import (
	"strconv"
	"testing"
	"time"
)

// BenchmarkVerifyTC3 is the sandbox's signature check of one signed request.
func BenchmarkVerifyTC3(b *testing.B) {
	req := signedRequest(&testing.T{}, `{"Data":"benchmark"}`)
	ts, _ := strconv.ParseInt(req.Header.Get("X-TC-Timestamp"), 10, 64)
	now := time.Unix(ts, 0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := verify(req, now); err != nil {
			b.Fatal(err)
		}
	}
}
