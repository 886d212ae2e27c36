package replicas_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

func writeKeyFile(t *testing.T, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "state.key")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// A secret page behind the balancer: the MCP session is pinned to one
// replica (affinity), which issues the page and waits; the user's browser
// has no session header, so its GET and POST go anywhere. Here they are sent
// to the two other replicas on purpose: the page still works, the waiting
// call gets the value, and the value shows up in no log and no result.
func TestSecretPageAnsweredThroughAnotherReplica(t *testing.T) {
	sbURL, _ := startSandbox(t)
	port := freePort(t)
	lb := fmt.Sprintf("127.0.0.1:%d", port)
	keyFile := writeKeyFile(t, strings.Repeat("a7", 32))
	flags := []string{"--state-key-file", keyFile, "--public-url", "http://" + lb}
	rs := []*replica{startReplica(t, sbURL, flags...), startReplica(t, sbURL, flags...), startReplica(t, sbURL, flags...)}
	mcpURL := startHAProxyOn(t, port, "session", "roundrobin", rs)

	const planted = "sk-planted-replica-secret-0f9e8d7c"
	var pageURL string
	var served []int // replicas that served the GET and the POST
	handler := elicitFunc(func(r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
		if r.Params.Mode != mcp.ElicitationModeURL || !strings.HasPrefix(r.Params.URL, "http://"+lb+"/secret-input/") {
			return nil, fmt.Errorf("elicitation %+v is not a page behind the balancer", r.Params)
		}
		pageURL = r.Params.URL
		owner := -1
		// A replica's log arrives through a pipe, possibly after the request it logs.
		for deadline := time.Now().Add(10 * time.Second); owner < 0 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			for i, rep := range rs {
				if strings.Contains(rep.logs.String(), "secret page: issued") {
					owner = i
				}
			}
		}
		if owner < 0 {
			return nil, fmt.Errorf("no replica logged the page it issued")
		}
		get, post := rs[(owner+1)%3], rs[(owner+2)%3]
		served = []int{owner, (owner + 1) % 3, (owner + 2) % 3}
		u, _ := url.Parse(r.Params.URL)
		// The browser's GET, landing on another replica than the owner.
		req, _ := http.NewRequest(http.MethodGet, "http://"+get.addr+u.Path, nil)
		req.Host = lb
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		m := csrfRE.FindSubmatch(page)
		if res.StatusCode != 200 || m == nil {
			return nil, fmt.Errorf("page through replica %d: %d %s", (owner+1)%3, res.StatusCode, page)
		}
		// The POST, on the third replica.
		req, _ = http.NewRequest(http.MethodPost, "http://"+post.addr+u.Path,
			strings.NewReader(url.Values{"csrf": {string(m[1])}, "secret": {planted}}.Encode()))
		req.Host = lb
		req.Header.Set("Origin", "http://"+lb)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err = http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		done, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !bytes.Contains(done, []byte("Received")) {
			return nil, fmt.Errorf("submit through replica %d: %d %s", (owner+2)%3, res.StatusCode, done)
		}
		return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept}}, nil
	})
	tr, err := transport.NewStreamableHTTP(mcpURL, transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + token}),
		transport.WithContinuousListening())
	if err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(tr, client.WithElicitationHandler(handler), client.WithLegacyProtocolOnly())
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "replicas-secret-page", Version: "1"}
	init.Params.Capabilities.Elicitation = &mcp.ElicitationCapability{URL: &struct{}{}}
	if _, err := c.Initialize(context.Background(), init); err != nil {
		t.Fatal(err)
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = "cloudbase_create_user_key"
	req.Params.Arguments = map[string]any{"name": "openai-replicas", "authTypeCode": "openai_api_key", "ext": `{"apiKey":{"ask":true}}`}
	res, err := c.CallTool(context.Background(), req)
	if err != nil || res.IsError {
		t.Fatalf("call with a secret asked through the page: %v %s", err, testenv.JSON(res))
	}
	if pageURL == "" || len(served) != 3 {
		t.Fatal("the page was never asked for")
	}
	testenv.Eventually(t, "the owner received the value", func() bool {
		return strings.Contains(rs[served[0]].logs.String(), "secret page: value received")
	})
	if out := testenv.JSON(res); strings.Contains(out, planted) {
		t.Fatal("the result shows the secret")
	}
	for i, r := range rs {
		if strings.Contains(r.logs.String(), planted) {
			t.Errorf("replica %d logged the secret", i)
		}
	}
	// Single use, on any replica.
	for i, r := range rs {
		u, _ := url.Parse(pageURL)
		req, _ := http.NewRequest(http.MethodGet, "http://"+r.addr+u.Path, nil)
		req.Host = lb
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusGone && res.StatusCode != http.StatusNotFound {
			t.Errorf("replica %d serves the used page again: %d", i, res.StatusCode)
		}
	}
}

