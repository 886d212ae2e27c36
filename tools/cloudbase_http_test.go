package tools_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// The HTTP API tools end to end: MCP client → server → HTTP API client →
// sandbox over real HTTP, with real token exchange.

// httpTokens are the HTTP API access tokens the sandbox issued for the server's environment.
func httpTokens(e *testenv.Env) []string {
	return e.App.Sandbox.IssuedAccessTokens(e.App.Sandbox.Credentials()["env-id"])
}

const todoPath = "/weda/odata/v1/prod/todo"

func records(t *testing.T, res map[string]any) []map[string]any {
	t.Helper()
	raw, _ := res["records"].([]any)
	out := make([]map[string]any, len(raw))
	for i, r := range raw {
		out[i] = r.(map[string]any)
	}
	return out
}

func titlesOf(t *testing.T, res map[string]any) string {
	t.Helper()
	var titles []string
	for _, r := range records(t, res) {
		titles = append(titles, fmt.Sprint(r["title"]))
	}
	return strings.Join(titles, "|")
}

func TestQueryRecordsOptions(t *testing.T) {
	e := testenv.New(t)
	res := e.OK("cloudbase_query_records", map[string]any{"datasource": "todo"})
	if len(records(t, res)) != 8 || res["returned"] != float64(8) || res["nextSkip"] != nil || res["total"] != nil || res["requestId"] == "" {
		t.Fatalf("defaults: %v", res)
	}
	res = e.OK("cloudbase_query_records", map[string]any{"datasource": "todo", "filter": "done eq false and priority ge 2",
		"orderby": "priority desc, title", "select": "title,priority"})
	if got := titlesOf(t, res); got != "Archive old records|Plan Q3 roadmap|Invite preview testers|Write release notes" {
		t.Fatalf("filter+orderby: %s", got)
	}
	for _, r := range records(t, res) {
		if len(r) != 3 || r["_id"] == nil || r["priority"] == nil {
			t.Fatalf("select title,priority gave %v", r)
		}
	}
	all := titlesOf(t, e.OK("cloudbase_query_records", map[string]any{"datasource": "todo", "orderby": "title"}))
	page := e.OK("cloudbase_query_records", map[string]any{"datasource": "todo", "orderby": "title", "top": 3, "skip": 3, "count": true})
	if want := strings.Join(strings.Split(all, "|")[3:6], "|"); titlesOf(t, page) != want || page["total"] != float64(8) || page["nextSkip"] != float64(6) {
		t.Fatalf("page 2 of 3: %v, want %s, total 8, nextSkip 6", page, want)
	}
	last := e.OK("cloudbase_query_records", map[string]any{"datasource": "todo", "orderby": "title", "top": 3, "skip": 6, "count": true})
	if last["returned"] != float64(2) || last["nextSkip"] != nil {
		t.Fatalf("last page: %v", last)
	}
	full := e.OK("cloudbase_query_records", map[string]any{"datasource": "todo", "top": 4})
	if full["nextSkip"] != float64(4) {
		t.Fatalf("a full page without count must offer the next one: %v", full)
	}
	pre := e.OK("cloudbase_query_records", map[string]any{"datasource": "sys_user", "envType": "pre"})
	if rs := records(t, pre); len(rs) != 1 || rs[0]["name"] != "tester" {
		t.Fatalf("pre: %v", pre)
	}
	users := e.OK("cloudbase_query_records", map[string]any{"datasource": "sys_user", "filter": "contains(email,'example.org') and loginCount lt 10"})
	if rs := records(t, users); len(rs) != 1 || rs[0]["name"] != "carol" {
		t.Fatalf("sys_user filter: %v", users)
	}
}

