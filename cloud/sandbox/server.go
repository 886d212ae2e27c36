// Package sandbox emulates the cloud APIs cloudops-mcp talks to, on loopback:
// the tcb 2018-06-08 management API (TC3-signed), the CloudBase HTTP API and
// the Telnyx v2 API. It verifies credentials and enforces the documented
// limits, so tests and `--sandbox` exercise the real clients over real HTTP.
package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"
)

// Documented defaults: README lists them so anyone can point a client here.
const (
	DefaultSecretID  = "AKIDsandboxDEMO"
	DefaultSecretKey = "sandbox-secret-key-for-local-use-only"
	DefaultEnvID     = "demo-7f3a9c"
	DefaultRegion    = "ap-shanghai"
	// DefaultTelnyxAPIKey is the bearer key the Telnyx emulation accepts.
	DefaultTelnyxAPIKey = "sandbox-telnyx-api-key"
	// DefaultAccessTokenLifetime is the HTTP API token lifetime the seed documents.
	DefaultAccessTokenLifetime = 432000 * time.Second
	tcbVersion                 = "2018-06-08"
	maxBodyBytes               = 1 << 20
)

// Account is one credential pair and the environment it owns.
type Account struct {
	SecretID     string
	SecretKey    string
	SessionToken string // required in X-TC-Token when set
	EnvID        string
}

// Config configures a sandbox.
type Config struct {
	// Options configure the emulations (WithAccounts, WithRegion,
	// WithAccessTokenLifetime, WithTelnyxAPIKey): each emulation declares
	// its own, and its defaults.
	Options []Option
	// StateFile, when set, persists state across restarts (atomically).
	StateFile string
	// Now replaces the clock (tests).
	Now func() time.Time

	// opts holds each emulation's options by key (see option).
	opts map[string]any
}

// Server is a running emulator state with its HTTP handler.
type Server struct {
	cfg Config

	mu      sync.Mutex
	state   *State
	counts  map[string]int // per action / route, for tests that prove what was (not) sent
	actions map[string]action

	handler http.Handler
}

// Env is one CloudBase environment.
type Env struct {
	ID          string            `json:"id"`
	Alias       string            `json:"alias"`
	Region      string            `json:"region"`
	Auth        *AuthState        `json:"auth"`
	Integration *IntegrationState `json:"integration"`
	Records     *RecordsState     `json:"records"`
}

// action is one tcb API action's handler; it runs with s.mu held.
type action struct {
	fn       func(s *Server, env *Env, body json.RawMessage) (any, error)
	mutating bool
}

// apiError is a tcb error answer: {"Response":{"Error":{Code,Message},"RequestId"}}.
type apiError struct{ Code, Message string }

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errf(code, format string, a ...any) error {
	return &apiError{Code: code, Message: fmt.Sprintf(format, a...)}
}

