package sandbox_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
)

// The HTTP API emulation on the wire: raw requests, so the shapes the real
// client depends on (and the ones it must survive) are pinned here.

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type httpSB struct {
	t     *testing.T
	sb    *sandbox.Server
	url   string
	clock *clock
}

var (
	acctA = sandbox.Account{SecretID: "AKIDsandboxA", SecretKey: "sandbox-key-a-0123456789", EnvID: "env-a-1"}
	acctB = sandbox.Account{SecretID: "AKIDsandboxB", SecretKey: "sandbox-key-b-0123456789", EnvID: "env-b-2"}
)

func newHTTPSB(t *testing.T, stateFile string) *httpSB {
	t.Helper()
	c := &clock{t: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}
	sb, err := sandbox.New(sandbox.Config{Options: []sandbox.Option{sandbox.WithAccounts(acctA, acctB), sandbox.WithAccessTokenLifetime(10 * time.Minute)},
		Now: c.now, StateFile: stateFile})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	return &httpSB{t: t, sb: sb, url: srv.URL, clock: c}
}

type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// send sends a request with the given Host ("" = the server's address) and Authorization.
func (h *httpSB) send(method, path, host, auth, body string) answer {
	h.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, h.url+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

func basic(a sandbox.Account) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(a.SecretID+":"+a.SecretKey))
}

func hostOf(env string) string { return env + ".ap-shanghai.tcb-api.tencentcloudapi.com" }

func (h *httpSB) token(a sandbox.Account) string {
	h.t.Helper()
	ans := h.send("POST", "/auth/v1/token/clientCredential", hostOf(a.EnvID), basic(a), `{"grant_type":"client_credentials"}`)
	tok, _ := ans.body["access_token"].(string)
	if ans.status != 200 || tok == "" {
		h.t.Fatalf("token: %d %s", ans.status, ans.raw)
	}
	return tok
}

// wantCommon asserts the seed's common error shape: exactly code, requestId, message.
func wantCommon(t *testing.T, what string, a answer, status int, code string) {
	t.Helper()
	if a.status != status || a.body["code"] != code || a.body["requestId"] == "" || a.body["message"] == "" || len(a.body) != 3 {
		t.Fatalf("%s: got %d %s, want %d with {code:%s, requestId, message}", what, a.status, a.raw, status, code)
	}
	if a.header.Get("X-Request-Id") != a.body["requestId"] {
		t.Fatalf("%s: X-Request-Id %q differs from requestId %v", what, a.header.Get("X-Request-Id"), a.body["requestId"])
	}
}

// wantBusiness asserts the API 3.0 error shape business APIs use.
func wantBusiness(t *testing.T, what string, a answer, status int, code string) {
	t.Helper()
	resp, _ := a.body["Response"].(map[string]any)
	e, _ := resp["Error"].(map[string]any)
	if a.status != status || e["Code"] != code || e["Message"] == "" || resp["RequestId"] == "" {
		t.Fatalf("%s: got %d %s, want %d with Response.Error.Code %s and a RequestId", what, a.status, a.raw, status, code)
	}
}

