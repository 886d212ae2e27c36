package sandbox

// The CloudBase HTTP API emulation (documented at docs.cloudbase.net, HTTP API): the token
// endpoint and the data-model (OData v4) records API.
//
// Which environment a request addresses: the real API reads it from the host,
// <env>.<region>.tcb-api.tencentcloudapi.com. So does the sandbox when the
// Host header has that shape (<env>.<region>.tcb-api.<any domain>): the
// environment must exist, belong to the credential's account and live in that
// region, else INVALID_ENV / INVALID_REGION, as the real API answers. Any other
// host (an IP, localhost: a client pointed straight at the sandbox's address)
// names no environment, and the credential's own applies: the Basic
// credential's at the token endpoint, the token's for API calls.
//
// Requests reaching the API after authentication are counted for tests:
// "http:token" per token issued, "http:rejected_token" per refused bearer
// token, "odata:<METHOD>" per data-model request.

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"time"
)

const (
	httpTokenPath = "/auth/v1/token/clientCredential"
	odataPrefix   = "/weda/odata/v1/"
	// maxIssuedTokens bounds the per-environment list of issued tokens tests read.
	maxIssuedTokens = 64
)

// httpAPIError is an HTTP API error answer. Common errors (token, host,
// environment, request format) use the documented {"code","requestId","message"};
// business errors of the records API use {"Response":{"Error":…,"RequestId"}}.
type httpAPIError struct {
	status   int
	code     string
	message  string
	business bool
}

func commonErr(status int, code, msg string) *httpAPIError {
	return &httpAPIError{status: status, code: code, message: msg}
}

func businessErr(status int, code, msg string) *httpAPIError {
	return &httpAPIError{status: status, code: code, message: msg, business: true}
}

func writeHTTPAPIError(w http.ResponseWriter, reqID string, e *httpAPIError) {
	if e.business {
		writeJSON(w, e.status, map[string]any{"Response": map[string]any{
			"Error": map[string]string{"Code": e.code, "Message": e.message}, "RequestId": reqID}})
		return
	}
	writeJSON(w, e.status, map[string]string{"code": e.code, "requestId": reqID, "message": e.message})
}

func (s *Server) routeHTTPAPI(mux *http.ServeMux) {
	mux.HandleFunc(httpTokenPath, s.serveHTTPToken)
	mux.HandleFunc(odataPrefix, s.serveOData)
	mux.HandleFunc(modelsPrefix, s.serveSchemaList)
}

// IssuedAccessTokens lists the latest HTTP API tokens issued for envID (tests
// prove none of them ever reaches a result or a log).
func (s *Server) IssuedAccessTokens(envID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	env := s.envs()[envID]
	if env == nil || env.Records == nil {
		return nil
	}
	return append([]string(nil), env.Records.issued...)
}

// hostEnv returns the environment the Host header names, "" when it names
// none (see the file comment). Caller holds s.mu.
func (s *Server) hostEnv(host string) (string, *httpAPIError) {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	labels := strings.Split(strings.ToLower(host), ".")
	idx := -1
	for i, l := range labels {
		if l == "tcb-api" {
			idx = i
			break
		}
	}
	switch {
	case idx < 0:
		return "", nil
	case idx != 2:
		return "", commonErr(http.StatusBadRequest, "INVALID_HOST", "invalid host "+host+": want <EnvId>.<region>.tcb-api.tencentcloudapi.com")
	}
	var env *Env
	for id, e := range s.envs() {
		if strings.EqualFold(id, labels[0]) {
			env = e
		}
	}
	if env == nil {
		return "", commonErr(http.StatusNotFound, "INVALID_ENV", "environment "+labels[0]+" not found")
	}
	if !strings.EqualFold(env.Region, labels[1]) {
		return "", commonErr(http.StatusBadRequest, "INVALID_REGION", "environment "+env.ID+" is in region "+env.Region+", not "+labels[1])
	}
	return env.ID, nil
}

func (s *Server) serveHTTPToken(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	w.Header().Set("X-Request-Id", reqID)
	token, lifetime, e := s.issueHTTPToken(r)
	if e != nil {
		writeHTTPAPIError(w, reqID, e)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"token_type": "Bearer", "access_token": token, "expires_in": lifetime})
}

