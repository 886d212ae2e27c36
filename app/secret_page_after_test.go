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

// What the secret page says after the user sent the value is true in each
// case (trial 4, N6): while the tool call waits, it goes on; once the call
// answered "not yet, make the same call again", nothing happens until the
// user tells the assistant, and the page says so.
func TestSecretPageSaysWhatHappensNext(t *testing.T) {
	const waiting, parked = "goes on now", "Nothing happens yet"

	t.Run("filled while the call waits", func(t *testing.T) {
		e := testenv.New(t)
		var mu sync.Mutex
		var done string
		c, _ := e.Connect(testenv.ClientOptions{Legacy: true, URLElicitation: true, Elicit: func(r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
			if r.Params.Mode == mcp.ElicitationModeURL {
				body := fillPage(t, r.Params.URL, "gh-secret-in-time-5f4e3d2c1b")
				mu.Lock()
				done = body
				mu.Unlock()
			}
			return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept,
				Content: map[string]any{"confirm": true}}}, nil
		}})
		if res := c.Call("cloudbase_modify_provider", askClientSecret()); res.IsError {
			t.Fatalf("in time: %s", testenv.Text(res))
		}
		mu.Lock()
		defer mu.Unlock()
		if !strings.Contains(done, waiting) || strings.Contains(done, parked) {
			t.Fatalf("page after sending, the call waiting: %s", done)
		}
	})

	t.Run("filled after the call answered", func(t *testing.T) {
		e := testenv.New(t, func(c *config.Config) { c.SecretPageWait = 300 * time.Millisecond })
		var mu sync.Mutex
		var urls []string
		c, _ := e.Connect(testenv.ClientOptions{Legacy: true, URLElicitation: true, Elicit: func(r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
			mu.Lock()
			defer mu.Unlock()
			if r.Params.Mode == mcp.ElicitationModeURL {
				urls = append(urls, r.Params.URL) // opened; typed later
			}
			return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept,
				Content: map[string]any{"confirm": true}}}, nil
		}})
		if msg := c.Err("cloudbase_modify_provider", askClientSecret()); !strings.Contains(msg, "make this same call again") {
			t.Fatalf("page not filled in time: %s", msg)
		}
		mu.Lock()
		pageURL := urls[0]
		mu.Unlock()
		done := fillPage(t, pageURL, "gh-secret-late-text-6a5b4c3d2e")
		if !strings.Contains(done, parked) || !strings.Contains(done, "tell it you have entered the value") || strings.Contains(done, waiting) {
			t.Fatalf("page after sending, the call gone: %s", done)
		}
		// And it is true: the same call made again takes the value.
		if out := c.Call("cloudbase_modify_provider", askClientSecret()); out.IsError || e.App.Sandbox.Count("ModifyProvider") != 1 {
			t.Fatalf("the same call again: %s", testenv.Text(out))
		}
	})
}