// New builds a sandbox, loading StateFile when it exists, else seeding demo data.
func New(cfg Config) (*Server, error) {
	cfg.opts = map[string]any{}
	for _, o := range cfg.Options {
		o(&cfg)
	}
	for _, em := range emulations {
		if err := em.configure(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, counts: map[string]int{}, actions: map[string]action{}}
	loaded, err := s.load()
	if err != nil {
		return nil, err
	}
	if !loaded {
		s.state = &State{}
	}
	mux := http.NewServeMux()
	for _, em := range emulations {
		em.seed(s)
		em.routes(s, mux)
	}
	s.handler = newFaultInjector(s, recoverPanics(mux)) // faults.go: off unless a test sets a plan
	return s, nil
}

// cloudbaseEmulation is the tcb management API (TC3-signed, on /) and the
// CloudBase HTTP API, for the configured accounts' environments.
var cloudbaseEmulation = emulation{
	configure: func(c *Config) error {
		if len(accountsOption.of(c)) == 0 {
			accountsOption.set(c, []Account{{SecretID: DefaultSecretID, SecretKey: DefaultSecretKey, EnvID: DefaultEnvID}})
		}
		for i, a := range accountsOption.of(c) {
			if a.SecretID == "" || a.SecretKey == "" || a.EnvID == "" {
				return fmt.Errorf("sandbox account %d: SecretID, SecretKey and EnvID are required", i)
			}
		}
		if regionOption.of(c) == "" {
			regionOption.set(c, DefaultRegion)
		}
		if lifetimeOption.of(c) <= 0 {
			lifetimeOption.set(c, DefaultAccessTokenLifetime)
		}
		return nil
	},
	section: envsSection,
	flags:   cloudbaseFlags,
	seed: func(s *Server) {
		envs := s.envs()
		if envs == nil {
			envs = map[string]*Env{}
			envsSection.set(s.state, envs)
		}
		for _, a := range s.accounts() {
			if envs[a.EnvID] == nil {
				envs[a.EnvID] = s.newEnv(a.EnvID)
			}
		}
	},
	missing: missingEnvs,
	routes: func(s *Server, mux *http.ServeMux) {
		s.registerAuth()
		s.registerIntegration()
		mux.HandleFunc("POST /{$}", s.serveTCB)
		mux.HandleFunc("GET /{$}", s.serveTCB) // the official signers can send GET with the parameters in the query
		s.routeHTTPAPI(mux)
	},
	credentials: func(s *Server) []ClientSetting {
		a := s.accounts()[0]
		return []ClientSetting{{Name: "secret-id", Value: a.SecretID}, {Name: "secret-key", Value: a.SecretKey}, {Name: "env-id", Value: a.EnvID}}
	},
	endpoints: []string{"tcb-endpoint", "tcb-http-endpoint"},
}

// accountsOption is the accounts that may call the CloudBase APIs; the
// first is the default. None means the documented defaults.
const accountsOption option[[]Account] = "accounts"

// WithAccounts sets the accounts that may call; the first is the default.
func WithAccounts(a ...Account) Option { return func(c *Config) { accountsOption.set(c, a) } }

func (s *Server) accounts() []Account { return accountsOption.of(&s.cfg) }

// regionOption is the emulated environments' region; "" means DefaultRegion.
const regionOption option[string] = "region"

// WithRegion sets the region of the environments the sandbox seeds.
func WithRegion(r string) Option { return func(c *Config) { regionOption.set(c, r) } }

// lifetimeOption is the HTTP API token lifetime; zero means the seed's
// 432000 s ("The Access Token has a validity period of 432000 seconds").
const lifetimeOption option[time.Duration] = "access-token-lifetime"

// WithAccessTokenLifetime sets the HTTP API token lifetime.
func WithAccessTokenLifetime(d time.Duration) Option {
	return func(c *Config) { lifetimeOption.set(c, d) }
}

// envsSection is the CloudBase environments by id, "envs" in a state file.
const envsSection section[map[string]*Env] = "envs"

// envs is the state's CloudBase environments; callers hold s.mu.
func (s *Server) envs() map[string]*Env { return envsSection.of(s.state) }

func (s *Server) newEnv(id string) *Env {
	now := s.cfg.Now()
	return &Env{ID: id, Alias: "demo", Region: regionOption.of(&s.cfg),
		Auth: seedAuth(id, now), Integration: seedIntegration(now), Records: seedRecords(now)}
}

// Handler serves every emulated API.
func (s *Server) Handler() http.Handler { return s.handler }

// Config is the sandbox's effective configuration (credentials included: callers must not print the key).
func (s *Server) Config() Config { return s.cfg }

// Credentials are the values a server under --sandbox uses instead of its
// configured ones, by setting name (the first account's pair and
// environment, the Telnyx key). Callers must not print them.
func (s *Server) Credentials() map[string]string {
	out := map[string]string{}
	for _, em := range emulations {
		for _, c := range em.credentials(s) {
			out[c.Name] = c.Value
		}
	}
	return out
}

// Count is how many requests reached the named action or route (after authentication).
func (s *Server) Count(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[name]
}

// Listen serves the sandbox on addr (loopback) until ctx ends. It returns the
// base URL and a channel closed when serving stopped.
func (s *Server) Listen(ctx context.Context, addr string) (string, <-chan struct{}, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("sandbox listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	go func() { //nolint:gosec // G118: ctx is already done when shutdown starts; it needs a context of its own
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	return "http://" + ln.Addr().String(), done, nil
}

func (s *Server) account(secretID string) (Account, bool) {
	for _, a := range s.accounts() {
		if a.SecretID == secretID {
			return a, true
		}
	}
	return Account{}, false
}

func (s *Server) serveTCB(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		writeTCBError(w, reqID, &apiError{"RequestSizeLimitExceeded", "The request body exceeds 1 MB."})
		return
	}
	secretID, verr := verifyTC3(r, body, s.cfg.Now(), func(id string) (string, bool) {
		a, ok := s.account(id)
		return a.SecretKey, ok
	})
	if verr != nil {
		writeTCBError(w, reqID, &apiError{verr.Code, verr.Message})
		return
	}
	if r.Method == http.MethodGet {
		body = queryBody(r.URL.Query())
	}
	acct, _ := s.account(secretID)
	if acct.SessionToken != "" && r.Header.Get("X-TC-Token") != acct.SessionToken {
		writeTCBError(w, reqID, &apiError{"AuthFailure.TokenFailure", "The session token is invalid."})
		return
	}
	if v := r.Header.Get("X-TC-Version"); v != tcbVersion {
		writeTCBError(w, reqID, &apiError{"NoSuchVersion", fmt.Sprintf("The API version %q does not exist for tcb.", v)})
		return
	}
	name := r.Header.Get("X-TC-Action")
	act, ok := s.actions[name]
	if !ok {
		writeTCBError(w, reqID, &apiError{"InvalidAction", fmt.Sprintf("The action %q is not found.", name)})
		return
	}
	var envRef struct {
		EnvId string `json:"EnvId"`
	}
	if err := json.Unmarshal(body, &envRef); err != nil {
		writeTCBError(w, reqID, &apiError{"InvalidParameter", "The request body is not a JSON object: " + err.Error()})
		return
	}
	if envRef.EnvId == "" {
		writeTCBError(w, reqID, &apiError{"MissingParameter", "The parameter EnvId is required."})
		return
	}
	if envRef.EnvId != acct.EnvID {
		// Another account's environment looks the same as a missing one.
		writeTCBError(w, reqID, &apiError{"ResourceNotFound", fmt.Sprintf("The environment %q does not exist.", envRef.EnvId)})
		return
	}

	out, err := func() (any, error) {
		s.mu.Lock()
		defer s.mu.Unlock() // a panicking action must not leave the lock held
		s.counts[name]++
		out, err := act.fn(s, s.envs()[acct.EnvID], body)
		if err == nil && act.mutating {
			err = s.saveLocked()
		}
		return out, err
	}()
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			ae = &apiError{"InternalError", err.Error()}
		}
		writeTCBError(w, reqID, ae)
		return
	}
	writeTCBResult(w, reqID, out)
}

