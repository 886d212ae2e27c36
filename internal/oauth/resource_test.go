package oauth_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/cloudops-mcp/cloudops-mcp/internal/oauth"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testidp"
)

// resource is a listener whose URL (the resource URL tokens are minted for)
// is known before the resource server behind it is configured.
type resource struct {
	ln   net.Listener
	url  string // http://127.0.0.1:port/mcp
	base string
	logs *testenv.SyncBuffer
}

func listen(t *testing.T) *resource {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	return &resource{ln: ln, url: base + "/mcp", base: base, logs: &testenv.SyncBuffer{}}
}

// serve puts, behind Resource.Wrap, a handler that reports the principal it
// sees and whether the token still reached it.
func (rs *resource) serve(t *testing.T, issuer string, mutate func(*oauth.Config)) {
	t.Helper()
	cfg := oauth.Config{Issuer: issuer, Resource: rs.url, ClockSkew: 30 * time.Second, Log: zerolog.New(rs.logs)}
	if mutate != nil {
		mutate(&cfg)
	}
	r, err := oauth.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	for _, p := range r.MetadataPaths() {
		mux.Handle(p, r.Metadata())
	}
	mux.Handle("/mcp", r.Wrap(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		p, _ := oauth.FromContext(req.Context())
		_ = json.NewEncoder(w).Encode(map[string]any{"sub": p.Subject, "iss": p.Issuer, "write": p.Write,
			"tokenSeen": req.Header.Get("Authorization") != ""})
	})))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(rs.ln) }()
	t.Cleanup(func() { _ = srv.Close() })
}

type answer struct {
	status int
	header http.Header
	body   string
}

func send(t *testing.T, method, url, token string) answer {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(`{}`))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, res.Header, string(b)}
}

func clients(resourceURL string) []testidp.Client {
	return []testidp.Client{
		{ID: "reader", Secret: "reader-secret", Scopes: []string{"cloudops:read"}, Audience: []string{resourceURL}},
		{ID: "writer", Secret: "writer-secret", Scopes: []string{"cloudops:read", "cloudops:write"}, Audience: []string{resourceURL}},
		{ID: "expired", Secret: "expired-secret", Scopes: []string{"cloudops:read"}, Audience: []string{resourceURL}, Lifetime: -10 * time.Minute},
		{ID: "elsewhere", Secret: "elsewhere-secret", Scopes: []string{"cloudops:write"}, Audience: []string{"https://other.example.com/mcp"}},
		{ID: "noscope", Secret: "noscope-secret", Scopes: []string{"profile"}, Audience: []string{resourceURL}},
	}
}

func TestAccessTokensAgainstARealOpenIDProvider(t *testing.T) {
	rs := listen(t)
	idp := testidp.New(t, testidp.Options{Clients: clients(rs.url)})
	// Same keys, another issuer: its tokens differ only in iss.
	impostor := testidp.New(t, testidp.Options{Keys: idp, Clients: clients(rs.url)})
	rs.serve(t, idp.Issuer, nil)
	metadataURL := rs.base + "/.well-known/oauth-protected-resource/mcp"
	challenge := `Bearer resource_metadata="` + metadataURL + `"`

	// RFC 9728 metadata names the issuer, at the path for this resource and at the bare one.
	for _, u := range []string{metadataURL, rs.base + "/.well-known/oauth-protected-resource"} {
		a := send(t, http.MethodGet, u, "")
		var md map[string]any
		if err := json.Unmarshal([]byte(a.body), &md); a.status != 200 || err != nil {
			t.Fatalf("metadata at %s: %d %s", u, a.status, a.body)
		}
		if md["resource"] != rs.url || md["authorization_servers"].([]any)[0] != idp.Issuer {
			t.Errorf("metadata: %s", a.body)
		}
	}

	// No token: 401 pointing at the metadata.
	if a := send(t, http.MethodPost, rs.url, ""); a.status != 401 || a.header.Get("WWW-Authenticate") != challenge {
		t.Errorf("no token: %d %q", a.status, a.header.Get("WWW-Authenticate"))
	}

	// A read token is served, read-only; a write token may write. The token
	// never reaches the handler.
	for id, write := range map[string]bool{"reader": false, "writer": true} {
		a := send(t, http.MethodPost, rs.url, idp.Token(id))
		want := `{"iss":"` + idp.Issuer + `","sub":"service:` + id + `","tokenSeen":false,"write":` + map[bool]string{false: "false", true: "true"}[write] + "}\n"
		if a.status != 200 || a.body != want {
			t.Errorf("%s token: %d %s, want %s", id, a.status, a.body, want)
		}
	}

	// Refused: expired, for another resource, from another issuer, signed
	// by a key the issuer never published.
	refused := map[string]string{
		"expired":        idp.Token("expired"),
		"wrong audience": idp.Token("elsewhere"),
		"wrong issuer":   impostor.Token("writer"),
		"unknown key": idp.ForgeWithUnknownKey(map[string]any{"iss": idp.Issuer, "sub": "service:writer", "aud": rs.url,
			"scope": "cloudops:write", "exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix()}),
	}
	for name, tok := range refused {
		a := send(t, http.MethodPost, rs.url, tok)
		if a.status != 401 || a.header.Get("WWW-Authenticate") != challenge+`, error="invalid_token"` {
			t.Errorf("%s: %d %q %s", name, a.status, a.header.Get("WWW-Authenticate"), a.body)
		}
		if strings.Contains(a.body, tok) || strings.Contains(rs.logs.String(), tok) {
			t.Errorf("%s: the token was echoed", name)
		}
	}

	// Valid but with no cloudops scope: 403 insufficient_scope.
	if a := send(t, http.MethodPost, rs.url, idp.Token("noscope")); a.status != 403 ||
		!strings.Contains(a.header.Get("WWW-Authenticate"), `error="insufficient_scope", scope="cloudops:read"`) {
		t.Errorf("no scope: %d %q", a.status, a.header.Get("WWW-Authenticate"))
	}

	// Key rotation: the provider signs with a new key; the resource server
	// (its JWKS cached with the old key only) fetches the new set and accepts it.
	idp.Rotate()
	if a := send(t, http.MethodPost, rs.url, idp.Token("writer")); a.status != 200 {
		t.Errorf("token signed with the rotated key: %d %s", a.status, a.body)
	}
}

// Rate limits are per subject: one caller over its budget gets 429 with
// Retry-After; another caller is not affected.
func TestRateLimitPerSubject(t *testing.T) {
	rs := listen(t)
	idp := testidp.New(t, testidp.Options{Clients: clients(rs.url)})
	rs.serve(t, idp.Issuer, func(c *oauth.Config) { c.RatePerMinute, c.Burst = 6, 3 })
	reader, writer := idp.Token("reader"), idp.Token("writer")
	for i := range 3 {
		if a := send(t, http.MethodPost, rs.url, reader); a.status != 200 {
			t.Fatalf("call %d within the burst: %d %s", i, a.status, a.body)
		}
	}
	a := send(t, http.MethodPost, rs.url, reader)
	if a.status != 429 || a.header.Get("Retry-After") == "" || a.header.Get("Retry-After") == "0" {
		t.Fatalf("over the limit: %d Retry-After %q %s", a.status, a.header.Get("Retry-After"), a.body)
	}
	if a := send(t, http.MethodPost, rs.url, writer); a.status != 200 {
		t.Errorf("another subject was limited too: %d", a.status)
	}
}