func TestHTTPTokenEndpoint(t *testing.T) {
	h := newHTTPSB(t, "")
	const p = "/auth/v1/token/clientCredential"
	grant := `{"grant_type":"client_credentials"}`
	wantCommon(t, "GET", h.send("GET", p, "", basic(acctA), ""), 405, "BAD_REQUEST")
	wantCommon(t, "no credentials", h.send("POST", p, "", "", grant), 401, "INVALID_COMMON_PARAM")
	wantCommon(t, "wrong key", h.send("POST", p, "", basic(sandbox.Account{SecretID: acctA.SecretID, SecretKey: "nope"}), grant), 401, "SIGN_PARAM_INVALID")
	wantCommon(t, "unknown id", h.send("POST", p, "", basic(sandbox.Account{SecretID: "AKIDnobody", SecretKey: acctA.SecretKey}), grant), 401, "SIGN_PARAM_INVALID")
	wantCommon(t, "bad grant", h.send("POST", p, "", basic(acctA), `{"grant_type":"password"}`), 400, "BAD_REQUEST")
	wantCommon(t, "other account's env", h.send("POST", p, hostOf(acctB.EnvID), basic(acctA), grant), 404, "INVALID_ENV")
	wantCommon(t, "unknown env", h.send("POST", p, hostOf("nope-env"), basic(acctA), grant), 404, "INVALID_ENV")
	wantCommon(t, "wrong region", h.send("POST", p, acctA.EnvID+".ap-beijing.tcb-api.tencentcloudapi.com", basic(acctA), grant), 400, "INVALID_REGION")
	wantCommon(t, "odd host", h.send("POST", p, "x.tcb-api.tencentcloudapi.com", basic(acctA), grant), 400, "INVALID_HOST")
	if n := h.sb.Count("http:token"); n != 0 {
		t.Fatalf("%d tokens issued for refused requests", n)
	}
	for _, host := range []string{hostOf(acctA.EnvID), "" /* the sandbox's own address: the credential's env */} {
		a := h.send("POST", p, host, basic(acctA), grant)
		tok, _ := a.body["access_token"].(string)
		if a.status != 200 || a.body["token_type"] != "Bearer" || a.body["expires_in"] != float64(600) || strings.Count(tok, ".") != 2 {
			t.Fatalf("host %q: got %d %s, want a Bearer JWT living 600 s", host, a.status, a.raw)
		}
	}
	// The body is optional, as the Postman flow of the seed sends none.
	if a := h.send("POST", p, "", basic(acctA), ""); a.status != 200 {
		t.Fatalf("no body: %d %s", a.status, a.raw)
	}
	if n := h.sb.Count("http:token"); n != 3 {
		t.Fatalf("http:token counted %d, want 3", n)
	}
}

func TestHTTPAccessTokenChecks(t *testing.T) {
	h := newHTTPSB(t, "")
	const p = "/weda/odata/v1/prod/todo"
	tokA := h.token(acctA)
	if a := h.send("GET", p, hostOf(acctA.EnvID), "Bearer "+tokA, ""); a.status != 200 {
		t.Fatalf("valid token: %d %s", a.status, a.raw)
	}
	if a := h.send("GET", p, "", "Bearer "+tokA, ""); a.status != 200 {
		t.Fatalf("valid token on the sandbox address: %d %s", a.status, a.raw)
	}
	wantCommon(t, "no token", h.send("GET", p, "", "", ""), 401, "INVALID_ACCESS_TOKEN")
	wantCommon(t, "basic instead", h.send("GET", p, "", basic(acctA), ""), 401, "INVALID_ACCESS_TOKEN")
	wantCommon(t, "garbage", h.send("GET", p, "", "Bearer abc", ""), 401, "INVALID_ACCESS_TOKEN")
	parts := strings.Split(tokA, ".")
	forged := parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString([]byte("forged-signature-000000000000000"))
	a := h.send("GET", p, "", "Bearer "+forged, "")
	wantCommon(t, "forged", a, 401, "INVALID_ACCESS_TOKEN")
	if !strings.Contains(a.body["message"].(string), "signature") {
		t.Fatalf("forged: %s", a.raw)
	}
	tokB := h.token(acctB)
	wantCommon(t, "token of another env", h.send("GET", p, hostOf(acctA.EnvID), "Bearer "+tokB, ""), 403, "PERMISSION_DENIED")
	h.clock.advance(10 * time.Minute)
	a = h.send("GET", p, "", "Bearer "+tokA, "")
	wantCommon(t, "expired", a, 401, "INVALID_ACCESS_TOKEN")
	if a.body["message"] != "access token verify failed: jwt expired" {
		t.Fatalf("expired: %s", a.raw)
	}
	if n := h.sb.Count("http:rejected_token"); n != 5 {
		t.Fatalf("rejected %d, want 5", n)
	}
	if n := h.sb.Count("odata:GET"); n != 2 {
		t.Fatalf("%d queries counted, want only the 2 authenticated ones", n)
	}
}

// titles queries prod todos with extra options and returns their titles in answer order.
func (h *httpSB) titles(tok, options string) ([]string, answer) {
	h.t.Helper()
	a := h.send("GET", "/weda/odata/v1/prod/todo?"+options, "", "Bearer "+tok, "")
	var out []string
	vals, _ := a.body["value"].([]any)
	for _, v := range vals {
		out = append(out, v.(map[string]any)["title"].(string))
	}
	return out, a
}

