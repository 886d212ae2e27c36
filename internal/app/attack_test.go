package app_test

import (
	"net/http"
	"runtime"
	"strings"
	"testing"
)

// Regression tests for the weaknesses found by attacking the server from
// outside (issue 12). Each test names its class; see docs/security.md.

// Class 1: nothing unauthenticated reaches shared state. CORS preflights pass
// without the token; their credential headers used to be added, for good, to
// the process-wide redaction list, so anyone who could reach the port could
// make every later answer mask the env id, and grow the list without bound.
func TestUnauthenticatedPreflightsTouchNoSharedState(t *testing.T) {
	for _, kind := range []string{"http", "sse"} {
		t.Run(kind, func(t *testing.T) {
			a, url, _, _ := sharedApp(t, kind)
			before := a.Redactor.Secrets()
			var m0, m1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m0)
			big := strings.Repeat("Q", 60<<10)
			for i := range 100 {
				req, _ := http.NewRequest(http.MethodOptions, url, nil)
				req.Header.Set("Origin", "http://localhost")
				req.Header.Set("Access-Control-Request-Method", "POST")
				req.Header.Set("X-TencentCloud-SecretId", "AKIDattacker")
				req.Header.Set("X-TencentCloud-SecretKey", accounts[0].EnvID) // would blank out the env id
				req.Header.Set("X-TencentCloud-SessionToken", "ap-guangzhou")
				req.Header.Set("X-Telnyx-Api-Key", big+string(rune('a'+i%26))+strings.Repeat("z", i))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			runtime.GC()
			runtime.ReadMemStats(&m1)
			if after := a.Redactor.Secrets(); after != before {
				t.Fatalf("100 unauthenticated preflights changed the shared redaction list: %d -> %d values", before, after)
			}
			t.Logf("100 preflights with 60 KB credential headers: heap %+.1f MB, redaction list %d -> %d values",
				float64(int64(m1.HeapInuse)-int64(m0.HeapInuse))/(1<<20), before, a.Redactor.Secrets())

			// An authenticated client with its own credentials: masked for its
			// requests only; the shared list still does not grow, and the env
			// id stays readable for everybody.
			c := dial(t, kind, url, headersFor(accounts[1]))
			_, raw, err := callTool(c, "cloudbase_describe_client", map[string]any{"Id": accounts[1].EnvID})
			if err != nil || !strings.Contains(raw, accounts[1].EnvID) || strings.Contains(raw, accounts[1].SecretKey) {
				t.Fatalf("authenticated call with its own credentials: %v %s", err, raw)
			}
			if after := a.Redactor.Secrets(); after != before {
				t.Fatalf("per-request credentials joined the shared redaction list: %d -> %d values", before, after)
			}
			_, raw, err = callTool(dial(t, kind, url, nil), "cloudbase_describe_client", map[string]any{"Id": accounts[0].EnvID})
			if err != nil || !strings.Contains(raw, `"Id":"`+accounts[0].EnvID) {
				t.Fatalf("the env id is no longer readable: %v %s", err, raw)
			}
		})
	}
}
