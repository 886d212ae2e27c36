package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
)

// A client before 2025-06-18 knows a tool's display name only from
// annotations.title; a newer one reads the top-level title, sent alone.
func TestToolTitlesByProtocolVersion(t *testing.T) {
	for version, wantAnnotationTitle := range map[string]bool{"2024-11-05": true, "2025-03-26": true, "2025-06-18": false, "2025-11-25": false} {
		t.Run(version, func(t *testing.T) {
			p := startStdio(t)
			init := wantResult(t, "initialize", p.call(fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":%q,"capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`, version)), 1.0)
			if init["protocolVersion"] != version {
				t.Fatalf("negotiated %v", init["protocolVersion"])
			}
			p.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
			list := wantResult(t, "tools/list", p.call(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`), 2.0)
			tools, _ := list["tools"].([]any)
			if len(tools) == 0 {
				t.Fatal("no tools")
			}
			for _, x := range tools {
				tl := x.(map[string]any)
				a, _ := tl["annotations"].(map[string]any)
				title, _ := tl["title"].(string)
				if title == "" {
					t.Errorf("%s: no title", tl["name"])
				}
				if got, ok := a["title"]; ok != wantAnnotationTitle || (ok && got != title) {
					t.Errorf("%s: annotations.title %v, want it %v (= %q)", tl["name"], got, wantAnnotationTitle, title)
				}
				for _, h := range []string{"readOnlyHint", "destructiveHint", "openWorldHint"} {
					if _, ok := a[h].(bool); !ok {
						t.Errorf("%s: %s not sent", tl["name"], h)
					}
				}
			}
		})
	}
}

// A stateless server's session lasts one request and never sees the
// initialize: the MCP-Protocol-Version header, which clients send from
// 2025-06-18 on, says which titles the client reads.
func TestToolTitlesStatelessHTTP(t *testing.T) {
	cfg, err := config.Parse([]string{"--sandbox", "--transport", "http", "--stateless", "--confirm-destructive=false", "--addr", "127.0.0.1:0"},
		func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	hs, err := a.ListenHTTP()
	if err != nil {
		a.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = hs.Serve(ctx) }()
	t.Cleanup(func() { cancel(); <-done; a.Close() })
	p := &httpPeer{t: t, app: a, url: hs.URL()}
	for header, wantAnnotationTitle := range map[string]bool{"": true, "2025-03-26": true, "2025-06-18": false, "2025-11-25": false} {
		headers := map[string]string{}
		if header != "" {
			headers["Mcp-Protocol-Version"] = header
		}
		ans := p.post(headers, `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
		list := wantResult(t, "tools/list with header "+header, ans.message, 2.0)
		tools, _ := list["tools"].([]any)
		if len(tools) == 0 {
			t.Fatalf("header %q: no tools: %.300s", header, ans.body)
		}
		for _, x := range tools {
			tl := x.(map[string]any)
			a, _ := tl["annotations"].(map[string]any)
			if _, ok := a["title"]; ok != wantAnnotationTitle {
				t.Errorf("header %q: %s: annotations.title sent = %v", header, tl["name"], ok)
			}
		}
	}
}
