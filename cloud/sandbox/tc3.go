package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The TC3-HMAC-SHA256 verifier is written from the public algorithm, not with
// the SDK's signer, so a signing bug in the client cannot be mirrored here.

const tc3Algorithm = "TC3-HMAC-SHA256"

// maxClockSkew is how far X-TC-Timestamp may be from the server clock.
const maxClockSkew = 5 * time.Minute

type tc3Auth struct {
	SecretID      string
	Date          string
	Service       string
	SignedHeaders []string
	Signature     string
}

// parseTC3 splits "TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b, Signature=hex".
func parseTC3(h string) (tc3Auth, bool) {
	var a tc3Auth
	rest, ok := strings.CutPrefix(h, tc3Algorithm+" ")
	if !ok {
		return a, false
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, false
		}
		switch k {
		case "Credential":
			f := strings.Split(v, "/")
			if len(f) != 4 || f[3] != "tc3_request" || f[0] == "" {
				return a, false
			}
			a.SecretID, a.Date, a.Service = f[0], f[1], f[2]
		case "SignedHeaders":
			a.SignedHeaders = strings.Split(v, ";")
		case "Signature":
			a.Signature = v
		}
	}
	return a, a.SecretID != "" && len(a.SignedHeaders) > 0 && a.Signature != ""
}

// tc3Error is a verification failure with the code the real API uses.
type tc3Error struct{ Code, Message string }

// verifyTC3 checks r's signature against the key lookup returns for the
// SecretId. It returns the SecretId on success.
func verifyTC3(r *http.Request, body []byte, now time.Time, lookup func(secretID string) (key string, ok bool)) (string, *tc3Error) {
	a, ok := parseTC3(r.Header.Get("Authorization"))
	if !ok {
		return "", &tc3Error{"AuthFailure.SignatureFailure", "The Authorization header is missing or malformed."}
	}
	ts, err := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
	if err != nil {
		return "", &tc3Error{"AuthFailure.SignatureFailure", "X-TC-Timestamp is missing or not a unix time."}
	}
	signedAt := time.Unix(ts, 0).UTC()
	if d := now.Sub(signedAt); d > maxClockSkew || d < -maxClockSkew {
		return "", &tc3Error{"AuthFailure.SignatureExpire", "The signature expired: the timestamp is more than 5 minutes from the server time."}
	}
	if a.Date != signedAt.Format("2006-01-02") || a.Service != "tcb" {
		return "", &tc3Error{"AuthFailure.SignatureFailure", "The credential scope does not match the timestamp or service."}
	}
	key, ok := lookup(a.SecretID)
	if !ok {
		return "", &tc3Error{"AuthFailure.SecretIdNotFound", "The SecretId is not found."}
	}
	// Real signers differ in what they put under "host": the Go SDK signs the
	// Host header (with the port), the official Node SDKs the hostname without
	// it. Both are correct signatures of this request, so both verify.
	hosts := []string{r.Host}
	if h, _, err := net.SplitHostPort(r.Host); err == nil && h != r.Host {
		hosts = append(hosts, h)
	}
	query := ""
	if r.Method == http.MethodGet {
		query = r.URL.RawQuery
	}
	scope := a.Date + "/" + a.Service + "/tc3_request"
	k := hmacSHA256([]byte("TC3"+key), a.Date)
	k = hmacSHA256(k, a.Service)
	k = hmacSHA256(k, "tc3_request")
	for _, host := range hosts {
		canonHeaders, missing := canonicalHeaders(r, a.SignedHeaders, host)
		if missing != "" {
			return "", &tc3Error{"AuthFailure.SignatureFailure", "A signed header is missing: " + missing}
		}
		// SignedHeaders is taken as the signer listed it: the canonical headers
		// follow the same order, so any order a signer uses verifies.
		canonical := strings.Join([]string{r.Method, "/", query, canonHeaders,
			strings.Join(a.SignedHeaders, ";"), sha256Hex(body)}, "\n")
		toSign := strings.Join([]string{tc3Algorithm, strconv.FormatInt(ts, 10), scope, sha256Hex([]byte(canonical))}, "\n")
		want := hex.EncodeToString(hmacSHA256(k, toSign))
		if hmac.Equal([]byte(want), []byte(a.Signature)) {
			return a.SecretID, nil
		}
	}
	return "", &tc3Error{"AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct."}
}

// canonicalHeaders is TC3's "name:value\n" list of the signed headers, with
// host standing for the Host header; missing names a signed header the request lacks.
func canonicalHeaders(r *http.Request, names []string, host string) (canon, missing string) {
	var b strings.Builder
	for _, name := range names {
		v := r.Header.Get(name)
		if strings.EqualFold(name, "host") {
			v = host
		}
		if v == "" {
			return "", name
		}
		b.WriteString(strings.ToLower(name) + ":" + strings.ToLower(strings.TrimSpace(v)) + "\n")
	}
	return b.String(), ""
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}
