package app_test

import (
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// cloudbase_update_user_key with a whole ext whose secret is asked on a
// page (trial 4, N1): the question compares the value entered, so a new key
// is "set → replaced (entered on a page)" and the same key again asks
// nothing, sends nothing and answers Changed false. On protocol 2026-07-28
// and before.
func TestWholeExtSameSecretOnAPageAsksNothing(t *testing.T) {
	for name, legacy := range map[string]bool{"before 2026-07-28": true, "2026-07-28": false} {
		t.Run(name, func(t *testing.T) {
			se := newSecretEnv(t)
			const key = "sk-trial4-page-whole-ext-5f4e3d2c1b"
			u := &roundUser{page: &browserUser{t: t, value: key, action: mcp.ElicitationResponseActionAccept}}
			c, _ := se.Connect(testenv.ClientOptions{Legacy: legacy, URLElicitation: true, Elicit: u.elicit})
			args := map[string]any{"keyId": "openai-prod", "ext": `{"apiKey":{"ask":true},"baseUrl":"https://api.openai.com/v1"}`}

			res := c.Call("cloudbase_update_user_key", args)
			if res.IsError || u.confirms != 1 || len(u.page.urls) != 1 {
				t.Fatalf("rotate: %s (%d questions, %d pages)", testenv.Text(res), u.confirms, len(u.page.urls))
			}
			if q := strings.Join(u.questions, " "); !strings.Contains(q, "(apiKey: set → replaced (entered on a page))") {
				t.Fatalf("question: %q", q)
			}
			sent := se.App.Sandbox.Count("UpdateUserKey")
			again := c.Call("cloudbase_update_user_key", args)
			out, _ := again.StructuredContent.(map[string]any)
			if again.IsError || out["Changed"] != false || u.confirms != 1 || len(u.page.urls) != 2 || se.App.Sandbox.Count("UpdateUserKey") != sent {
				t.Fatalf("the same key again: %s (%d questions %q, %d pages)", testenv.Text(again), u.confirms, u.questions, len(u.page.urls))
			}
			se.nowhere(t, key, testenv.JSON(res), testenv.JSON(again), strings.Join(u.questions, " "))
		})
	}
}
