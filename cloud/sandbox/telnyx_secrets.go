package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
)

// tnxSecretRoutes are this area's routes (see routeTelnyx).
var tnxSecretRoutes = []tnxRoute{
	{"GET /v2/integration_secrets", tnxListSecrets, false},
	{"POST /v2/integration_secrets", tnxCreateSecret, true},
	{"DELETE /v2/integration_secrets/{id}", tnxDeleteSecret, true},
	{"GET /v2/telephony_credentials", tnxListTelephonyCredentials, false},
	{"POST /v2/telephony_credentials/{id}/token", tnxCreateTelephonyToken, true},
}

// Integration secrets (write-only values) and telephony credential tokens.

var tnxIdentifierPattern = lazyre.New(`^[A-Za-z0-9_.-]+$`)

// tnxTelephonyTokenLifetime is how long a telephony access token is valid.
const tnxTelephonyTokenLifetime = 24 * time.Hour

func tnxListSecrets(_ *Server, st *TelnyxState, r *http.Request, _ []byte) (int, any, error) {
	if err := tnxOnlyQuery(r, tnxSecretQuery...); err != nil {
		return 0, nil, err
	}
	typ := r.URL.Query().Get("filter[type]")
	if typ != "" && typ != "bearer" && typ != "basic" {
		return 0, nil, tnxUnprocessable(tnxErrorItem{Code: tnxCodeBadRequest, Title: "Invalid filter",
			Detail: "filter[type] must be bearer or basic.", Source: tnxErrorSource{Parameter: "filter[type]"}})
	}
	out := []tnxIntegrationSecret{}
	for _, s := range st.Secrets {
		if typ == "" || s.Type == typ {
			out = append(out, s.tnxIntegrationSecret) // metadata only: the digest stays here
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return tnxNewest(out[i].CreatedAt, out[j].CreatedAt, out[i].ID, out[j].ID) })
	return telnyxPage(r, out)
}

func tnxCreateSecret(s *Server, st *TelnyxState, _ *http.Request, body []byte) (int, any, error) {
	f, err := tnxDecodeFields(body, "identifier", "type", "token", "username", "password")
	if err != nil {
		return 0, nil, err
	}
	ident, typ := f.str("identifier", true), f.str("type", true)
	token, user, pass := f.str("token", false), f.str("username", false), f.str("password", false)
	if ident != "" && !tnxIdentifierPattern.MatchString(ident) {
		f.fail("identifier", "Invalid parameter", "identifier may contain letters, digits, _ . and - only.")
	}
	for _, sec := range st.Secrets {
		if ident != "" && sec.Identifier == ident {
			f.fail("identifier", "Invalid parameter", "identifier has already been taken.")
		}
	}
	var value string
	switch typ {
	case "bearer":
		if token == "" {
			f.problems = append(f.problems, tnxErrorItem{Code: tnxCodeMissingParam, Title: "Missing required parameter",
				Detail: "token is required for bearer secrets.", Source: tnxErrorSource{Pointer: "/token"}})
		}
		value = token
	case "basic":
		for k, v := range map[string]string{"username": user, "password": pass} {
			if v == "" {
				f.problems = append(f.problems, tnxErrorItem{Code: tnxCodeMissingParam, Title: "Missing required parameter",
					Detail: k + " is required for basic secrets.", Source: tnxErrorSource{Pointer: "/" + k}})
			}
		}
		value = user + ":" + pass
	case "":
	default:
		f.fail("type", "Invalid parameter", "type must be bearer or basic.")
	}
	if err := f.err(); err != nil {
		return 0, nil, err
	}
	sum := sha256.Sum256([]byte(value))
	now := s.telnyxNow()
	sec := &tnxStoredSecret{tnxIntegrationSecret: tnxIntegrationSecret{ID: tnxNewUUID(), Identifier: ident,
		RecordType: "integration_secret", CreatedAt: now, UpdatedAt: now}, Type: typ, Digest: hex.EncodeToString(sum[:])}
	st.Secrets = append(st.Secrets, sec)
	return http.StatusCreated, map[string]any{"data": sec.tnxIntegrationSecret}, nil
}

func tnxDeleteSecret(_ *Server, st *TelnyxState, r *http.Request, _ []byte) (int, any, error) {
	id := r.PathValue("id")
	for i, sec := range st.Secrets {
		if sec.ID == id {
			st.Secrets = append(st.Secrets[:i], st.Secrets[i+1:]...)
			return http.StatusNoContent, nil, nil
		}
	}
	return 0, nil, tnxNotFound("integration secret", id)
}

