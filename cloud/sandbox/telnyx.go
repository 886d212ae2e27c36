package sandbox

import (
	"crypto/sha1" //nolint:gosec // G505: for UUID version 5 only (tnxNameUUID)
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
)

// The Telnyx v2 account access API under /v2: bearer key, the {"errors":[...]}
// envelope with source pointers, page-number pagination with a meta block.
// Records are the sandbox's own types (telnyx_wire.go).

// TelnyxState holds the Telnyx account emulation.
type TelnyxState struct {
	OrganizationID string                  `json:"organizationId"`
	UserID         string                  `json:"userId"`
	AccessIPs      []*tnxAccessIP          `json:"accessIPs"`
	Addresses      []*tnxAddress           `json:"addresses"`
	AuthProviders  []*tnxAuthProvider      `json:"authProviders"`
	BillingGroups  []*tnxBillingGroup      `json:"billingGroups"`
	Secrets        []*tnxStoredSecret      `json:"integrationSecrets"`
	Credentials    []*TelephonyCredential  `json:"telephonyCredentials"`
	TokenKey       string                  `json:"tokenKey"` // HS256 key of telephony tokens, hex
	faults         map[string]*telnyxFault // test hooks, never persisted
}

// tnxStoredSecret keeps an integration secret's metadata and only a digest of
// its value: the emulator, like the API, never returns the value.
type tnxStoredSecret struct {
	tnxIntegrationSecret
	Type   string `json:"type"`
	Digest string `json:"digest"`
}

// TelephonyCredential is a SIP/WebRTC credential tokens can be made for.
type TelephonyCredential struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Expired   bool   `json:"expired"`
	CreatedAt string `json:"created_at"`
}

type telnyxFault struct {
	status     int
	n          int
	retryAfter time.Duration
}

// telnyxErr is an error answer: status plus the errors array.
type telnyxErr struct {
	status int
	items  []tnxErrorItem
}

func (e *telnyxErr) Error() string { return fmt.Sprintf("%d %v", e.status, e.items) }

// Telnyx error codes (developers.telnyx.com api-errors).
const (
	tnxCodeMissingParam = "10004"
	tnxCodeNotFound     = "10005"
	tnxCodeInvalidID    = "10006"
	tnxCodeAuthFailed   = "10009"
	tnxCodeRateLimited  = "10011"
	tnxCodeBadRequest   = "10015"
)

func tnxNotFound(kind, id string) *telnyxErr {
	return &telnyxErr{http.StatusNotFound, []tnxErrorItem{{Code: tnxCodeNotFound, Title: "Resource not found",
		Detail: fmt.Sprintf("The requested %s %q could not be found.", kind, id)}}}
}

// tnxFind locates the record the request's {id} names in list: its index and
// the record, Telnyx's 400 for a malformed UUID (when the resource is
// UUID-keyed) or its 404. Every /v2/<resource>/{id} route shares it.
func tnxFind[T any](r *http.Request, list []*T, idOf func(*T) string, kind string, uuidKeyed bool) (int, *T, error) {
	id := r.PathValue("id")
	if uuidKeyed {
		if err := tnxInvalidUUID(id); err != nil {
			return -1, nil, err
		}
	}
	for i, v := range list {
		if idOf(v) == id {
			return i, v, nil
		}
	}
	return -1, nil, tnxNotFound(kind, id)
}

// tnxInvalidUUID rejects a malformed id of a UUID-keyed resource.
func tnxInvalidUUID(id string) *telnyxErr {
	if tnxUUIDPattern.MatchString(id) {
		return nil
	}
	return &telnyxErr{http.StatusBadRequest, []tnxErrorItem{{Code: tnxCodeInvalidID, Title: "Invalid ID",
		Detail: fmt.Sprintf("%q is not a valid UUID.", id), Source: tnxErrorSource{Parameter: "id"}}}}
}

