package sandbox

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
)

// FuzzVerifyTC3 signs requests with the official Go SDK's signer, then
// mutates one signed part. The verifier must never panic, must accept every
// untouched request, and must reject every mutation that changes what was
// signed: only correct signatures pass. `make fuzz` runs it for a minute.
func FuzzVerifyTC3(f *testing.F) {
	f.Add(`{"a":1}`, uint8(0), uint16(0), byte('x'), int64(0))
	f.Add("hello", uint8(1), uint16(7), byte('0'), int64(0))
	f.Add("", uint8(2), uint16(3), byte(1), int64(299))
	f.Add("skew", uint8(3), uint16(0), byte(0), int64(-301))
	f.Add("skew", uint8(3), uint16(0), byte(0), int64(300))
	f.Add("host", uint8(4), uint16(0), byte('z'), int64(0))
	f.Add("ct", uint8(5), uint16(0), byte(' '), int64(0))
	f.Add("ct", uint8(5), uint16(0), byte('A'), int64(0))
	f.Add("other", uint8(6), uint16(0), byte(0), int64(0))
	f.Add("TC3-HMAC-SHA256 Credential=AKIDsandboxDEMO/2024-01-01/tcb/tc3_request, SignedHeaders=, Signature=", uint8(7), uint16(0), byte(0), int64(0))
	f.Add("TC3-HMAC-SHA256 Credential=a/b/c/d/e,,,=Signature", uint8(7), uint16(0), byte(0), int64(0))
	f.Add("drop", uint8(8), uint16(1), byte(0), int64(0))
	f.Add("get", uint8(9), uint16(0), byte(0), int64(0))
	f.Add("ts", uint8(10), uint16(0), byte('9'), int64(0))
	f.Fuzz(func(t *testing.T, data string, mutation uint8, pos uint16, b byte, skew int64) {
		req := signedRequest(t, data)
		ts, _ := strconv.ParseInt(req.Header.Get("X-TC-Timestamp"), 10, 64)
		now := time.Unix(ts, 0)
		if id, err := verify(req, now); err != nil || id != fuzzAccounts[0].SecretID {
			t.Fatalf("a correctly signed request was rejected: %+v", err)
		}
		wantPass := false
		switch mutation % 11 {
		case 0: // one body byte
			if len(req.body) == 0 {
				return
			}
			i := int(pos) % len(req.body)
			wantPass = req.body[i] == b
			req.body[i] = b
		case 1: // one signature character
			auth := req.Header.Get("Authorization")
			k := strings.LastIndex(auth, "Signature=") + len("Signature=")
			sig := []byte(auth[k:])
			i := int(pos) % len(sig)
			wantPass = sig[i] == b
			sig[i] = b
			req.Header.Set("Authorization", auth[:k]+string(sig))
		case 2: // the signed timestamp moves, within the allowed skew
			d := 1 + int64(pos)%290
			if b%2 == 0 {
				d = -d
			}
			req.Header.Set("X-TC-Timestamp", strconv.FormatInt(ts+d, 10))
			now = time.Unix(ts+d, 0)
		case 3: // the server clock differs: fine within 5 minutes either way
			skew %= 3600
			now = now.Add(time.Duration(skew) * time.Second)
			wantPass = skew >= -300 && skew <= 300
		case 4: // Host is signed (values compare trimmed and lowercased; a port may be left out of what was signed)
			orig := req.Host
			req.Host += string(rune(b))
			h, _, err := net.SplitHostPort(req.Host)
			wantPass = canon(req.Host) == canon(orig) || err == nil && canon(h) == canon(orig)
		case 5: // Content-Type is signed
			orig := req.Header.Get("Content-Type")
			v := orig + string(rune(b))
			if pos%2 == 1 {
				v = strings.ToUpper(orig)
			}
			req.Header.Set("Content-Type", v)
			wantPass = canon(v) == canon(orig)
		case 6: // a valid signature by one account, presented as another's
			auth := req.Header.Get("Authorization")
			req.Header.Set("Authorization", strings.Replace(auth, fuzzAccounts[0].SecretID, fuzzAccounts[1].SecretID, 1))
		case 7: // arbitrary Authorization header
			wantPass = data == req.Header.Get("Authorization")
			req.Header.Set("Authorization", data)
		case 8: // a signed header left out of SignedHeaders
			auth := req.Header.Get("Authorization")
			k := strings.Index(auth, "SignedHeaders=") + len("SignedHeaders=")
			end := k + strings.IndexByte(auth[k:], ',')
			names := strings.Split(auth[k:end], ";")
			i := int(pos) % len(names)
			names = append(names[:i], names[i+1:]...)
			req.Header.Set("Authorization", auth[:k]+strings.Join(names, ";")+auth[end:])
		case 9: // another method
			req.Method = http.MethodGet
		case 10: // a timestamp that is not a number
			req.Header.Set("X-TC-Timestamp", req.Header.Get("X-TC-Timestamp")+string(rune(b)))
		}
		id, err := verify(req, now)
		if wantPass && err != nil {
			t.Fatalf("mutation %d should still verify: %+v", mutation%11, err)
		}
		if !wantPass && err == nil {
			t.Fatalf("mutation %d passed verification as %q: only correct signatures may pass\nAuthorization: %s\nbody: %q",
				mutation%11, id, req.Header.Get("Authorization"), req.body)
		}
		if err != nil && (err.Code == "" || err.Message == "") {
			t.Fatalf("rejection without a code and message: %+v", err)
		}
	})
}

