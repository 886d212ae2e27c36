package app_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// A change whose secret is asked on a page is put to the user once its value
// is known (trial 3, finding 5): the same secret again is no change and asks
// nothing; a different one asks once, naming the field; a page filled after
// the call stopped waiting does not bring the same question twice. On
// protocol 2026-07-28 and before.

func askClientSecret() map[string]any {
	return map[string]any{"Id": "github", "Config": map[string]any{"ClientSecret": map[string]any{"ask": true}}}
}

func TestSameSecretOnAPageAsksNothing(t *testing.T) {
	for name, legacy := range map[string]bool{"before 2026-07-28": true, "2026-07-28": false} {
		t.Run(name, func(t *testing.T) {
			se := newSecretEnv(t)
			const first = "gh-secret-order-first-1a2b3c4d5e"
			u := &roundUser{page: &browserUser{t: t, value: first, action: mcp.ElicitationResponseActionAccept}}
			c, _ := se.Connect(testenv.ClientOptions{Legacy: legacy, URLElicitation: true, Elicit: u.elicit})

			res := c.Call("cloudbase_modify_provider", askClientSecret())
			if res.IsError || u.confirms != 1 || len(u.page.urls) != 1 {
				t.Fatalf("rotate: %s (%d questions, %d pages)", testenv.Text(res), u.confirms, len(u.page.urls))
			}
			if q := strings.Join(u.questions, " "); !strings.Contains(q, "Config.ClientSecret: set → replaced (entered on a page)") {
				t.Fatalf("question: %q", q)
			}
			sent := se.App.Sandbox.Count("ModifyProvider")
			// The same value again: the page, then no question and nothing sent.
			again := c.Call("cloudbase_modify_provider", askClientSecret())
			out, _ := again.StructuredContent.(map[string]any)
			if again.IsError || out["Changed"] != false || u.confirms != 1 || len(u.page.urls) != 2 || se.App.Sandbox.Count("ModifyProvider") != sent {
				t.Fatalf("the same secret again: %s (%d questions, %d pages)", testenv.Text(again), u.confirms, len(u.page.urls))
			}
			se.nowhere(t, first, testenv.JSON(res), testenv.JSON(again), strings.Join(u.questions, " "))
		})
	}
}

// The page is opened but filled only after --secret-page-wait: the call
// answers "call again" having asked nothing, and the same call made again
// asks its question once.
func TestLatePageAsksTheQuestionOnce(t *testing.T) {
	e := testenv.New(t, func(c *config.Config) { c.SecretPageWait = 300 * time.Millisecond })
	var mu sync.Mutex
	var urls, questions []string
	user := func(r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
		mu.Lock()
		defer mu.Unlock()
		if r.Params.Mode == mcp.ElicitationModeURL {
			urls = append(urls, r.Params.URL) // opened; typed later
			return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept}}, nil
		}
		questions = append(questions, r.Params.Message)
		return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept,
			Content: map[string]any{"confirm": true}}}, nil
	}
	c, _ := e.Connect(testenv.ClientOptions{Legacy: true, URLElicitation: true, Elicit: user})
	msg := c.Err("cloudbase_modify_provider", askClientSecret())
	if !strings.Contains(msg, "make this same call again") || len(questions) != 0 || len(urls) != 1 {
		t.Fatalf("page not filled in time: %s (%d questions, %d pages)", msg, len(questions), len(urls))
	}
	fillPage(t, urls[0], "gh-secret-late-order-9z8y7x6w")
	out := c.Call("cloudbase_modify_provider", askClientSecret())
	if out.IsError || len(questions) != 1 || len(urls) != 1 || e.App.Sandbox.Count("ModifyProvider") != 1 {
		t.Fatalf("the same call again: %s (%d questions, %d pages)", testenv.Text(out), len(questions), len(urls))
	}
}

// The page for an integration's secret on update names the integration as
// the user knows it (its name), not only its generated keyId.
func TestUpdatePageNamesTheIntegration(t *testing.T) {
	se := newSecretEnv(t)
	u := &roundUser{page: &browserUser{t: t, value: "sk-page-update-0a1b2c3d4e5f6a7b", action: mcp.ElicitationResponseActionAccept}}
	c, _ := se.Connect(testenv.ClientOptions{Legacy: true, URLElicitation: true, Elicit: u.elicit})
	created := c.OK("cloudbase_create_user_key", map[string]any{"name": "openai-backend", "authTypeCode": "openai_api_key",
		"ext": `{"apiKey":"sk-first-0123456789abcdef","baseUrl":"https://api.openai.com/v1"}`})
	id, _ := created["KeyID"].(string)
	res := c.Call("cloudbase_update_user_key", map[string]any{"keyId": id, "extPatch": map[string]any{"apiKey": map[string]any{"ask": true}}})
	if res.IsError || len(u.page.messages) != 1 || !strings.Contains(u.page.messages[0], "apiKey for integration openai-backend (keyId "+id+")") {
		t.Fatalf("page: %v (%s)", u.page.messages, testenv.Text(res))
	}
}