var tnxUUIDPattern = lazyre.New(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func tnxInvalidField(pointer, title, detail string) tnxErrorItem {
	return tnxErrorItem{Code: tnxCodeBadRequest, Title: title, Detail: detail, Source: tnxErrorSource{Pointer: pointer}}
}

func tnxUnprocessable(items ...tnxErrorItem) *telnyxErr {
	return &telnyxErr{http.StatusUnprocessableEntity, items}
}

// tnxRoute is one Telnyx operation of the emulator: its method and path
// pattern (also its name for Count and InjectTelnyxError), its handler, and
// whether it changes state (then the state is saved).
type tnxRoute struct {
	pattern  string
	fn       telnyxHandler
	mutating bool
}

// telnyxHandler runs with s.mu held and returns the status and body (nil: no body).
type telnyxHandler func(s *Server, st *TelnyxState, r *http.Request, body []byte) (int, any, error)

// Telnyx route names, as Count and InjectTelnyxError take them.
// telnyxEmulation is the Telnyx v2 API under /v2, for one account.
var telnyxEmulation = emulation{
	configure: func(c *Config) error {
		if apiKeyOption.of(c) == "" {
			apiKeyOption.set(c, DefaultTelnyxAPIKey)
		}
		return nil
	},
	section: telnyxSection,
	seed: func(s *Server) {
		if s.telnyx() == nil {
			telnyxSection.set(s.state, seedTelnyx(s.cfg.Now()))
		}
	},
	missing: func(st *State) string {
		if telnyxSection.of(st) == nil {
			return `the "telnyx" section`
		}
		return ""
	},
	routes: (*Server).routeTelnyx,
	credentials: func(s *Server) []ClientSetting {
		return []ClientSetting{{Name: "telnyx-api-key", Value: s.telnyxAPIKey()}}
	},
	endpoints: []string{"telnyx-endpoint"},
}

// apiKeyOption is the bearer key for /v2; "" means DefaultTelnyxAPIKey.
const apiKeyOption option[string] = "telnyx-api-key"

// WithTelnyxAPIKey sets the bearer key the Telnyx emulation accepts.
func WithTelnyxAPIKey(key string) Option { return func(c *Config) { apiKeyOption.set(c, key) } }

func (s *Server) telnyxAPIKey() string { return apiKeyOption.of(&s.cfg) }

// telnyxSection is the Telnyx account, "telnyx" in a state file.
const telnyxSection section[*TelnyxState] = "telnyx"

// telnyx is the state's Telnyx account; callers hold s.mu.
func (s *Server) telnyx() *TelnyxState { return telnyxSection.of(s.state) }

func (s *Server) routeTelnyx(mux *http.ServeMux) {
	// Each area's file declares its routes; this list only orders the areas.
	routes := slices.Concat(tnxAccessIPRoutes, tnxAddressRoutes, tnxAuthProviderRoutes, tnxBillingGroupRoutes, tnxSecretRoutes)
	for _, rt := range routes {
		mux.HandleFunc(rt.pattern, s.serveTelnyx(rt.pattern, rt.fn, rt.mutating))
	}
	mux.HandleFunc("/v2/", s.serveTelnyx("", func(_ *Server, _ *TelnyxState, r *http.Request, _ []byte) (int, any, error) {
		return 0, nil, &telnyxErr{http.StatusNotFound, []tnxErrorItem{{Code: tnxCodeNotFound, Title: "Route not found",
			Detail: fmt.Sprintf("%s %s is not a route of this API.", r.Method, r.URL.Path)}}}
	}, false))
}

func (s *Server) serveTelnyx(route string, fn telnyxHandler, mutating bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", newRequestID())
		if !s.telnyxAuthorized(r) {
			writeTelnyxError(w, &telnyxErr{http.StatusUnauthorized, []tnxErrorItem{{Code: tnxCodeAuthFailed,
				Title: "Authentication failed", Detail: "Could not understand the provided credentials.",
				Meta: tnxErrorMeta{URL: "https://developers.telnyx.com/docs/overview/errors/10009"}}}})
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err != nil {
			writeTelnyxError(w, &telnyxErr{http.StatusRequestEntityTooLarge, []tnxErrorItem{{Code: tnxCodeBadRequest,
				Title: "Request too large", Detail: "The request body exceeds 1 MB."}}})
			return
		}
		var injected *telnyxFault
		status, out, err := func() (int, any, error) {
			s.mu.Lock()
			defer s.mu.Unlock() // a panicking handler must not leave the lock held
			st := s.telnyx()
			if route != "" {
				s.counts[route]++
			}
			if f := st.faults[route]; f != nil && f.n > 0 {
				f.n--
				injected = f
				return 0, nil, nil
			}
			status, out, err := fn(s, st, r, body)
			if err == nil && mutating {
				err = s.saveLocked()
			}
			return status, out, err
		}()
		if injected != nil {
			writeTelnyxInjected(w, injected)
			return
		}
		if err != nil {
			te, ok := err.(*telnyxErr)
			if !ok {
				te = &telnyxErr{http.StatusInternalServerError, []tnxErrorItem{{Code: "10007", Title: "Unexpected error", Detail: err.Error()}}}
			}
			writeTelnyxError(w, te)
			return
		}
		switch v := out.(type) {
		case nil:
			w.WriteHeader(status)
		case tnxPlainText:
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, string(v))
		default:
			writeJSON(w, status, v)
		}
	}
}

