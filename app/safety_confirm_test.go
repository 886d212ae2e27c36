package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

const env = sandbox.DefaultEnvID

// user is a scripted person behind an elicitation-capable client.
type user struct {
	mu     sync.Mutex
	reply  mcp.ElicitationResult
	asked  []string
	schema []any
}

func (u *user) answer(action mcp.ElicitationResponseAction, content any) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.reply = mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: action, Content: content}}
}

func (u *user) elicit(r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.asked = append(u.asked, r.Params.Message)
	u.schema = append(u.schema, r.Params.RequestedSchema)
	res := u.reply
	return &res, nil
}

// questions returns and forgets what the user was asked.
func (u *user) questions() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	q := u.asked
	u.asked = nil
	return q
}

func TestConfirmationAcceptAndDecline(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		name := map[bool]string{false: "per-request protocol", true: "initialize handshake"}[legacy]
		t.Run(name, func(t *testing.T) {
			base := testenv.New(t)
			u := &user{}
			e, _ := base.Connect(testenv.ClientOptions{Legacy: legacy, Elicit: u.elicit})
			wantQ := "Disable email login for env " + env + "; 2 of 4 login methods remain on (phone SMS, username/password)"
			args := map[string]any{"EmailLogin": false}

			for _, no := range []struct {
				action  mcp.ElicitationResponseAction
				content any
			}{{mcp.ElicitationResponseActionDecline, nil}, {mcp.ElicitationResponseActionCancel, nil},
				{mcp.ElicitationResponseActionAccept, map[string]any{"confirm": false}}} {
				u.answer(no.action, no.content)
				res := e.OK("cloudbase_modify_login_config", args)
				q := u.questions()
				if len(q) != 1 || !strings.HasPrefix(q[0], wantQ) {
					t.Fatalf("%s: asked %q, want one question starting %q", no.action, q, wantQ)
				}
				if res["declined"] != true || !strings.Contains(res["declinedChange"].(string), "nothing was changed") ||
					!strings.Contains(res["declinedChange"].(string), wantQ) {
					t.Fatalf("%s: result %v", no.action, res)
				}
				if n := base.App.Sandbox.Count("ModifyLoginConfig"); n != 0 {
					t.Fatalf("%s: the change was sent (%d)", no.action, n)
				}
			}
			if got := e.OK("cloudbase_get_login_config", nil); got["EmailLogin"] != true {
				t.Fatalf("declined change applied: %v", got)
			}
			u.mu.Lock()
			schema := testenv.JSON(u.schema[0])
			u.mu.Unlock()
			if !strings.Contains(schema, `"confirm"`) || !strings.Contains(schema, `"boolean"`) {
				t.Fatalf("requested schema: %s", schema)
			}

			u.answer(mcp.ElicitationResponseActionAccept, map[string]any{"confirm": true})
			res := e.OK("cloudbase_modify_login_config", args)
			if q := u.questions(); len(q) != 1 {
				t.Fatalf("asked %d times, want once", len(q))
			}
			if res["After"].(map[string]any)["EmailLogin"] != false || base.App.Sandbox.Count("ModifyLoginConfig") != 1 {
				t.Fatalf("confirmed change: %v (sent %d)", res, base.App.Sandbox.Count("ModifyLoginConfig"))
			}
		})
	}
}

func TestNoElicitationMeansNoQuestion(t *testing.T) {
	for _, c := range []struct {
		name string
		opts func(*config.Config)
	}{{"client without elicitation", nil}, {"confirmation off", func(c *config.Config) { c.ConfirmDestructive = false }}} {
		t.Run(c.name, func(t *testing.T) {
			base := testenv.New(t, func(cfg *config.Config) {
				if c.opts != nil {
					c.opts(cfg)
				}
			})
			u := &user{}
			u.answer(mcp.ElicitationResponseActionDecline, nil)
			clients := []testenv.ClientOptions{{}, {Legacy: true}}
			if c.opts != nil {
				clients = []testenv.ClientOptions{{Elicit: u.elicit}, {Elicit: u.elicit, Legacy: true}}
			}
			for i, o := range clients {
				e, _ := base.Connect(o)
				raw := e.Call("cloudbase_modify_login_config", map[string]any{"AnonymousLogin": i == 0})
				res := e.OK("cloudbase_get_login_config", nil)
				if raw.IsError || res["declined"] != nil || base.App.Sandbox.Count("ModifyLoginConfig") != i+1 {
					t.Fatalf("client %d: %s", i, testenv.Text(raw))
				}
				// Unasked for want of elicitation, the result says so; an
				// operator's --confirm-destructive=false is not the client's lack.
				note := strings.Contains(testenv.JSON(raw.Content), "not confirmed by the user: this client cannot be asked (no elicitation)")
				if note != (c.opts == nil) {
					t.Errorf("client %d: 'not confirmed' line present=%v: %s", i, note, testenv.JSON(raw.Content))
				}
			}
			if q := u.questions(); len(q) != 0 {
				t.Fatalf("asked %q", q)
			}
		})
	}
}