func TestQueryRecordsBadInputNamesFieldAndRule(t *testing.T) {
	e := testenv.New(t)
	for _, c := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{}, "datasource: required"},
		{map[string]any{"datasource": "todo/../x"}, "datasource: must match"},
		{map[string]any{"datasource": "todo", "envType": "dev"}, "envType: must be one of prod, pre"},
		{map[string]any{"datasource": "todo", "top": 500}, "top: must be between 1 and 100"},
		{map[string]any{"datasource": "todo", "top": 0}, "top: must be between 1 and 100"},
		{map[string]any{"datasource": "todo", "skip": -1}, "skip: must be between 0"},
		{map[string]any{"datasource": "todo", "select": "title; drop"}, "select: must be field names separated by commas"},
		{map[string]any{"datasource": "todo", "orderby": "title upward"}, "orderby: must be"},
		{map[string]any{"datasource": "todo", "colour": "red"}, "colour: unknown field"},
	} {
		if msg := e.Err("cloudbase_query_records", c.args); !strings.Contains(msg, c.want) {
			t.Errorf("%v: %q, want %q", c.args, msg, c.want)
		}
	}
	if n := e.App.Sandbox.Count("odata:GET") + e.App.Sandbox.Count("http:token"); n != 0 {
		t.Fatalf("bad input reached the cloud (%d requests)", n)
	}
	msg := e.Err("cloudbase_query_records", map[string]any{"datasource": "todo", "filter": "colour eq 'red'"})
	for _, want := range []string{"InvalidParameter", "unknown field \"colour\"", "RequestId: ", "fix the field"} {
		if !strings.Contains(msg, want) {
			t.Fatalf("cloud-side filter error %q lacks %q", msg, want)
		}
	}
	// The server keeps serving.
	e.OK("cloudbase_query_records", map[string]any{"datasource": "todo"})
}

func TestHTTPRequestRecordLifecycle(t *testing.T) {
	e := testenv.New(t)
	created := e.OK("cloudbase_http_request", map[string]any{"method": "POST", "path": todoPath,
		"body": map[string]any{"title": "From MCP", "priority": 1}})
	body, _ := created["body"].(map[string]any)
	id, _ := body["_id"].(string)
	if created["status"] != float64(201) || id == "" || created["requestId"] == "" {
		t.Fatalf("create: %v", created)
	}
	one := todoPath + "('" + id + "')"
	got := e.OK("cloudbase_http_request", map[string]any{"method": "GET", "path": one})
	if got["body"].(map[string]any)["title"] != "From MCP" {
		t.Fatalf("get: %v", got)
	}
	// PUT (the seed's update method) replaces the record: priority, not given, is gone.
	put := e.OK("cloudbase_http_request", map[string]any{"method": "PUT", "path": one, "body": map[string]any{"title": "From MCP", "done": true}})
	if put["status"] != float64(204) || put["body"] != nil {
		t.Fatalf("put: %v", put)
	}
	q := e.OK("cloudbase_query_records", map[string]any{"datasource": "todo", "filter": "_id eq '" + id + "'"})
	if rs := records(t, q); len(rs) != 1 || rs[0]["done"] != true || rs[0]["priority"] != nil {
		t.Fatalf("replaced record: %v", q)
	}
	if msg := e.Err("cloudbase_http_request", map[string]any{"method": "PATCH", "path": one, "body": map[string]any{"done": false}}); !strings.Contains(msg, "method: must be one of") {
		t.Fatalf("PATCH is not a method of the HTTP API (seed): %s", msg)
	}
	list := e.OK("cloudbase_http_request", map[string]any{"method": "GET", "path": todoPath,
		"query": map[string]any{"$filter": "done eq true", "$select": "title", "$count": "true"}})
	if lb := list["body"].(map[string]any); lb["@odata.count"] != float64(4) || len(lb["value"].([]any)) != 4 {
		t.Fatalf("GET with query: %v", list)
	}
	if del := e.OK("cloudbase_http_request", map[string]any{"method": "DELETE", "path": one}); del["status"] != float64(204) {
		t.Fatalf("delete: %v", del)
	}
	msg := e.Err("cloudbase_http_request", map[string]any{"method": "GET", "path": one})
	for _, want := range []string{"GET " + one, "ResourceNotFound", "RequestId: ", "does not exist"} {
		if !strings.Contains(msg, want) {
			t.Fatalf("get deleted: %q lacks %q", msg, want)
		}
	}
	if n := e.App.Sandbox.Count("http:token"); n != 1 {
		t.Fatalf("%d token exchanges for a whole session, want 1", n)
	}
}

