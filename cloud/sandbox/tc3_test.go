package sandbox

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
)

// TC3 verification accepts every correct signature a real signer makes. These
// tests send over real HTTP to a listening sandbox.

func listenForTest(t *testing.T) (*Server, string) {
	t.Helper()
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	base, _, err := s.Listen(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return s, base
}

func defaultAccount() Account {
	return Account{SecretID: DefaultSecretID, SecretKey: DefaultSecretKey, EnvID: DefaultEnvID}
}

// The official Go SDK with ReqMethod GET: its CommonRequest puts no action
// parameters into the query, so the answer is the API's MissingParameter for
// EnvId — proof that the signature verified and GET is served (it used to be 405).
func TestOfficialGoSDKGetIsVerified(t *testing.T) {
	_, base := listenForTest(t)
	u, _ := url.Parse(base)
	c := officialSigner(defaultAccount(), u.Host, "GET", http.DefaultTransport)
	err := c.Send(tchttp.NewCommonRequest("tcb", tcbVersion, "DescribeLoginConfig"), tchttp.NewCommonResponse())
	var sdkErr *errors.TencentCloudSDKError
	if !asSDKError(err, &sdkErr) || sdkErr.Code != "MissingParameter" {
		t.Fatalf("GET by the official Go SDK: want MissingParameter (EnvId), got %v", err)
	}
	// And POST, for comparison, succeeds outright.
	c = officialSigner(defaultAccount(), u.Host, "POST", http.DefaultTransport)
	req := tchttp.NewCommonRequest("tcb", tcbVersion, "DescribeLoginConfig")
	_ = req.SetActionParameters(map[string]any{"EnvId": DefaultEnvID})
	if err := c.Send(req, tchttp.NewCommonResponse()); err != nil {
		t.Fatalf("POST by the official Go SDK: %v", err)
	}
}

func asSDKError(err error, target **errors.TencentCloudSDKError) bool {
	e, ok := err.(*errors.TencentCloudSDKError)
	if ok {
		*target = e
	}
	return ok
}

// testSign signs like the public TC3 algorithm, with the signed headers in
// the order given and the host value chosen by the caller.
func testSign(r *http.Request, body []byte, acct Account, signedHost string, headers []string, ts time.Time) {
	date := ts.UTC().Format("2006-01-02")
	var canon strings.Builder
	for _, h := range headers {
		v := r.Header.Get(h)
		if h == "host" {
			v = signedHost
		}
		canon.WriteString(h + ":" + strings.ToLower(v) + "\n")
	}
	creq := strings.Join([]string{r.Method, "/", r.URL.RawQuery, canon.String(), strings.Join(headers, ";"), sha256Hex(body)}, "\n")
	scope := date + "/tcb/tc3_request"
	sts := strings.Join([]string{tc3Algorithm, strconv.FormatInt(ts.Unix(), 10), scope, sha256Hex([]byte(creq))}, "\n")
	k := hmacSHA256([]byte("TC3"+acct.SecretKey), date)
	k = hmacSHA256(k, "tcb")
	k = hmacSHA256(k, "tc3_request")
	r.Header.Set("Authorization", tc3Algorithm+" Credential="+acct.SecretID+"/"+scope+", SignedHeaders="+
		strings.Join(headers, ";")+", Signature="+hex.EncodeToString(hmacSHA256(k, sts)))
	r.Header.Set("X-TC-Timestamp", strconv.FormatInt(ts.Unix(), 10))
}

func TestTC3AcceptsEverySignerVariant(t *testing.T) {
	_, base := listenForTest(t)
	u, _ := url.Parse(base)
	hostOnly := u.Hostname()
	cases := []struct {
		name, method, query, body, signedHost, contentType string
		headers                                            []string
	}{
		{"POST, host with port", "POST", "", `{"EnvId":"` + DefaultEnvID + `","Id":"` + DefaultEnvID + `"}`, u.Host, "application/json", []string{"content-type", "host"}},
		{"POST, host without port (official Node signers)", "POST", "", `{"EnvId":"` + DefaultEnvID + `","Id":"` + DefaultEnvID + `"}`, hostOnly, "application/json", []string{"content-type", "host"}},
		{"POST, headers in another order, one more signed", "POST", "", `{"EnvId":"` + DefaultEnvID + `","Id":"` + DefaultEnvID + `"}`, u.Host, "application/json", []string{"x-tc-action", "host", "content-type"}},
		{"GET with query string", "GET", "EnvId=" + DefaultEnvID + "&Id=" + DefaultEnvID, "", hostOnly, "application/x-www-form-urlencoded", []string{"content-type", "host"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			target := base + "/"
			if tc.query != "" {
				target += "?" + tc.query
			}
			r, _ := http.NewRequest(tc.method, target, strings.NewReader(tc.body))
			r.Header.Set("Content-Type", tc.contentType)
			r.Header.Set("X-TC-Action", "DescribeClient")
			r.Header.Set("X-TC-Version", tcbVersion)
			testSign(r, []byte(tc.body), defaultAccount(), tc.signedHost, tc.headers, time.Now())
			resp, err := http.DefaultClient.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			var out struct {
				Response struct {
					Error *struct{ Code, Message string }
					Id    string
				}
			}
			if err := json.Unmarshal(raw, &out); err != nil || resp.StatusCode != 200 {
				t.Fatalf("status %d, body %s", resp.StatusCode, raw)
			}
			if out.Response.Error != nil || out.Response.Id != DefaultEnvID {
				t.Fatalf("want the default client, got %s", raw)
			}
		})
	}
	// A wrong host is still refused, with or without the port.
	r, _ := http.NewRequest("POST", base+"/", strings.NewReader(`{"EnvId":"x"}`))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-TC-Action", "DescribeClient")
	r.Header.Set("X-TC-Version", tcbVersion)
	testSign(r, []byte(`{"EnvId":"x"}`), defaultAccount(), "other.example", []string{"content-type", "host"}, time.Now())
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(raw), "AuthFailure.SignatureFailure") {
		t.Fatalf("a signature over another host verified: %s", raw)
	}
}

// GET parameters take the types of the action's fields; a value of the wrong
// type is refused, and nested/list parameters decode as the POST body would.
func TestQueryBodyTypesValues(t *testing.T) {
	q, _ := url.ParseQuery("EnvId=e&Id=c&RefreshTokenExpiresIn=3600&Name.Message=hi&Name.Localized.0.Message=x&Name.Localized.0.Locale=en")
	body := queryBody(q)
	var in struct {
		Id                    string
		RefreshTokenExpiresIn *int
		Name                  *localizedMessage
	}
	if err := decodeStrict(body, &in); err != nil {
		t.Fatalf("decode: %v (body %s)", err, body)
	}
	if in.Id != "c" || in.RefreshTokenExpiresIn == nil || *in.RefreshTokenExpiresIn != 3600 ||
		in.Name == nil || in.Name.Message != "hi" || len(in.Name.Localized) != 1 || in.Name.Localized[0].Locale != "en" {
		t.Fatalf("decoded %+v", in)
	}
	bad, _ := url.ParseQuery("EnvId=e&RefreshTokenExpiresIn=soon")
	if err := decodeStrict(queryBody(bad), &in); err == nil || !strings.Contains(err.Error(), "RefreshTokenExpiresIn") {
		t.Fatalf("a non-number for a number field: %v", err)
	}
	unknown, _ := url.ParseQuery("EnvId=e&Bogus=1")
	if err := decodeStrict(queryBody(unknown), &in); err == nil || !strings.Contains(err.Error(), "InvalidParameter") {
		t.Fatalf("an unknown parameter: %v", err)
	}
}