// tnxPlainText is an answer sent as text/plain (the telephony token).
type tnxPlainText string

func (s *Server) telnyxAuthorized(r *http.Request) bool {
	const prefix = "Bearer "
	h := r.Header.Get("Authorization")
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(h[len(prefix):]), []byte(s.telnyxAPIKey())) == 1
}

func writeTelnyxError(w http.ResponseWriter, e *telnyxErr) {
	writeJSON(w, e.status, map[string]any{"errors": e.items})
}

func writeTelnyxInjected(w http.ResponseWriter, f *telnyxFault) {
	title := http.StatusText(f.status)
	code := "10007"
	if f.status == http.StatusTooManyRequests {
		code, title = tnxCodeRateLimited, "Too many requests"
	}
	if f.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(f.retryAfter.Seconds()))))
		w.Header().Set("Retry-After-Ms", strconv.FormatInt(f.retryAfter.Milliseconds(), 10))
	}
	writeTelnyxError(w, &telnyxErr{f.status, []tnxErrorItem{{Code: code, Title: title, Detail: "Injected by a test."}}})
}

// InjectTelnyxError makes the next n requests to route (a pattern such as
// "GET /v2/billing_groups", the name Count uses) answer status without being
// handled, with Retry-After (seconds, and Retry-After-Ms) when retryAfter > 0.
// Such requests still count. A test hook.
func (s *Server) InjectTelnyxError(route string, status, n int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.telnyx().faults == nil {
		s.telnyx().faults = map[string]*telnyxFault{}
	}
	s.telnyx().faults[route] = &telnyxFault{status: status, n: n, retryAfter: retryAfter}
}

