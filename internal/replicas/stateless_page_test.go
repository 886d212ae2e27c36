package replicas_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// startSandboxState is startSandbox persisting its state to a file, so a
// test can see the value the cloud stored.
func startSandboxState(t *testing.T) (string, *sandbox.Server, string) {
	t.Helper()
	state := filepath.Join(t.TempDir(), "sandbox-state.json")
	sb, err := sandbox.New(sandbox.Config{StateFile: state, Options: []sandbox.Option{sandbox.WithAccounts(acct)}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	u, done, err := sb.Listen(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-done })
	return u, sb, state
}

// pageClient are the capabilities of a 2026-07-28 client that opens pages.
var pageClient = map[string]any{"elicitation": map[string]any{"form": map[string]any{}, "url": map[string]any{}}}

// fillPage is the user's browser on the public URL (the balancer): it gets
// the form and posts the value, landing wherever HAProxy sends it.
func fillPage(t *testing.T, lb, pageURL, value string) {
	t.Helper()
	if !strings.HasPrefix(pageURL, "http://"+lb+"/secret-input/") {
		t.Fatalf("page %q is not behind the balancer %s", pageURL, lb)
	}
	res, err := http.Get(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfRE.FindSubmatch(page)
	if res.StatusCode != 200 || m == nil {
		t.Fatalf("page GET through the balancer: %d %s", res.StatusCode, page)
	}
	req, _ := http.NewRequest(http.MethodPost, pageURL, strings.NewReader(url.Values{"csrf": {string(m[1])}, "secret": {value}}.Encode()))
	req.Header.Set("Origin", "http://"+lb)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	done, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Contains(done, []byte("Received")) {
		t.Fatalf("page POST through the balancer: %d %s", res.StatusCode, done)
	}
}

// pageAsk returns the URL elicitation a call answered with, and its state.
func pageAsk(t *testing.T, res map[string]any, key string) (pageURL, state string) {
	t.Helper()
	reqs, _ := res["inputRequests"].(map[string]any)
	ask, _ := reqs[key].(map[string]any)
	params, _ := ask["params"].(map[string]any)
	pageURL, _ = params["url"].(string)
	state, _ = res["requestState"].(string)
	if res["resultType"] != "input_required" || params["mode"] != "url" || pageURL == "" || state == "" {
		t.Fatalf("want a URL elicitation %q, got %v", key, res)
	}
	return pageURL, state
}

// issuedBy is the replica that logged issuing its n-th page (counting all
// replicas' "issued" lines so far is how the test tells pages apart).
func issuedBy(t *testing.T, rs []*replica, before []int) int {
	t.Helper()
	owner := -1
	// A replica's log arrives through a pipe, possibly after its answer.
	testenv.Eventually(t, "a replica logs the page it issued", func() bool {
		for i, r := range rs {
			if strings.Count(r.logs.String(), "secret page: issued") > before[i] {
				owner = i
				return true
			}
		}
		return false
	})
	return owner
}

func issuedCounts(rs []*replica) []int {
	n := make([]int, len(rs))
	for i, r := range rs {
		n[i] = strings.Count(r.logs.String(), "secret page: issued")
	}
	return n
}

// A secret page on stateless replicas behind round robin, for a client on
// protocol 2026-07-28: the call is answered by one replica (the owner),
// which keeps the page; the user's browser fills it through the balancer;
// the call made again reaches another replica, which collects the value
// from the owner with the sealed reference the client carried back. A
// destructive change needs the user's yes and the page, each once. When the
// owner is gone, the call made again says so at once.
func TestStatelessSecretPageAcrossReplicas(t *testing.T) {
	sbURL, sb, state := startSandboxState(t)
	port := freePort(t)
	lb := fmt.Sprintf("127.0.0.1:%d", port)
	keyFile := writeKeyFile(t, strings.Repeat("3c", 32))
	flags := []string{"--stateless", "--state-key-file", keyFile, "--public-url", "http://" + lb, "--secret-page-wait", "3s"}
	var audits []string
	var rs []*replica
	for i := range 3 {
		audits = append(audits, filepath.Join(t.TempDir(), fmt.Sprintf("audit-%d.log", i)))
		rs = append(rs, startReplica(t, sbURL, append([]string{"--audit-log", audits[i]}, flags...)...))
	}
	mcpURL := startHAProxyOn(t, port, "", "roundrobin", rs)
	direct := func(i int) string { return "http://" + rs[i].addr + "/mcp" }
	stored := func(v string) bool {
		raw, err := os.ReadFile(state)
		return err == nil && bytes.Contains(raw, []byte(v))
	}
	const key = "secret:Config.ClientSecret"
	accept := func(st string) map[string]any {
		return map[string]any{"inputResponses": map[string]any{key: map[string]any{"action": "accept"}}, "requestState": st}
	}
	var results []string

	// 1. A new provider, its client secret asked on a page.
	const planted = "gh-secret-stateless-replicas-7a6b5c4d3e"
	args := map[string]any{"Id": "githubrr", "ProviderType": "OAUTH", "Name": map[string]any{"Message": "GitHub"},
		"Config": map[string]any{"ClientId": "Iv1.rr", "ClientSecret": map[string]any{"ask": true}, "RedirectUri": "https://demo.example/cb", "Scope": "read:user",
			"AuthorizationEndpoint": "https://github.com/login/oauth/authorize", "TokenEndpoint": "https://github.com/login/oauth/access_token"}}
	before := issuedCounts(rs)
	first := rawModernCaps(t, mcpURL, "cloudbase_add_provider", args, nil, pageClient)
	pageURL, st := pageAsk(t, first, key)
	owner := issuedBy(t, rs, before)
	fillPage(t, lb, pageURL, planted)
	third := (owner + 1) % 3
	done := rawModernCaps(t, direct(third), "cloudbase_add_provider", args, accept(st), pageClient)
	results = append(results, testenv.JSON(first), testenv.JSON(done))
	if done["isError"] == true || sb.Count("AddProvider") != 1 || !stored(planted) {
		t.Fatalf("the call made again on replica %d (page owned by %d): %v; AddProvider sent %d times", third, owner, done, sb.Count("AddProvider"))
	}
	testenv.Eventually(t, fmt.Sprintf("replica %d logs the value it collected from the owner", third), func() bool {
		return strings.Contains(rs[third].logs.String(), `"from_peer":true`)
	})
	// The same answer again, to every replica: refused (the provider exists
	// now; the page gave its value once anyway), nothing sent.
	for i := range rs {
		again := rawModernCaps(t, direct(i), "cloudbase_add_provider", args, accept(st), pageClient)
		results = append(results, testenv.JSON(again))
		if again["isError"] != true {
			t.Errorf("replayed answer on replica %d: %v", i, again)
		}
	}
	if n := sb.Count("AddProvider"); n != 1 {
		t.Fatalf("the cloud saw %d AddProvider, want 1", n)
	}
	if audit, _ := os.ReadFile(audits[third]); !bytes.Contains(audit, []byte(`"tool":"cloudbase_add_provider"`)) {
		t.Errorf("replica %d has no audit line for the change it made", third)
	}

	// 2. A destructive change needing both the user's yes and a page.
	const rotated = "gh-secret-stateless-rotated-1f2e3d4c5b"
	mod := map[string]any{"Id": "githubrr", "Config": map[string]any{"ClientSecret": map[string]any{"ask": true}}}
	// The page comes first: the question compares the value entered (the
	// same secret again would be no change, and ask nothing).
	before = issuedCounts(rs)
	q := rawModernCaps(t, mcpURL, "cloudbase_modify_provider", mod, nil, pageClient)
	pageURL, st = pageAsk(t, q, key)
	if reqs, _ := q["inputRequests"].(map[string]any); reqs["confirm"] != nil {
		t.Fatalf("asked to confirm before the value was known: %v", q)
	}
	owner = issuedBy(t, rs, before)
	fillPage(t, lb, pageURL, rotated)
	// The call made again on another replica reads the value from the owner
	// (leaving it there) and asks the question, once.
	second := rawModernCaps(t, direct((owner+1)%3), "cloudbase_modify_provider", mod, accept(st), pageClient)
	qState, _ := second["requestState"].(string)
	if reqs, _ := second["inputRequests"].(map[string]any); reqs["confirm"] == nil || reqs[key] != nil || qState == "" ||
		!strings.Contains(testenv.JSON(reqs["confirm"]), "Config.ClientSecret: set → replaced (entered on a page)") {
		t.Fatalf("want the question, after the page: %v", second)
	}
	if sb.Count("ModifyProvider") != 0 {
		t.Fatal("changed before the user's yes")
	}
	yes := map[string]any{"inputResponses": map[string]any{"confirm": map[string]any{"action": "accept", "content": map[string]any{"confirm": true}}},
		"requestState": qState}
	third = (owner + 2) % 3
	done = rawModernCaps(t, direct(third), "cloudbase_modify_provider", mod, yes, pageClient)
	results = append(results, testenv.JSON(q), testenv.JSON(second), testenv.JSON(done))
	if done["isError"] == true || done["resultType"] == "input_required" || sb.Count("ModifyProvider") != 1 || !stored(rotated) {
		t.Fatalf("the yes on replica %d (page owned by %d): %v; ModifyProvider sent %d times", third, owner, done, sb.Count("ModifyProvider"))
	}
	// Replayed, the yes finds the page's value taken: nothing changed.
	again := rawModernCaps(t, direct(owner), "cloudbase_modify_provider", mod, yes, pageClient)
	results = append(results, testenv.JSON(again))
	if again["isError"] != true || sb.Count("ModifyProvider") != 1 {
		t.Fatalf("a replayed yes passed: %v", again)
	}

	// 3. The owner dies after the user filled the page: the call made again
	// answers at once that the page is gone; nothing is sent.
	const lost = "gh-secret-owner-killed-0a9b8c7d6e"
	args["Id"] = "githubgone"
	before = issuedCounts(rs)
	first = rawModernCaps(t, mcpURL, "cloudbase_add_provider", args, nil, pageClient)
	pageURL, st = pageAsk(t, first, key)
	owner = issuedBy(t, rs, before)
	fillPage(t, lb, pageURL, lost)
	rs[owner].sigkill(t)
	third = (owner + 1) % 3
	start := time.Now()
	done = rawModernCaps(t, direct(third), "cloudbase_add_provider", args, accept(st), pageClient)
	results = append(results, testenv.JSON(first), testenv.JSON(done))
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("the call made again took %s with the owner gone", took)
	}
	if done["isError"] != true || !strings.Contains(testenv.JSON(done), "replica that issued the secret page cannot be reached") ||
		!strings.Contains(testenv.JSON(done), "nothing was sent") {
		t.Fatalf("owner gone: %v", done)
	}
	if sb.Count("AddProvider") != 1 || stored(lost) {
		t.Fatal("a value whose owner died was still sent")
	}

	// No secret anywhere: results, every replica's log and audit log.
	for _, v := range []string{planted, rotated, lost} {
		for i, r := range rs {
			audit, _ := os.ReadFile(audits[i])
			if strings.Contains(r.logs.String(), v) || strings.Contains(string(audit), v) {
				t.Errorf("replica %d logged a secret", i)
			}
		}
		if strings.Contains(strings.Join(results, "\n"), v) {
			t.Errorf("a result shows a secret")
		}
	}
}