// rawModern sends one tools/call as a 2026-07-28 client (no session) and
// returns its result.
func rawModern(t *testing.T, base, tool string, args, mrtr map[string]any) map[string]any {
	t.Helper()
	return rawModernCaps(t, base, tool, args, mrtr, map[string]any{"elicitation": map[string]any{}})
}

// rawModernCaps is rawModern for a client declaring caps.
func rawModernCaps(t *testing.T, base, tool string, args, mrtr, caps map[string]any) map[string]any {
	t.Helper()
	params := map[string]any{"name": tool, "arguments": args, "_meta": map[string]any{
		mcp.MetaKeyProtocolVersion:    mcp.LATEST_PROTOCOL_VERSION,
		mcp.MetaKeyClientCapabilities: caps,
		mcp.MetaKeyClientInfo:         map[string]any{"name": "raw", "version": "1"},
	}}
	for k, v := range mrtr {
		params[k] = v
	}
	msg, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": params})
	req, _ := http.NewRequest(http.MethodPost, base, bytes.NewReader(msg))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Protocol-Version", mcp.LATEST_PROTOCOL_VERSION)
	req.Header.Set("Mcp-Method", "tools/call")
	req.Header.Set("Mcp-Name", tool)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		sc := bufio.NewScanner(bytes.NewReader(body))
		for sc.Scan() {
			if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok && strings.Contains(d, `"result"`) {
				body = []byte(d)
			}
		}
	}
	var r struct {
		Result map[string]any `json:"result"`
	}
	if err := json.Unmarshal(body, &r); err != nil || r.Result == nil {
		t.Fatalf("tools/call %s: %d %s", tool, res.StatusCode, body)
	}
	return r.Result
}

// A confirmation is single use across replicas: the state names the replica
// that asked, and whichever replica gets the answer has that one use the
// nonce up. The same answer replayed to every replica is refused by each,
// and the cloud saw one change.
func TestConfirmationReplayRefusedOnEveryReplica(t *testing.T) {
	sbURL, sb := startSandbox(t)
	keyFile := writeKeyFile(t, strings.Repeat("5e", 32))
	flags := []string{"--stateless", "--state-key-file", keyFile}
	rs := []*replica{startReplica(t, sbURL, flags...), startReplica(t, sbURL, flags...), startReplica(t, sbURL, flags...)}
	lb := startHAProxy(t, false, rs)

	args := map[string]any{"EmailLogin": false}
	first := rawModern(t, lb, "cloudbase_modify_login_config", args, nil)
	state, _ := first["requestState"].(string)
	if first["resultType"] != "input_required" || state == "" {
		t.Fatalf("first call: %v", first)
	}
	yes := map[string]any{"confirm": map[string]any{"action": "accept", "content": map[string]any{"confirm": true}}}
	answer := map[string]any{"inputResponses": yes, "requestState": state}
	if res := rawModern(t, lb, "cloudbase_modify_login_config", args, answer); res["isError"] == true || sb.Count("ModifyLoginConfig") != 1 {
		t.Fatalf("the answer was not taken: %v", res)
	}
	for i, r := range rs {
		rawModern(t, "http://"+r.addr+"/mcp", "cloudbase_modify_login_config", args, answer)
		testenv.Eventually(t, fmt.Sprintf("replica %d refusing the replay", i), func() bool {
			return strings.Contains(r.logs.String(), "already used (replayed)")
		})
	}
	if n := sb.Count("ModifyLoginConfig"); n != 1 {
		t.Fatalf("the cloud saw %d changes, want 1", n)
	}
}