// telnyxPage answers a list with page[number]/page[size] and the meta block.
func telnyxPage[T any](r *http.Request, items []T) (int, any, error) {
	number, size := 1, 20
	for _, p := range []struct {
		name string
		dst  *int
		max  int
	}{{"page[number]", &number, math.MaxInt32}, {"page[size]", &size, tnxMaxPageSize}} {
		v := r.URL.Query().Get(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > p.max {
			return 0, nil, tnxUnprocessable(tnxErrorItem{Code: tnxCodeBadRequest, Title: "Invalid page parameter",
				Detail: fmt.Sprintf("%s must be an integer between 1 and %d.", p.name, p.max), Source: tnxErrorSource{Parameter: p.name}})
		}
		*p.dst = n
	}
	total := len(items)
	pages := (total + size - 1) / size
	from := min((number-1)*size, total)
	to := min(from+size, total)
	data := append([]T{}, items[from:to]...)
	return http.StatusOK, map[string]any{"data": data, "meta": tnxPageMeta{
		PageNumber: number, PageSize: size, TotalPages: pages, TotalResults: total}}, nil
}

// tnxFields decodes a JSON object body and checks it field by field, gathering
// every problem so one 422 names them all, as the API does.
type tnxFields struct {
	m        map[string]json.RawMessage
	prefix   string
	problems []tnxErrorItem
}

func tnxDecodeFields(body []byte, allowed ...string) (*tnxFields, error) {
	f := &tnxFields{m: map[string]json.RawMessage{}}
	if len(strings.TrimSpace(string(body))) == 0 {
		return f, nil
	}
	if err := json.Unmarshal(body, &f.m); err != nil {
		return nil, &telnyxErr{http.StatusBadRequest, []tnxErrorItem{{Code: tnxCodeBadRequest, Title: "Bad Request",
			Detail: "The request body is not a JSON object."}}}
	}
	f.only(allowed)
	return f, nil
}

func (f *tnxFields) only(allowed []string) {
	for _, k := range sortedKeys(f.m) {
		known := false
		for _, a := range allowed {
			known = known || a == k
		}
		if !known {
			f.problems = append(f.problems, tnxInvalidField(f.prefix+"/"+k, "Unknown parameter",
				fmt.Sprintf("%s is not a parameter of this operation.", k)))
		}
	}
}

func (f *tnxFields) has(k string) bool {
	v, ok := f.m[k]
	return ok && string(v) != "null"
}

// str reads a string field; required ones must be non-blank.
func (f *tnxFields) str(k string, required bool) string {
	if !f.has(k) {
		if required {
			f.problems = append(f.problems, tnxErrorItem{Code: tnxCodeMissingParam, Title: "Missing required parameter",
				Detail: k + " is required.", Source: tnxErrorSource{Pointer: f.prefix + "/" + k}})
		}
		return ""
	}
	var s string
	if json.Unmarshal(f.m[k], &s) != nil {
		f.problems = append(f.problems, tnxInvalidField(f.prefix+"/"+k, "Invalid parameter", k+" must be a string."))
		return ""
	}
	if required && strings.TrimSpace(s) == "" {
		f.problems = append(f.problems, tnxInvalidField(f.prefix+"/"+k, "Invalid parameter", k+" can't be blank."))
	}
	return s
}

func (f *tnxFields) boolean(k string) *bool {
	if !f.has(k) {
		return nil
	}
	var b bool
	if json.Unmarshal(f.m[k], &b) != nil {
		f.problems = append(f.problems, tnxInvalidField(f.prefix+"/"+k, "Invalid parameter", k+" must be a boolean."))
		return nil
	}
	return &b
}

// object returns the nested object k as its own tnxFields (sharing problems on done).
func (f *tnxFields) object(k string, required bool, allowed ...string) *tnxFields {
	if !f.has(k) {
		if required {
			f.problems = append(f.problems, tnxErrorItem{Code: tnxCodeMissingParam, Title: "Missing required parameter",
				Detail: k + " is required.", Source: tnxErrorSource{Pointer: f.prefix + "/" + k}})
		}
		return nil
	}
	sub := &tnxFields{m: map[string]json.RawMessage{}, prefix: f.prefix + "/" + k}
	if json.Unmarshal(f.m[k], &sub.m) != nil {
		f.problems = append(f.problems, tnxInvalidField(sub.prefix, "Invalid parameter", k+" must be an object."))
		return nil
	}
	sub.only(allowed)
	return sub
}

func (f *tnxFields) fail(k, title, detail string) {
	f.problems = append(f.problems, tnxInvalidField(f.prefix+"/"+k, title, detail))
}

func (f *tnxFields) merge(sub *tnxFields) {
	if sub != nil {
		f.problems = append(f.problems, sub.problems...)
	}
}

func (f *tnxFields) err() error {
	if len(f.problems) == 0 {
		return nil
	}
	return tnxUnprocessable(f.problems...)
}

func (s *Server) telnyxNow() string { return s.cfg.Now().UTC().Format(time.RFC3339) }

// tnxNewUUID returns a random RFC 4122 version 4 UUID.
func tnxNewUUID() string {
	b := []byte(randomHex(16))
	b[12] = '4'
	b[16] = "89ab"[b[16]%4]
	h := string(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// tnxNameUUID derives a stable UUID from a name (version 5 style), for seeds.
func tnxNameUUID(name string) string {
	sum := sha1.Sum([]byte("cloudops-mcp sandbox/" + name)) //nolint:gosec // G401: UUID version 5 is defined with SHA-1; no security use
	sum[6] = sum[6]&0x0f | 0x50
	sum[8] = sum[8]&0x3f | 0x80
	h := fmt.Sprintf("%x", sum[:16])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// tnxNewest orders records tnxNewest first (the API's default), ties by id.
func tnxNewest(aCreated, bCreated, aID, bID string) bool {
	if aCreated != bCreated {
		return aCreated > bCreated
	}
	return aID < bID
}