// tnxTelephonyCredentialRecord is a credential as GET /telephony_credentials
// answers it. The emulator stores no SIP user name or password: both are
// derived from the id and the token key, the password so that tests can
// prove the server never passes it on.
type tnxTelephonyCredentialRecord struct {
	ID          string `json:"id"`
	RecordType  string `json:"record_type"`
	Name        string `json:"name"`
	Expired     bool   `json:"expired"`
	UserID      string `json:"user_id"`
	ResourceID  string `json:"resource_id"`
	SipUsername string `json:"sip_username"`
	SipPassword string `json:"sip_password"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
}

var tnxTelephonyCredentialQuery = []string{"filter[name]", "filter[status]", "filter[sip_username]"}

func tnxTelephonyCredentialOf(st *TelnyxState, c *TelephonyCredential) tnxTelephonyCredentialRecord {
	key, _ := hex.DecodeString(st.TokenKey)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("sip/" + c.ID))
	raw := mac.Sum(nil)
	sum := hex.EncodeToString(raw)
	return tnxTelephonyCredentialRecord{ID: c.ID, RecordType: "credential", Name: c.Name, Expired: c.Expired, UserID: st.UserID,
		ResourceID: "connection:" + strconv.FormatUint(binary.BigEndian.Uint64(raw)>>8, 10), SipUsername: "gencred" + sum[:22],
		SipPassword: sum[22:54], CreatedAt: c.CreatedAt, UpdatedAt: c.CreatedAt}
}

func tnxListTelephonyCredentials(_ *Server, st *TelnyxState, r *http.Request, _ []byte) (int, any, error) {
	if err := tnxOnlyQuery(r, tnxTelephonyCredentialQuery...); err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	status := q.Get("filter[status]")
	if status != "" && status != "active" && status != "expired" {
		return 0, nil, tnxUnprocessable(tnxErrorItem{Code: tnxCodeBadRequest, Title: "Invalid filter",
			Detail: "filter[status] must be active or expired.", Source: tnxErrorSource{Parameter: "filter[status]"}})
	}
	out := []tnxTelephonyCredentialRecord{}
	for _, c := range st.Credentials {
		rec := tnxTelephonyCredentialOf(st, c)
		if (q.Get("filter[name]") == "" || c.Name == q.Get("filter[name]")) && (status == "" || c.Expired == (status == "expired")) &&
			(q.Get("filter[sip_username]") == "" || rec.SipUsername == q.Get("filter[sip_username]")) {
			out = append(out, rec)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return tnxNewest(out[i].CreatedAt, out[j].CreatedAt, out[i].ID, out[j].ID) })
	return telnyxPage(r, out)
}

func tnxCreateTelephonyToken(s *Server, st *TelnyxState, r *http.Request, _ []byte) (int, any, error) {
	id := r.PathValue("id")
	for _, c := range st.Credentials {
		if c.ID != id {
			continue
		}
		if c.Expired {
			return 0, nil, tnxUnprocessable(tnxErrorItem{Code: tnxCodeBadRequest, Title: "Credential expired",
				Detail: "Tokens cannot be created for an expired telephony credential."})
		}
		now := s.cfg.Now()
		claims := map[string]any{"iss": "telnyx_telephony", "sub": c.ID, "typ": "access", "jti": tnxNewUUID(),
			"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(tnxTelephonyTokenLifetime).Unix()}
		return http.StatusCreated, tnxPlainText(tnxSignHS256(st.TokenKey, claims)), nil
	}
	return 0, nil, tnxNotFound("telephony credential", id)
}

func tnxSignHS256(keyHex string, claims map[string]any) string {
	enc := base64.RawURLEncoding
	head := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	body, _ := json.Marshal(claims)
	signing := head + "." + enc.EncodeToString(body)
	key, _ := hex.DecodeString(keyHex)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(mac.Sum(nil))
}

// VerifyTelephonyToken checks a telephony token's HS256 signature and expiry
// and returns its claims, as a WebRTC/SIP edge would.
func (s *Server) VerifyTelephonyToken(tok string) (map[string]any, error) {
	s.mu.Lock()
	keyHex := s.telnyx().TokenKey
	s.mu.Unlock()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a JWT")
	}
	enc := base64.RawURLEncoding
	head, err := enc.DecodeString(parts[0])
	if err != nil || string(head) != `{"alg":"HS256","typ":"JWT"}` {
		return nil, errors.New("unexpected JWT header")
	}
	key, _ := hex.DecodeString(keyHex)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := enc.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
		return nil, errors.New("bad signature")
	}
	body, err := enc.DecodeString(parts[1])
	if err != nil {
		return nil, err
	}
	var claims map[string]any
	if err := json.Unmarshal(body, &claims); err != nil {
		return nil, err
	}
	if exp, _ := claims["exp"].(float64); int64(exp) <= s.cfg.Now().Unix() {
		return nil, errors.New("expired")
	}
	return claims, nil
}
