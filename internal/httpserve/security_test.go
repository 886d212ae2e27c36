package httpserve

import (
	"strings"
	"testing"
)

const testToken = "s3cret-bearer-token-for-tests-0123456789"

func TestTokenRequiredRejectedAccepted(t *testing.T) {
	for _, kind := range []string{"http", "sse"} {
		t.Run(kind, func(t *testing.T) {
			f := start(t, Options{Transport: kind, Token: testToken})
			method, hdr, body := "POST", jsonHeaders(nil), initBody
			if kind == "sse" {
				method, hdr, body = "GET", map[string]string{"Accept": "text/event-stream"}, ""
			}
			for name, auth := range map[string]string{
				"missing":      "",
				"wrong":        "Bearer not-the-token",
				"prefix":       "Bearer " + testToken[:len(testToken)-1],
				"longer":       "Bearer " + testToken + "x",
				"basic scheme": "Basic " + testToken,
				"no scheme":    testToken,
			} {
				h := map[string]string{}
				for k, v := range hdr {
					h[k] = v
				}
				if auth != "" {
					h["Authorization"] = auth
				}
				r := do(t, method, f.url, h, strings.NewReader(body))
				if r.status != 401 {
					t.Errorf("%s token: status %d, want 401", name, r.status)
				}
				if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("%s token: WWW-Authenticate %q", name, r.header.Get("WWW-Authenticate"))
				}
				if strings.Contains(r.body, testToken) || strings.Contains(r.body, "s3cret") {
					t.Errorf("%s token: the answer talks about the token: %s", name, r.body)
				}
			}
			// The right token works, with the scheme in any case.
			c := f.connect(kind, map[string]string{"Authorization": "bearer " + testToken})
			if got := call(t, c, "whoami"); !strings.Contains(got, "id= env=") {
				t.Errorf("whoami = %q", got)
			}
			// The probes need no token.
			if r := do(t, "GET", f.base+"/healthz", nil, nil); r.status != 200 || r.body != "{\"status\":\"alive\"}\n" {
				t.Errorf("healthz: %d %s", r.status, r.body)
			}
			if r := do(t, "GET", f.base+"/readyz", nil, nil); r.status != 200 || r.body != "{\"status\":\"ready\"}\n" {
				t.Errorf("readyz: %d %s", r.status, r.body)
			}
			if strings.Contains(f.logs.String(), testToken) {
				t.Error("the token reached the logs")
			}
			if !strings.Contains(f.logs.String(), "missing or wrong bearer token") {
				t.Error("rejections are not logged")
			}
		})
	}
}

func TestHostAndOriginChecks(t *testing.T) {
	f := start(t, Options{Token: testToken, AllowedOrigins: []string{"https://app.example.com"}})
	auth := map[string]string{"Authorization": "Bearer " + testToken}
	post := func(extra map[string]string) response {
		h := jsonHeaders(auth)
		for k, v := range extra {
			h[k] = v
		}
		return do(t, "POST", f.url, h, strings.NewReader(initBody))
	}
	// DNS rebinding: a loopback listener reached under a foreign name.
	for _, host := range []string{"evil.example.com", "evil.example.com:80", "127.0.0.1.nip.io"} {
		if r := post(map[string]string{"Host": host}); r.status != 403 {
			t.Errorf("Host %s: status %d, want 403", host, r.status)
		}
		if r := do(t, "GET", f.base+"/healthz", map[string]string{"Host": host}, nil); r.status != 403 {
			t.Errorf("Host %s on /healthz: status %d, want 403", host, r.status)
		}
	}
	for _, host := range []string{"localhost", "127.0.0.1:1234", "[::1]:8080"} {
		if r := post(map[string]string{"Host": host}); r.status != 200 {
			t.Errorf("Host %s: status %d, want 200: %s", host, r.status, r.body)
		}
	}
	// Browser origins: foreign ones are refused, loopback and listed ones pass.
	for _, origin := range []string{"https://evil.example.com", "null", "http://app.example.com", "https://app.example.com.evil.net"} {
		if r := post(map[string]string{"Origin": origin}); r.status != 403 {
			t.Errorf("Origin %s: status %d, want 403", origin, r.status)
		}
	}
	for _, origin := range []string{"http://localhost:6274", "http://127.0.0.1:3000", "https://app.example.com"} {
		if r := post(map[string]string{"Origin": origin}); r.status != 200 {
			t.Errorf("Origin %s: status %d, want 200: %s", origin, r.status, r.body)
		}
	}
	r := post(map[string]string{"Origin": "https://app.example.com"})
	if got := r.header.Get("Access-Control-Allow-Origin"); got != "https://app.example.com" {
		t.Errorf("CORS Allow-Origin = %q", got)
	}
	// A preflight carries no credentials and must still be answered, listing our headers.
	pre := do(t, "OPTIONS", f.url, map[string]string{"Origin": "https://app.example.com",
		"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, x-tencentcloud-secretkey"}, nil)
	if pre.status != 204 {
		t.Fatalf("preflight: status %d: %s", pre.status, pre.body)
	}
	allowed := strings.ToLower(pre.header.Get("Access-Control-Allow-Headers"))
	for _, h := range []string{"authorization", "mcp-session-id", "x-tencentcloud-secretkey", "x-cloudbase-env-id", "x-telnyx-api-key"} {
		if !strings.Contains(allowed, h) {
			t.Errorf("preflight Allow-Headers %q lacks %s", allowed, h)
		}
	}
	if pre := do(t, "OPTIONS", f.url, map[string]string{"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"}, nil); pre.status != 403 {
		t.Errorf("preflight from a foreign origin: status %d, want 403", pre.status)
	}
}