func TestConfirmationSummaries(t *testing.T) {
	base := testenv.New(t)
	u := &user{}
	u.answer(mcp.ElicitationResponseActionDecline, nil)
	e, _ := base.Connect(testenv.ClientOptions{Elicit: u.elicit})
	keys := e.OK("cloudbase_describe_api_key_list", nil)["Data"].([]any)
	key := keys[0].(map[string]any)
	for _, c := range []struct {
		tool string
		args map[string]any
		want []string
	}{
		{"cloudbase_modify_login_config", map[string]any{"PhoneNumberLogin": false, "EmailLogin": false, "UserNameLogin": false},
			[]string{"Disable phone SMS login, disable email login, disable username/password login for env " + env, "no login method remains on"}},
		{"cloudbase_modify_login_config", map[string]any{"AnonymousLogin": true, "MfaConfig": map[string]any{"On": "TRUE"}},
			[]string{`Enable anonymous login, change MfaConfig.On: "FALSE" → "TRUE" (MfaConfig becomes {"Email":"FALSE","On":"TRUE","RequiredBindPhone":"FALSE","Sms":"FALSE"}) for env ` + env, "4 of 4 login methods will be on"}},
		{"cloudbase_delete_provider", map[string]any{"Id": "github"},
			[]string{`Delete identity provider github (OAUTH "GitHub", enabled) in env ` + env, "users can no longer sign in with it", "other providers stay enabled"}},
		{"cloudbase_modify_provider", map[string]any{"Id": "google", "On": "FALSE"},
			[]string{"Change identity provider google (OIDC", ") in env " + env + `: On: "TRUE" → "FALSE"; users can no longer sign in with it`}},
		{"cloudbase_modify_provider", map[string]any{"Id": "github", "Config": map[string]any{"ClientSecret": "new-github-secret-value-123"}},
			[]string{`Change identity provider github (OAUTH "GitHub") in env ` + env + ": Config.ClientSecret: set → replaced"}},
		{"cloudbase_delete_api_key", map[string]any{"KeyId": key["KeyId"]},
			[]string{"Revoke API key \"" + key["Name"].(string) + "\" (api_key, id " + key["KeyId"].(string) + ", created " + key["CreateAt"].(string) + ") in env " + env}},
		{"cloudbase_delete_api_key", map[string]any{"KeyName": key["Name"]}, []string{"Revoke API key \"" + key["Name"].(string) + "\""}},
	} {
		res := e.OK(c.tool, c.args)
		q := u.questions()
		if res["declined"] != true || len(q) != 1 {
			t.Fatalf("%s: asked %q, result %v", c.tool, q, res)
		}
		for _, w := range c.want {
			if !strings.Contains(q[0], w) {
				t.Errorf("%s(%v): question %q lacks %q", c.tool, c.args, q[0], w)
			}
		}
		if strings.Contains(q[0], "new-github-secret-value-123") {
			t.Fatal("a secret argument reached the question")
		}
	}
	for _, action := range []string{"ModifyLoginConfig", "DeleteProvider", "ModifyProvider", "DeleteApiKey"} {
		if n := base.App.Sandbox.Count(action); n != 0 {
			t.Errorf("%s sent %d times though every change was declined", action, n)
		}
	}
	// Changes that are not destructive, no-ops, missing targets and bad input are never asked about.
	e.OK("cloudbase_modify_client", map[string]any{"Id": env, "MaxDevice": 3})
	cur := e.OK("cloudbase_get_login_config", nil)
	if res := e.OK("cloudbase_modify_login_config", map[string]any{"EmailLogin": cur["EmailLogin"]}); res["Changed"] != false {
		t.Fatalf("no-op login change: %v", res)
	}
	if same := e.OK("cloudbase_modify_provider", map[string]any{"Id": "google", "On": "TRUE"}); same["Changed"] != false {
		t.Fatalf("no-op provider change: %v", same)
	}
	for _, c := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"cloudbase_delete_provider", map[string]any{"Id": "nosuch"}, `Id: no identity provider "nosuch" in env ` + env + "; the providers are: google, github"},
		{"cloudbase_modify_provider", map[string]any{"Id": "azuread", "On": "TRUE"}, `no identity provider "azuread"`},
		{"cloudbase_delete_api_key", map[string]any{"KeyId": "nosuch"}, `KeyId: no API key "nosuch" in env ` + env + " (already revoked, or never there: nothing to revoke); the keys are: "},
		{"cloudbase_delete_api_key", map[string]any{"KeyName": "nosuch"}, `KeyName: no API key "nosuch"`},
	} {
		if msg := e.Err(c.tool, c.args); !strings.Contains(msg, c.want) {
			t.Errorf("%s(%v): %q lacks %q", c.tool, c.args, msg, c.want)
		}
	}
	e.Err("cloudbase_delete_provider", map[string]any{"Id": "Not Valid!"})
	e.Err("cloudbase_modify_login_config", map[string]any{})
	if q := u.questions(); len(q) != 0 {
		t.Fatalf("asked %q", q)
	}
}