func TestHTTPRequestRefusesPathsThatLeaveTheEnvironment(t *testing.T) {
	e := testenv.New(t)
	for _, p := range []string{
		"https://evil.example/x", "//evil.example/x", "evil.example/x", "/weda/../auth/v1/token/clientCredential",
		"/weda/%2e%2e/x", "/weda%2fx", "/x?y=1", "/x#y", `/x\y`, "/auth/v1/token/clientCredential", "/x/ftp://y",
		"/" + sandbox.DefaultEnvID + "/../other-env",
	} {
		if msg := e.Err("cloudbase_http_request", map[string]any{"method": "GET", "path": p}); !strings.Contains(msg, "path: ") {
			t.Errorf("path %q: %q, want a path error", p, msg)
		}
	}
	for _, c := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"method": "GET", "path": "/v1/x", "query": map[string]any{"envId": "other-env"}}, "query.envId: names environment"},
		{map[string]any{"method": "POST", "path": "/v1/x", "body": map[string]any{"EnvId": "other-env"}}, "body.EnvId: names environment"},
		{map[string]any{"method": "GET", "path": todoPath, "body": map[string]any{"a": 1}}, "body: only POST and PUT"},
		{map[string]any{"method": "TRACE", "path": todoPath}, "method: must be one of"},
		{map[string]any{"method": "GET", "path": todoPath, "query": map[string]any{"$top": 5}}, "query.$top: must be string"},
	} {
		if msg := e.Err("cloudbase_http_request", c.args); !strings.Contains(msg, c.want) {
			t.Errorf("%v: %q, want %q", c.args, msg, c.want)
		}
	}
	if n := e.App.Sandbox.Count("http:token") + e.App.Sandbox.Count("odata:GET") + e.App.Sandbox.Count("odata:POST"); n != 0 {
		t.Fatalf("%d refused requests reached the sandbox", n)
	}
}

func TestHTTPRequestOnlyGETInReadOnlyMode(t *testing.T) {
	e := testenv.New(t, func(c *configT) { c.ReadOnly = true })
	list, err := e.Client.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, tl := range list.Tools {
		if tl.Name == "cloudbase_http_request" {
			found = tl.Annotations.ReadOnlyHint != nil && *tl.Annotations.ReadOnlyHint
		}
	}
	if !found {
		t.Fatal("cloudbase_http_request is not offered read-only under --read-only")
	}
	if got := e.OK("cloudbase_http_request", map[string]any{"method": "GET", "path": todoPath}); got["status"] != float64(200) {
		t.Fatalf("GET: %v", got)
	}
	for _, m := range []string{"POST", "PUT", "DELETE"} {
		msg := e.Err("cloudbase_http_request", map[string]any{"method": m, "path": todoPath + "('x')"})
		if !strings.Contains(msg, "only GET is allowed") || !strings.Contains(msg, "read-only") {
			t.Fatalf("%s under --read-only: %q", m, msg)
		}
	}
	if n := e.App.Sandbox.Count("odata:POST") + e.App.Sandbox.Count("odata:PUT") + e.App.Sandbox.Count("odata:DELETE"); n != 0 {
		t.Fatalf("%d changes reached the sandbox under --read-only", n)
	}
}

func TestHTTPRequestDryRun(t *testing.T) {
	e := testenv.New(t, func(c *configT) { c.DryRun = true })
	res := e.OK("cloudbase_http_request", map[string]any{"method": "POST", "path": todoPath, "body": map[string]any{"title": "dry"}})
	req, _ := res["request"].(map[string]any)
	if res["dryRun"] != true || res["service"] != "tcb-http" || req["method"] != "POST" ||
		!strings.HasSuffix(fmt.Sprint(req["url"]), sandbox.DefaultEnvID+".ap-shanghai.tcb-api.sandbox.invalid"+todoPath) ||
		req["body"].(map[string]any)["title"] != "dry" {
		t.Fatalf("dry run: %v", res)
	}
	text := testenv.JSON(res)
	for _, leak := range []string{sandbox.DefaultSecretKey, "Bearer", "Basic"} {
		if strings.Contains(text, leak) {
			t.Fatalf("dry-run request holds %q: %s", leak, text)
		}
	}
	if n := e.App.Sandbox.Count("odata:POST") + e.App.Sandbox.Count("http:token"); n != 0 {
		t.Fatalf("dry run sent %d requests", n)
	}
	if got := e.OK("cloudbase_http_request", map[string]any{"method": "GET", "path": todoPath}); got["status"] != float64(200) {
		t.Fatalf("GET under dry run: %v", got)
	}
}

