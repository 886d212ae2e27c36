// Package testidp is a real OpenID provider for tests, built on zitadel's
// OpenID-certified provider library (pkg/op) with its own small in-memory
// storage: discovery, a JWKS whose signing key can be rotated, and the
// client-credentials grant issuing JWT access tokens (RFC 9068 shape) whose
// audience is the resource the client is registered for. Loopback only.
package testidp

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Client is a registered client-credentials client.
type Client struct {
	ID, Secret string
	Scopes     []string      // what its tokens carry
	Audience   []string      // the resources its tokens are for
	Lifetime   time.Duration // of its tokens; negative mints expired ones
}

// IdP is a running provider.
type IdP struct {
	Issuer string
	t      testing.TB
	store  *storage
}

// Options configure New. Keys shares another provider's signing keys (to
// mint tokens that differ only in issuer).
type Options struct {
	Clients []Client
	Keys    *IdP
}

// New starts a provider on a free loopback port; it stops with the test.
func New(t testing.TB, o Options) *IdP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer := "http://" + ln.Addr().String()
	st := &storage{clients: map[string]Client{}}
	if o.Keys != nil {
		st.keys = o.Keys.store.keys
	} else {
		st.keys = &keyRing{}
		st.keys.rotate()
	}
	for _, c := range o.Clients {
		st.clients[c.ID] = c
	}
	var crypto [32]byte
	_, _ = rand.Read(crypto[:])
	p, err := op.NewProvider(&op.Config{CryptoKey: crypto, AuthMethodPost: true}, st, op.StaticIssuer(issuer), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return &IdP{Issuer: issuer, t: t, store: st}
}

// Token runs the client-credentials grant for a registered client and
// returns the access token.
func (p *IdP) Token(clientID string) string {
	p.t.Helper()
	c := p.store.clients[clientID]
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {strings.Join(c.Scopes, " ")}}
	req, _ := http.NewRequest(http.MethodPost, p.Issuer+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(c.ID), url.QueryEscape(c.Secret))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.AccessToken == "" {
		p.t.Fatalf("token for %s: status %d, %v %s %s", clientID, res.StatusCode, err, out.Error, out.Description)
	}
	return out.AccessToken
}

// Rotate adds a new signing key to the JWKS and signs with it from now on
// (the old key stays published, as providers do during a rotation).
func (p *IdP) Rotate() { p.store.keys.rotate() }

// ForgeWithUnknownKey signs claims like a token of this issuer, but with a
// key the JWKS never published.
func (p *IdP) ForgeWithUnknownKey(claims map[string]any) string {
	p.t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		p.t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: k, KeyID: p.store.keys.current().id}},
		(&jose.SignerOptions{}).WithType("at+jwt"))
	if err != nil {
		p.t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		p.t.Fatal(err)
	}
	s, _ := jws.CompactSerialize()
	return s
}

// keyRing is the provider's signing keys, newest last.
type keyRing struct {
	mu   sync.Mutex
	keys []*signingKey
}

type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (s *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (s *signingKey) Key() any                                    { return s.key }
func (s *signingKey) ID() string                                  { return s.id }

type publicKey struct{ *signingKey }

func (p publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (p publicKey) Use() string                        { return "sig" }
func (p publicKey) Key() any                           { return &p.key.PublicKey }

func (r *keyRing) rotate() {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keys = append(r.keys, &signingKey{id: fmt.Sprintf("key-%d", len(r.keys)+1), key: k})
}

func (r *keyRing) current() *signingKey {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.keys[len(r.keys)-1]
}

func (r *keyRing) public() []op.Key {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]op.Key, len(r.keys))
	for i, k := range r.keys {
		out[i] = publicKey{k}
	}
	return out
}