var fuzzAccounts = []Account{
	{SecretID: "AKIDfuzzONE", SecretKey: "fuzz-key-one-0123456789", EnvID: "env-one"},
	{SecretID: "AKIDfuzzTWO", SecretKey: "fuzz-key-two-9876543210", EnvID: "env-two"},
}

type capturedRequest struct {
	*http.Request
	body []byte
}

func verify(r capturedRequest, now time.Time) (string, *tc3Error) {
	return verifyTC3(r.Request, r.body, now, func(id string) (string, bool) {
		for _, a := range fuzzAccounts {
			if a.SecretID == id {
				return a.SecretKey, true
			}
		}
		return "", false
	})
}

// capture is a transport that records the signed request instead of sending it.
type capture struct {
	mu   sync.Mutex
	last capturedRequest
}

func (c *capture) RoundTrip(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	// Rebuild it as a server sees it: Host from the header, URL path only.
	sr, _ := http.NewRequest(r.Method, "/", bytes.NewReader(body))
	sr.Header = r.Header.Clone()
	sr.Host = r.Host
	if sr.Host == "" {
		sr.Host = r.URL.Host
	}
	c.mu.Lock()
	c.last = capturedRequest{Request: sr, body: body}
	c.mu.Unlock()
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"Response":{"RequestId":"fuzz"}}`)), Request: r}, nil
}

// officialSigner is the official Go SDK's common client sending through t,
// with method POST or GET: a signer nobody here wrote.
func officialSigner(acct Account, endpoint, method string, t http.RoundTripper) *common.Client {
	prof := profile.NewClientProfile()
	prof.HttpProfile.Endpoint = endpoint
	prof.HttpProfile.Scheme = "HTTP"
	prof.HttpProfile.ReqMethod = method
	c := common.NewCommonClient(common.NewCredential(acct.SecretID, acct.SecretKey), DefaultRegion, prof)
	c.WithHttpTransport(t)
	c.WithDebug(false)
	return c
}

var fuzzClient = sync.OnceValues(func() (*common.Client, *capture) {
	c := &capture{}
	return officialSigner(fuzzAccounts[0], "tcb.example.test", "POST", c), c
})

// signMu serialises signing so the captured request is this call's.
var signMu sync.Mutex

func signedRequest(t *testing.T, data string) capturedRequest {
	cl, c := fuzzClient()
	signMu.Lock()
	defer signMu.Unlock()
	req := tchttp.NewCommonRequest("tcb", tcbVersion, "DescribeLoginConfig")
	if err := req.SetActionParameters(map[string]any{"Data": data}); err != nil {
		t.Fatal(err)
	}
	if err := cl.Send(req, tchttp.NewCommonResponse()); err != nil {
		t.Fatalf("signing: %v", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.last
	r.body = append([]byte(nil), r.body...)
	return r
}

// canon is TC3's canonical form of a signed header value.
func canon(v string) string { return strings.ToLower(strings.TrimSpace(v)) }