func TestHTTPResultsAreCutAtTheDocumentedSize(t *testing.T) {
	e := testenv.New(t)
	big := strings.Repeat("0123456789abcdef", 500) // 8000 bytes
	for i := range 12 {
		e.OK("cloudbase_http_request", map[string]any{"method": "POST", "path": todoPath, "body": map[string]any{"title": fmt.Sprintf("big %02d", i), "notes": big}})
	}
	args := map[string]any{"datasource": "todo", "filter": "contains(title,'big')", "orderby": "title", "top": 12, "count": true}
	res := e.OK("cloudbase_query_records", args)
	n := len(records(t, res))
	raw, _ := json.Marshal(res["records"])
	if n == 0 || n >= 12 || len(raw) > 64<<10 || res["nextSkip"] != float64(n) || res["total"] != float64(12) ||
		!strings.Contains(fmt.Sprint(res["note"]), fmt.Sprintf("skip=%d", n)) {
		t.Fatalf("cut: %d records in %d bytes, nextSkip %v, note %q", n, len(raw), res["nextSkip"], res["note"])
	}
	args["skip"] = n
	rest := e.OK("cloudbase_query_records", args)
	if rs := records(t, rest); len(rs) == 0 || rs[0]["title"] != fmt.Sprintf("big %02d", n) {
		t.Fatalf("next page does not continue where the cut was: %v", titlesOf(t, rest))
	}
	// The default page is 20 records.
	for i := range 15 {
		e.OK("cloudbase_http_request", map[string]any{"method": "POST", "path": todoPath, "body": map[string]any{"title": fmt.Sprintf("small %02d", i)}})
	}
	def := e.OK("cloudbase_query_records", map[string]any{"datasource": "todo", "filter": "not contains(title,'big')"})
	if def["returned"] != float64(20) || def["nextSkip"] != float64(20) {
		t.Fatalf("default page: returned %v, nextSkip %v", def["returned"], def["nextSkip"])
	}
	// The generic tool cuts bodies at 64 KB too, and says so.
	got := e.OK("cloudbase_http_request", map[string]any{"method": "GET", "path": todoPath, "query": map[string]any{"$filter": "contains(title,'big')"}})
	if got["truncated"] != true || len(fmt.Sprint(got["bodyText"])) > 64<<10 || got["body"] != nil || !strings.Contains(fmt.Sprint(got["note"]), "64 KB") {
		t.Fatalf("big GET: truncated %v, %d bytes of text, note %q", got["truncated"], len(fmt.Sprint(got["bodyText"])), got["note"])
	}
}

func TestHTTPToolErrorsCarryCodeMessageRequestIDAndHint(t *testing.T) {
	e := testenv.New(t)
	e.FastRetries()
	// Business format ({"Response":{"Error":…}}).
	msg := e.Err("cloudbase_query_records", map[string]any{"datasource": "nope"})
	for _, want := range []string{"HTTP 404 ResourceNotFound", "data model nope does not exist", "RequestId: ", "The data models in prod are: orders, sys_user, todo"} {
		if !strings.Contains(msg, want) {
			t.Fatalf("unknown model: %q lacks %q", msg, want)
		}
	}
	// Common format ({"code","requestId","message"}): a session pointed at a missing environment.
	ctx := cloud.WithOverrides(context.Background(), cloud.Overrides{tcb.HeaderEnvID: "nope-env"})
	res := e.CallAs(ctx, "cloudbase_query_records", map[string]any{"datasource": "todo"})
	msg = testenv.Text(res)
	if !res.IsError || !strings.Contains(msg, "INVALID_ENV") || !strings.Contains(msg, "TENCENTCLOUD_TCB_ENVID") || strings.Contains(msg, "RequestId: none") {
		t.Fatalf("unknown env: %q", msg)
	}
	// Rate limits: reads are retried with backoff, then reported with advice.
	e.App.Sandbox.SetFaults(sandbox.Faults{RateLimit: 2, Match: sandbox.MatchPath("GET", "/weda/")})
	e.OK("cloudbase_query_records", map[string]any{"datasource": "todo"})
	e.App.Sandbox.SetFaults(sandbox.Faults{RateLimit: 100, Match: sandbox.MatchPath("", "/weda/")})
	msg = e.Err("cloudbase_query_records", map[string]any{"datasource": "todo"})
	if !strings.Contains(msg, "EXCEED_RATELIMIT") || !strings.Contains(msg, "already retried") {
		t.Fatalf("persistent rate limit on a read: %q", msg)
	}
	before := e.App.Sandbox.Count("fault:rate_limit")
	msg = e.Err("cloudbase_http_request", map[string]any{"method": "POST", "path": todoPath, "body": map[string]any{"title": "x"}})
	if !strings.Contains(msg, "EXCEED_RATELIMIT") || !strings.Contains(msg, "not resent") || e.App.Sandbox.Count("fault:rate_limit") != before+1 {
		t.Fatalf("rate-limited create: %q after %d answers", msg, e.App.Sandbox.Count("fault:rate_limit")-before)
	}
	// A change whose answer is lost is reported, never resent.
	e.App.Sandbox.SetFaults(sandbox.Faults{ConnectionReset: 1, AfterApply: true, Match: sandbox.MatchPath("POST", "/weda/")})
	creates := e.App.Sandbox.Count("odata:POST")
	msg = e.Err("cloudbase_http_request", map[string]any{"method": "POST", "path": todoPath, "body": map[string]any{"title": "lost"}})
	if !strings.Contains(msg, "outcome unknown") || !strings.Contains(msg, "check with cloudbase_query_records") || e.App.Sandbox.Count("odata:POST") != creates+1 {
		t.Fatalf("lost answer of a create: %q, creates %d", msg, e.App.Sandbox.Count("odata:POST")-creates)
	}
}