func q(pairs ...string) string {
	v := url.Values{}
	for i := 0; i < len(pairs); i += 2 {
		v.Set(pairs[i], pairs[i+1])
	}
	return strings.ReplaceAll(v.Encode(), "+", "%20")
}

func TestODataFilters(t *testing.T) {
	h := newHTTPSB(t, "")
	tok := h.token(acctA)
	for _, c := range []struct {
		filter string
		want   []string
	}{
		{"done eq true", []string{"Check rate limits", "Fix SMS template", "Rotate API keys"}},
		{"done ne true", []string{"Archive old records", "Invite preview testers", "Plan Q3 roadmap", "Review login config", "Write release notes"}},
		{"priority gt 2", []string{"Archive old records", "Plan Q3 roadmap"}},
		{"priority ge 2 and done eq false", []string{"Archive old records", "Invite preview testers", "Plan Q3 roadmap", "Write release notes"}},
		{"priority lt 2", []string{"Check rate limits", "Review login config", "Rotate API keys"}},
		{"priority le 1 or owner eq 'carol'", []string{"Check rate limits", "Plan Q3 roadmap", "Review login config", "Rotate API keys"}},
		{"contains(title,'re')", []string{"Archive old records", "Invite preview testers", "Write release notes"}}, // case-sensitive: not "Review"
		{"not (done eq true or priority eq 3)", []string{"Invite preview testers", "Review login config", "Write release notes"}},
		{"due eq null", []string{"Archive old records"}},
		{"due ne null and due lt '2025-06-16'", []string{"Check rate limits", "Fix SMS template", "Rotate API keys"}},
		{"(owner eq 'alice' or owner eq 'bob') and priority eq 1", []string{"Check rate limits", "Review login config", "Rotate API keys"}},
		{"priority eq 1.5 or title eq 'nothing'", nil},
		{"createdAt gt 0 and _id ne 'x'", []string{"Archive old records", "Check rate limits", "Fix SMS template", "Invite preview testers",
			"Plan Q3 roadmap", "Review login config", "Rotate API keys", "Write release notes"}},
	} {
		got, a := h.titles(tok, q("$filter", c.filter, "$orderby", "title"))
		if a.status != 200 || strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("$filter=%s: got %d %v, want %v (%s)", c.filter, a.status, got, c.want, a.raw)
		}
	}
	a := h.send("GET", "/weda/odata/v1/prod/sys_user?"+q("$filter", "nickName eq 'Dave O''Neil'"), "", "Bearer "+tok, "")
	if v, _ := a.body["value"].([]any); len(v) != 1 || v[0].(map[string]any)["name"] != "dave" {
		t.Fatalf("quoted quote: %s", a.raw)
	}
	for _, bad := range []string{"nope eq 1", "done eq", "priority eq 'high'", "done gt true", "title eq 3", "startswith(title,'a')",
		"contains(priority,'1')", "done eq true and", "(done eq true", "title eq 'open", "priority in (1,2)", "due lt null",
		strings.Repeat("(", 50) + "done eq true" + strings.Repeat(")", 50), strings.Repeat("not ", 50) + "done eq true", "done eq true)", "title eq 'a' ; x"} {
		_, a := h.titles(tok, q("$filter", bad))
		wantBusiness(t, "$filter="+bad, a, 400, "InvalidParameter")
	}
}