// The HTTP API's access token is cached per replica, keyed by environment and
// credential: each replica mints its own on first use and reuses it, and the
// cloud accepts them side by side. Nothing about it needs sharing.
func TestEachReplicaMintsItsOwnHTTPAPIToken(t *testing.T) {
	sbURL, sb := startSandbox(t)
	keyFile := writeKeyFile(t, strings.Repeat("3c", 32))
	flags := []string{"--stateless", "--state-key-file", keyFile, "--tcb-http-endpoint", sbURL}
	rs := []*replica{startReplica(t, sbURL, flags...), startReplica(t, sbURL, flags...), startReplica(t, sbURL, flags...)}
	lb := startHAProxy(t, false, rs)
	c := dial(t, lb, mcp.LATEST_PROTOCOL_VERSION)
	const calls = 30
	for i := range calls {
		req := mcp.CallToolRequest{}
		req.Params.Name = "cloudbase_list_data_models"
		req.Params.Arguments = map[string]any{}
		res, err := c.CallTool(context.Background(), req)
		if err != nil || res.IsError {
			t.Fatalf("call %d: %v %s", i, err, testenv.JSON(res))
		}
	}
	testenv.Eventually(t, "every call in the replicas' logs", func() bool { return rs[0].calls()+rs[1].calls()+rs[2].calls() == calls })
	served := 0
	for _, r := range rs {
		if strings.Contains(r.logs.String(), `"tool":"cloudbase_list_data_models"`) {
			served++
		}
	}
	if served < 2 {
		t.Fatalf("%d replicas served the calls: round robin did not spread them", served)
	}
	if n := sb.Count("http:token"); n != served {
		t.Errorf("%d tokens minted for %d calls on %d replicas, want one per replica", n, calls, served)
	}
	if n := sb.Count("http:rejected_token"); n != 0 {
		t.Errorf("the cloud rejected %d tokens", n)
	}
}

// Key rotation across replicas: a question sealed with the old key is
// answered on a replica listing [new, old] (rotation step 2) while the
// asking replica lists [old, new] (step 1); a replica holding only the new
// key refuses an old-key state, says why in its log, and asks again.
func TestStateKeyRotationAcrossReplicas(t *testing.T) {
	sbURL, sb := startSandbox(t)
	oldKey, newKey := strings.Repeat("01", 32), strings.Repeat("02", 32)
	asker := startReplica(t, sbURL, "--stateless", "--state-key-file", writeKeyFile(t, oldKey, newKey))
	rotated := startReplica(t, sbURL, "--stateless", "--state-key-file", writeKeyFile(t, newKey, oldKey))
	onlyNew := startReplica(t, sbURL, "--stateless", "--state-key-file", writeKeyFile(t, newKey))
	yes := map[string]any{"confirm": map[string]any{"action": "accept", "content": map[string]any{"confirm": true}}}
	ask := func(args map[string]any) map[string]any {
		first := rawModern(t, "http://"+asker.addr+"/mcp", "cloudbase_modify_login_config", args, nil)
		if first["resultType"] != "input_required" {
			t.Fatalf("question: %v", first)
		}
		return map[string]any{"inputResponses": yes, "requestState": first["requestState"]}
	}

	args := map[string]any{"EmailLogin": false}
	answer := ask(args)
	res := rawModern(t, "http://"+onlyNew.addr+"/mcp", "cloudbase_modify_login_config", args, answer)
	if res["resultType"] != "input_required" || sb.Count("ModifyLoginConfig") != 0 {
		t.Fatalf("a replica without the old key took an old-key answer: %v", res)
	}
	testenv.Eventually(t, "the refusal's reason in the log", func() bool {
		return strings.Contains(onlyNew.logs.String(), "sealed with a key this server does not hold (rotated out")
	})
	res = rawModern(t, "http://"+rotated.addr+"/mcp", "cloudbase_modify_login_config", args, answer)
	if res["isError"] == true || res["resultType"] == "input_required" || sb.Count("ModifyLoginConfig") != 1 {
		t.Fatalf("the rotated replica did not take the old-key answer: %v", res)
	}
}