func TestHTTPAccessTokenNeverReachesResultsOrLogs(t *testing.T) {
	// With --reveal-secrets the name and shape rules are off: only the
	// registration of every obtained token keeps it out of sight.
	e := testenv.New(t, func(c *configT) { c.RevealSecrets = true })
	var outputs []string
	keep := func(res *mcp.CallToolResult) *mcp.CallToolResult {
		outputs = append(outputs, testenv.Text(res), testenv.JSON(res.StructuredContent))
		return res
	}
	keep(e.Call("cloudbase_query_records", map[string]any{"datasource": "todo"}))
	tokens := httpTokens(e)
	if len(tokens) != 1 {
		t.Fatalf("%d tokens issued, want 1", len(tokens))
	}
	// A cloud answer that echoes the token: a record holding it.
	res := keep(e.Call("cloudbase_http_request", map[string]any{"method": "POST", "path": todoPath,
		"body": map[string]any{"title": "echo", "notes": tokens[0], "owner": "Bearer " + tokens[0]}}))
	body, _ := res.StructuredContent.(map[string]any)["body"].(map[string]any)
	mask := redact.Mask(tokens[0]) // its keyed fingerprint, the same in every answer
	if body["notes"] != mask || body["owner"] != "Bearer "+mask {
		t.Fatalf("the echoed token was not redacted: notes %v, owner %v", body["notes"], body["owner"])
	}
	q := keep(e.Call("cloudbase_query_records", map[string]any{"datasource": "todo", "filter": "title eq 'echo'"}))
	if rs := q.StructuredContent.(map[string]any)["records"].([]any); len(rs) != 1 || rs[0].(map[string]any)["notes"] != mask {
		t.Fatalf("query of the echo: %v", q.StructuredContent)
	}
	keep(e.Call("cloudbase_http_request", map[string]any{"method": "GET", "path": todoPath}))
	keep(e.Call("cloudbase_query_records", map[string]any{"datasource": "nope"}))
	keep(e.Call("cloudbase_http_request", map[string]any{"method": "GET", "path": todoPath, "query": map[string]any{"$filter": "title eq '" + tokens[0] + "'"}}))
	keep(e.Call("cloudbase_http_request", map[string]any{"method": "GET", "path": "/auth/v1/token/clientCredential"}))
	all := strings.Join(outputs, "\n") + "\n" + e.Logs.String()
	if !strings.Contains(e.Logs.String(), "cloudbase_query_records") {
		t.Fatal("no tool-call log lines captured: the log check would prove nothing")
	}
	for _, tok := range httpTokens(e) {
		parts := strings.Split(tok, ".")
		for _, leak := range []string{tok, parts[1], parts[2]} { // the header part is the same in every JWT
			if strings.Contains(all, leak) {
				t.Fatalf("an access token (or part of one) reached a result or a log line")
			}
		}
	}
}