// rawCall sends one tools/call on protocol 2026-07-28 straight to the server,
// with whatever multi round-trip params the test forges.
func rawCall(t *testing.T, e *testenv.Env, tool string, args map[string]any, mrtr map[string]any) map[string]any {
	t.Helper()
	params := map[string]any{"name": tool, "arguments": args, "_meta": map[string]any{
		mcp.MetaKeyProtocolVersion:    mcp.LATEST_PROTOCOL_VERSION,
		mcp.MetaKeyClientCapabilities: map[string]any{"elicitation": map[string]any{}},
		mcp.MetaKeyClientInfo:         map[string]any{"name": "raw", "version": "1"},
	}}
	for k, v := range mrtr {
		params[k] = v
	}
	msg, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": params})
	b, _ := json.Marshal(e.App.MCP.HandleMessage(context.Background(), msg))
	var r struct {
		Result map[string]any `json:"result"`
	}
	if err := json.Unmarshal(b, &r); err != nil || r.Result == nil {
		t.Fatalf("tools/call: %s", b)
	}
	return r.Result
}

func TestConfirmationIsBoundToTheCall(t *testing.T) {
	e := testenv.New(t)
	args := map[string]any{"EmailLogin": false}
	first := rawCall(t, e, "cloudbase_modify_login_config", args, nil)
	state, _ := first["requestState"].(string)
	if first["resultType"] != "input_required" || state == "" || !strings.Contains(testenv.JSON(first["inputRequests"]), "Disable email login") {
		t.Fatalf("first call: %v", first)
	}
	yes := map[string]any{"confirm": map[string]any{"action": "accept", "content": map[string]any{"confirm": true}}}
	for _, forged := range []struct {
		name  string
		args  map[string]any
		state string
	}{
		{"no state", args, ""},
		{"made-up state", args, "RGlzYWJsZSBub3RoaW5n.AAAA"},
		{"state of other arguments", map[string]any{"PhoneNumberLogin": false, "EmailLogin": false, "UserNameLogin": false}, state},
		{"state of another tool", map[string]any{"Id": "github"}, state},
	} {
		tool := "cloudbase_modify_login_config"
		if forged.name == "state of another tool" {
			tool = "cloudbase_delete_provider"
		}
		res := rawCall(t, e, tool, forged.args, map[string]any{"inputResponses": yes, "requestState": forged.state})
		if res["resultType"] != "input_required" {
			t.Fatalf("%s: the forged answer was taken: %v", forged.name, res)
		}
	}
	if n := e.App.Sandbox.Count("ModifyLoginConfig") + e.App.Sandbox.Count("DeleteProvider"); n != 0 {
		t.Fatalf("a forged confirmation reached the cloud (%d)", n)
	}
	res := rawCall(t, e, "cloudbase_modify_login_config", args, map[string]any{"inputResponses": yes, "requestState": state})
	if res["isError"] == true || e.App.Sandbox.Count("ModifyLoginConfig") != 1 {
		t.Fatalf("the genuine answer was not taken: %v", res)
	}
}

// The question shows a partial sub-object as it will be stored: merged over
// the current one, not as the fragment the caller sent.
func TestConfirmationShowsTheMergedLoginConfig(t *testing.T) {
	base := testenv.New(t)
	u := &user{}
	e, _ := base.Connect(testenv.ClientOptions{Elicit: u.elicit})
	u.answer(mcp.ElicitationResponseActionAccept, map[string]any{"confirm": true})
	res := e.OK("cloudbase_modify_login_config", map[string]any{"MfaConfig": map[string]any{"On": "TRUE"}})
	q := u.questions()
	want := `MfaConfig becomes {"Email":"FALSE","On":"TRUE","RequiredBindPhone":"FALSE","Sms":"FALSE"}`
	if len(q) != 1 || !strings.Contains(q[0], want) || !strings.Contains(q[0], "MfaConfig.On") {
		t.Fatalf("asked %q, want the change and %s", q, want)
	}
	if got := testenv.JSON(res["After"].(map[string]any)["MfaConfig"]); got != `{"Email":"FALSE","On":"TRUE","RequiredBindPhone":"FALSE","Sms":"FALSE"}` {
		t.Fatalf("stored: %s", got)
	}
}

// A client whose elicitation fails gets a tool result saying nothing was
// changed (not a JSON-RPC internal error), and nothing is sent.
func TestConfirmationElicitationFailureIsAToolError(t *testing.T) {
	base := testenv.New(t)
	e, _ := base.Connect(testenv.ClientOptions{Legacy: true, Elicit: func(mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
		return nil, errors.New("the host's dialog crashed")
	}})
	res, err := e.Client.CallTool(context.Background(), mcp.CallToolRequest{Params: mcp.CallToolParams{
		Name: "cloudbase_modify_login_config", Arguments: map[string]any{"AnonymousLogin": true}}})
	if err != nil {
		t.Fatalf("a JSON-RPC error instead of a tool result: %v", err)
	}
	if msg := testenv.Text(res); !res.IsError || !strings.Contains(msg, "could not be put to the user") || !strings.Contains(msg, "nothing was changed") {
		t.Fatalf("result: %s", msg)
	}
	if n := base.App.Sandbox.Count("ModifyLoginConfig"); n != 0 {
		t.Fatalf("%d changes sent", n)
	}
}
