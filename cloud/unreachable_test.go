package cloud_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
)

func TestUnreachableClassifiesRealFailures(t *testing.T) {
	get := func(url string, c *http.Client) error {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	// A name in the reserved .invalid domain never resolves.
	if u := cloud.Unreachable("x.invalid", get("http://x.invalid/", http.DefaultClient)); u == nil || u.Reason != "DNS" || u.Retryable() ||
		u.Error() != "cannot reach x.invalid (DNS): check network/proxy; HTTPS_PROXY is honoured" {
		t.Fatalf("DNS: %v", u)
	}
	// A port nobody listens on refuses.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	if u := cloud.Unreachable("127.0.0.1", get("http://"+addr+"/", http.DefaultClient)); u == nil || u.Reason != "connection refused" || !u.Retryable() {
		t.Fatalf("refused: %v", u)
	}
	// A self-signed certificate is not trusted.
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	if u := cloud.Unreachable("127.0.0.1", get(srv.URL, http.DefaultClient)); u == nil || u.Reason != "TLS" {
		t.Fatalf("TLS: %v", u)
	}
	// Other failures are left to the caller.
	if u := cloud.Unreachable("h", errors.New("unexpected EOF")); u != nil {
		t.Fatalf("EOF: %v", u)
	}
}
