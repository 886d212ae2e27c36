package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

var jsonBlock = regexp.MustCompile("(?s)```json\n(.*?)```")

// Every JSON block in the README is valid, copy-paste JSON, and an MCP
// client configuration in it starts the installed binary (or docker).
func TestReadmeJSONBlocksParse(t *testing.T) {
	n := 0
	for _, f := range []string{"README.md"} {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range jsonBlock.FindAllStringSubmatch(string(raw), -1) {
			n++
			var v map[string]any
			if err := json.Unmarshal([]byte(m[1]), &v); err != nil {
				t.Errorf("%s, JSON block %d: %v\n%s", f, i+1, err, m[1])
				continue
			}
			for _, key := range []string{"mcpServers", "servers"} {
				servers, _ := v[key].(map[string]any)
				for name, s := range servers {
					cmd, _ := s.(map[string]any)["command"].(string)
					if cmd != "" && cmd != "cloudops-mcp" && cmd != "docker" {
						t.Errorf("%s, JSON block %d, server %s: command %q, want the installed name cloudops-mcp", f, i+1, name, cmd)
					}
				}
			}
		}
	}
	if n < 6 {
		t.Fatalf("found %d JSON blocks; the IDE snippets are missing", n)
	}
	readme, _ := os.ReadFile("README.md")
	for _, ide := range []string{"Claude Desktop", "Claude Code", "Cursor", "VS Code", ".vscode/mcp.json", "Windsurf", "Node.js 22.7"} {
		if !strings.Contains(string(readme), ide) {
			t.Errorf("README lacks %s", ide)
		}
	}
}
