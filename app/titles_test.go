package app_test

import (
	"fmt"
	"testing"
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