func TestODataQueryOptions(t *testing.T) {
	h := newHTTPSB(t, "")
	tok := h.token(acctA)
	got, _ := h.titles(tok, q("$orderby", "priority desc, title asc", "$top", "3"))
	if strings.Join(got, "|") != "Archive old records|Plan Q3 roadmap|Fix SMS template" {
		t.Fatalf("$orderby priority desc, title asc: %v", got)
	}
	got, _ = h.titles(tok, q("$orderby", "due", "$top", "2"))
	if strings.Join(got, "|") != "Archive old records|Check rate limits" {
		t.Fatalf("$orderby due (null first): %v", got)
	}
	all, _ := h.titles(tok, q("$orderby", "title"))
	got, _ = h.titles(tok, q("$orderby", "title", "$top", "2", "$skip", "3"))
	if len(all) != 8 || strings.Join(got, "|") != strings.Join(all[3:5], "|") {
		t.Fatalf("$top 2 $skip 3: %v of %v", got, all)
	}
	if got, _ = h.titles(tok, q("$skip", "100")); len(got) != 0 {
		t.Fatalf("$skip past the end: %v", got)
	}
	got, a := h.titles(tok, q("$filter", "done eq false", "$count", "true", "$top", "1"))
	if len(got) != 1 || a.body["@odata.count"] != float64(5) || a.body["@odata.context"] != "/weda/odata/v1/prod/$metadata#todo" {
		t.Fatalf("$count: %s", a.raw)
	}
	if _, a = h.titles(tok, ""); a.body["@odata.count"] != nil {
		t.Fatalf("count without $count: %s", a.raw)
	}
	_, a = h.titles(tok, q("$select", "title, done"))
	for _, v := range a.body["value"].([]any) {
		keys := sortedKeys(v.(map[string]any))
		if strings.Join(keys, ",") != "_id,done,title" {
			t.Fatalf("$select title,done gave fields %v", keys)
		}
	}
	a = h.send("GET", "/weda/odata/v1/pre/todo", "", "Bearer "+tok, "")
	if v, _ := a.body["value"].([]any); len(v) != 2 {
		t.Fatalf("pre: %s", a.raw)
	}
	for _, bad := range []string{q("$top", "5000"), q("$top", "-1"), q("$skip", "x"), q("$count", "yes"), q("$expand", "x"),
		q("$select", "nope"), q("$orderby", "nope"), q("$orderby", "title sideways")} {
		_, a := h.titles(tok, bad)
		wantBusiness(t, bad, a, 400, "InvalidParameter")
	}
	wantBusiness(t, "unknown model", h.send("GET", "/weda/odata/v1/prod/nope", "", "Bearer "+tok, ""), 404, "ResourceNotFound")
	wantCommon(t, "bad env type", h.send("GET", "/weda/odata/v1/dev/todo", "", "Bearer "+tok, ""), 400, "BAD_REQUEST")
	wantCommon(t, "bad path", h.send("GET", "/weda/odata/v1/prod/todo/extra", "", "Bearer "+tok, ""), 400, "BAD_REQUEST")
	// The seed's methods are POST, GET, PUT and DELETE: PATCH is not one of them.
	wantCommon(t, "PATCH", h.send("PATCH", "/weda/odata/v1/prod/todo('x')", "", "Bearer "+tok, "{}"), 405, "BAD_REQUEST")
	wantCommon(t, "PUT on a collection", h.send("PUT", "/weda/odata/v1/prod/todo", "", "Bearer "+tok, "{}"), 405, "BAD_REQUEST")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestODataRecordLifecycle(t *testing.T) {
	h := newHTTPSB(t, "")
	tok := "Bearer " + h.token(acctA)
	const coll = "/weda/odata/v1/prod/todo"
	a := h.send("POST", coll, "", tok, `{"title":"New one","priority":2,"notes":"n"}`)
	id, _ := a.body["_id"].(string)
	if a.status != 201 || id == "" || a.body["createdAt"] == nil || a.body["@odata.context"] != "/weda/odata/v1/prod/$metadata#todo/$entity" {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	one := coll + "('" + id + "')"
	if a = h.send("GET", one+"?$select=title", "", tok, ""); a.status != 200 || a.body["title"] != "New one" || a.body["priority"] != nil {
		t.Fatalf("get one: %d %s", a.status, a.raw)
	}
	created := a.body["_id"]
	h.clock.advance(time.Minute)
	// PUT replaces the record: fields not given are gone, _id and createdAt stay.
	if a = h.send("PUT", one, "", tok, `{"title":"Renamed","done":true}`); a.status != 204 || a.raw != "" {
		t.Fatalf("put: %d %s", a.status, a.raw)
	}
	a = h.send("GET", one, "", tok, "")
	if a.body["title"] != "Renamed" || a.body["done"] != true || a.body["notes"] != nil || a.body["priority"] != nil ||
		a.body["updatedAt"] == a.body["createdAt"] || a.body["createdAt"] == nil || created != id {
		t.Fatalf("after put: %s", a.raw)
	}
	for _, c := range []struct{ method, path, body, code string }{
		{"POST", coll, `{"priority":1}`, "InvalidParameter"},               // title is required
		{"POST", coll, `{"title":"x","colour":"red"}`, "InvalidParameter"}, // unknown field
		{"POST", coll, `{"title":"x","done":"yes"}`, "InvalidParameter"},   // wrong type
		{"POST", coll, `{"title":"x","createdAt":1}`, "InvalidParameter"},  // system field
		{"POST", coll, `{"title":"x","_id":"a b"}`, "InvalidParameter"},    // bad id
		{"PUT", one, `{"done":false}`, "InvalidParameter"},                 // title is required: PUT replaces all
		{"PUT", one, `{"title":"x","_id":"other"}`, "InvalidParameter"},
	} {
		wantBusiness(t, c.method+" "+c.body, h.send(c.method, c.path, "", tok, c.body), 400, c.code)
	}
	wantCommon(t, "array body", h.send("POST", coll, "", tok, `[1]`), 400, "BAD_REQUEST")
	wantCommon(t, "no body", h.send("PUT", one, "", tok, ""), 400, "BAD_REQUEST")
	if a = h.send("POST", coll, "", tok, `{"title":"Mine","_id":"my-id_1"}`); a.status != 201 || a.body["_id"] != "my-id_1" {
		t.Fatalf("create with _id: %s", a.raw)
	}
	wantBusiness(t, "duplicate _id", h.send("POST", coll, "", tok, `{"title":"Again","_id":"my-id_1"}`), 409, "ResourceInUse")
	if a = h.send("DELETE", one, "", tok, ""); a.status != 204 {
		t.Fatalf("delete: %d %s", a.status, a.raw)
	}
	wantBusiness(t, "get deleted", h.send("GET", one, "", tok, ""), 404, "ResourceNotFound")
	wantBusiness(t, "delete again", h.send("DELETE", one, "", tok, ""), 404, "ResourceNotFound")
	wantBusiness(t, "quoted key", h.send("GET", coll+"('it''s')", "", tok, ""), 404, "ResourceNotFound")
	if a = h.send("GET", coll+"?$count=true&$top=0", "", tok, ""); a.body["@odata.count"] != float64(9) {
		t.Fatalf("count after one create kept and one deleted: %s", a.raw)
	}
	if h.sb.Count("odata:POST") != 9 || h.sb.Count("odata:PUT") != 4 || h.sb.Count("odata:DELETE") != 2 {
		t.Fatalf("counts POST %d PUT %d DELETE %d", h.sb.Count("odata:POST"), h.sb.Count("odata:PUT"), h.sb.Count("odata:DELETE"))
	}
}

func TestODataPersistsAndTokensSurviveRestart(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	h := newHTTPSB(t, state)
	tok := "Bearer " + h.token(acctA)
	if a := h.send("POST", "/weda/odata/v1/pre/sys_user", "", tok, `{"name":"persisted","_id":"p1"}`); a.status != 201 {
		t.Fatalf("create: %s", a.raw)
	}
	h2 := newHTTPSB(t, state)
	a := h2.send("GET", "/weda/odata/v1/pre/sys_user('p1')", "", tok, "")
	if a.status != 200 || a.body["name"] != "persisted" {
		t.Fatalf("after restart: %d %s", a.status, a.raw)
	}
	if h2.sb.Count("http:token") != 0 {
		t.Fatal("the restarted sandbox issued a token; the old one should still verify")
	}
}

// The seed: "The Access Token has a validity period of 432000 seconds."
func TestHTTPAPITokenLifetimeIsTheSeeds(t *testing.T) {
	_, url := start(t, sandbox.Config{})
	req, _ := http.NewRequest("POST", url+"/auth/v1/token/clientCredential", strings.NewReader(`{"grant_type":"client_credentials"}`))
	req.SetBasicAuth(sandbox.DefaultSecretID, sandbox.DefaultSecretKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ans struct {
		TokenType   string  `json:"token_type"`
		AccessToken string  `json:"access_token"`
		ExpiresIn   float64 `json:"expires_in"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&ans); err != nil || resp.StatusCode != 200 {
		t.Fatalf("token: %d %v", resp.StatusCode, err)
	}
	if ans.ExpiresIn != 432000 || ans.AccessToken == "" {
		t.Fatalf("expires_in %v, want 432000", ans.ExpiresIn)
	}
}