// decodeStrict decodes an action's body, rejecting fields the action does not know.
func decodeStrict(body json.RawMessage, v any) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return errf("InvalidParameter", "The request body is not a JSON object.")
	}
	delete(m, "EnvId")
	if _, fromQuery := m[queryMarker]; fromQuery {
		delete(m, queryMarker)
		if err := typeQueryValues(m, reflect.TypeOf(v)); err != nil {
			return err
		}
	}
	raw, _ := json.Marshal(m)
	dec := json.NewDecoder(bytesReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errf("InvalidParameter", "Invalid request: %v", err)
	}
	return nil
}

func writeTCBResult(w http.ResponseWriter, reqID string, out any) {
	fields := map[string]any{}
	if out != nil {
		raw, err := json.Marshal(out)
		if err == nil {
			err = json.Unmarshal(raw, &fields)
		}
		if err != nil {
			writeTCBError(w, reqID, &apiError{"InternalError", err.Error()})
			return
		}
	}
	fields["RequestId"] = reqID
	writeJSON(w, http.StatusOK, map[string]any{"Response": fields})
}

func writeTCBError(w http.ResponseWriter, reqID string, e *apiError) {
	writeJSON(w, http.StatusOK, map[string]any{"Response": map[string]any{
		"Error": map[string]string{"Code": e.Code, "Message": e.Message}, "RequestId": reqID}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// recoverPanics answers a request whose handler panicked with a 500 in the
// shape of the API it called, and keeps serving: the emulator stands in for
// a cloud, which never hangs up on one bad request. Locks are released by
// their holders' defers.
func recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil || v == http.ErrAbortHandler {
				if v != nil {
					panic(v)
				}
				return
			}
			msg := fmt.Sprintf("The emulator failed on this request: %v", v)
			switch {
			case strings.HasPrefix(r.URL.Path, "/v2/"):
				writeJSON(w, http.StatusInternalServerError, map[string]any{"errors": []tnxErrorItem{{Code: "10007", Title: "Unexpected error", Detail: msg}}})
			case r.URL.Path == "/":
				writeJSON(w, http.StatusInternalServerError, map[string]any{"Response": map[string]any{
					"Error": map[string]string{"Code": "InternalError", "Message": msg}, "RequestId": newRequestID()}})
			default:
				writeHTTPAPIError(w, newRequestID(), commonErr(http.StatusInternalServerError, "SYS_ERR", msg))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