func (s *Server) issueHTTPToken(r *http.Request) (string, int64, *httpAPIError) {
	if r.Method != http.MethodPost {
		return "", 0, commonErr(http.StatusMethodNotAllowed, "BAD_REQUEST", "use POST to obtain an access token")
	}
	id, key, ok := r.BasicAuth()
	if !ok {
		return "", 0, commonErr(http.StatusUnauthorized, "INVALID_COMMON_PARAM", "Authorization: Basic base64(SecretId:SecretKey) is required")
	}
	acct, known := s.account(id)
	if !known || subtle.ConstantTimeCompare([]byte(key), []byte(acct.SecretKey)) != 1 {
		return "", 0, commonErr(http.StatusUnauthorized, "SIGN_PARAM_INVALID", "SecretId/SecretKey verification failed")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		return "", 0, commonErr(http.StatusBadRequest, "BAD_REQUEST", "could not read the request body")
	}
	if len(strings.TrimSpace(string(body))) > 0 {
		var in struct {
			GrantType string `json:"grant_type"`
		}
		if json.Unmarshal(body, &in) != nil || in.GrantType != "client_credentials" {
			return "", 0, commonErr(http.StatusBadRequest, "BAD_REQUEST", `the body must be {"grant_type":"client_credentials"}`)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	envID, e := s.hostEnv(r.Host)
	if e != nil {
		return "", 0, e
	}
	if envID != "" && envID != acct.EnvID {
		// Another account's environment looks the same as a missing one.
		return "", 0, commonErr(http.StatusNotFound, "INVALID_ENV", "environment "+envID+" not found")
	}
	env := s.envs()[acct.EnvID]
	if env == nil {
		return "", 0, commonErr(http.StatusNotFound, "INVALID_ENV", "environment "+acct.EnvID+" not found")
	}
	s.counts["http:token"]++
	lifetime := int64(math.Ceil(lifetimeOption.of(&s.cfg).Seconds()))
	now := s.cfg.Now()
	token := signHTTPToken(acct.SecretKey, httpTokenClaims{Iss: "cloudbase-sandbox", Sub: acct.SecretID, Env: acct.EnvID,
		Iat: now.Unix(), Exp: now.Unix() + lifetime, Jti: randomHex(8)})
	recs := s.records(env)
	recs.issued = append(recs.issued, token)
	if len(recs.issued) > maxIssuedTokens {
		recs.issued = recs.issued[len(recs.issued)-maxIssuedTokens:]
	}
	return token, lifetime, nil
}

// httpTokenClaims is the access token's payload. Tokens are JWTs signed
// (HS256) with the account's SecretKey, so they outlive a sandbox restart and
// die with a key change, and need no storage.
type httpTokenClaims struct {
	Iss string `json:"iss"`
	Sub string `json:"sub"` // SecretId
	Env string `json:"env"`
	Iat int64  `json:"iat"`
	Exp int64  `json:"exp"`
	Jti string `json:"jti"`
}

var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

func signHTTPToken(key string, c httpTokenClaims) string {
	payload, _ := json.Marshal(c)
	unsigned := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(unsigned))
	return unsigned + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// verifyHTTPToken checks the request's bearer token: shape, signature, expiry.
func (s *Server) verifyHTTPToken(r *http.Request) (httpTokenClaims, *httpAPIError) {
	var c httpTokenClaims
	bad := func(why string) (httpTokenClaims, *httpAPIError) {
		return c, commonErr(http.StatusUnauthorized, "INVALID_ACCESS_TOKEN", "access token verify failed: "+why)
	}
	auth := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || token == "" {
		return bad("missing Authorization: Bearer <access token>")
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] != jwtHeader {
		return bad("jwt malformed")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(payload, &c) != nil {
		return bad("jwt malformed")
	}
	acct, known := s.account(c.Sub)
	if !known || !hmac.Equal([]byte(signHTTPToken(acct.SecretKey, c)), []byte(token)) {
		return bad("invalid signature")
	}
	if s.cfg.Now().Unix() >= c.Exp {
		return bad("jwt expired")
	}
	return c, nil
}

// records returns env's records state, seeding it for state files written
// before records existed. Caller holds s.mu.
func (s *Server) records(env *Env) *RecordsState {
	if env.Records == nil {
		env.Records = seedRecords(s.cfg.Now())
	}
	return env.Records
}

// authorizeHTTP resolves the environment of an API request from its token and
// Host. Caller holds s.mu.
func (s *Server) authorizeHTTP(r *http.Request) (*Env, *httpAPIError) {
	claims, e := s.verifyHTTPToken(r)
	if e != nil {
		s.counts["http:rejected_token"]++
		return nil, e
	}
	hostEnv, e := s.hostEnv(r.Host)
	if e != nil {
		return nil, e
	}
	if hostEnv != "" && hostEnv != claims.Env {
		return nil, commonErr(http.StatusForbidden, "PERMISSION_DENIED", "the access token was issued for another environment")
	}
	env := s.envs()[claims.Env]
	if env == nil {
		return nil, commonErr(http.StatusNotFound, "INVALID_ENV", "environment "+claims.Env+" not found")
	}
	return env, nil
}

// nowMillis is the sandbox clock as the data model stores time: Unix milliseconds.
func (s *Server) nowMillis() float64 {
	return float64(s.cfg.Now().UnixNano() / int64(time.Millisecond))
}
