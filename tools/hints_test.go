package tools_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// No dead ends: every tool name an error, hint, description or prompt can
// show exists in the running catalogue, and no text sends the agent to "the
// matching list tool" without naming it.

var toolNameRE = regexp.MustCompile(`\b(?:cloudbase|telnyx)_[a-z0-9]+(?:_[a-z0-9]+)*\b`)

var vagueHint = regexp.MustCompile(`(?i)matching (list|read) tool`)

// knownNames are the names a text may use: tools, toolsets, resources, prompts.
func knownNames(t *testing.T) map[string]bool {
	t.Helper()
	known := map[string]bool{}
	for _, ts := range tools.Toolsets(&tools.Deps{}) {
		known[ts.Name] = true
		for _, tl := range ts.Tools {
			known[tl.Spec.Name] = true
		}
		for _, r := range ts.Resources.Resources {
			known[r.Resource.Name] = true
		}
		for _, r := range ts.Resources.Templates {
			known[r.Template.Name] = true
		}
		for _, p := range ts.Prompts.Prompts {
			known[p.Prompt.Name] = true
		}
	}
	return known
}

// TestEveryHintNamesAToolThatExists reads every string literal of the
// packages that produce texts an agent sees.
func TestEveryHintNamesAToolThatExists(t *testing.T) {
	known := knownNames(t)
	var checked int
	for _, dir := range []string{".", "../cloud/tcb", "../cloud/telnyx", "../resources", "../prompts", "../app"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			file, err := parser.ParseFile(token.NewFileSet(), f, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					return true
				}
				checked++
				if vagueHint.MatchString(s) {
					t.Errorf("%s: %q sends the agent to a tool it does not name", f, s)
				}
				for _, name := range toolNameRE.FindAllString(s, -1) {
					if !known[name] {
						t.Errorf("%s: %q names %s, which the catalogue does not have", f, s, name)
					}
				}
				return true
			})
		}
	}
	if checked < 500 {
		t.Fatalf("only %d literals read: the walk is broken", checked)
	}
}

// TestNotFoundErrorsLeadSomewhere calls every tool that takes an id with
// one that does not exist: the error names a listing tool that exists, or
// states the fact.
func TestNotFoundErrorsLeadSomewhere(t *testing.T) {
	e := testenv.New(t)
	known := knownNames(t)
	for _, c := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"cloudbase_describe_client", map[string]any{"Id": "nosuch"}, "the env id, demo-"},
		{"cloudbase_modify_client", map[string]any{"Id": "nosuch", "MaxDevice": 2}, "the env id, demo-"},
		{"cloudbase_modify_provider", map[string]any{"Id": "nosuch", "On": "TRUE"}, "the providers are: "},
		{"cloudbase_delete_provider", map[string]any{"Id": "nosuch"}, "the providers are: "},
		{"cloudbase_delete_api_key", map[string]any{"KeyId": "nosuch"}, "the keys are: "},
		{"cloudbase_get_user_key", map[string]any{"keyId": "nosuch"}, "cloudbase_list_user_keys"},
		{"cloudbase_delete_user_key", map[string]any{"keyId": "nosuch"}, "cloudbase_list_user_keys"},
		{"cloudbase_query_records", map[string]any{"datasource": "nosuch"}, "cloudbase_list_data_models"},
		{"telnyx_retrieve_access_ip_address", map[string]any{"id": "00000000-0000-4000-8000-000000000000"}, "telnyx_list_access_ip_addresses"},
		{"telnyx_retrieve_authentication_provider", map[string]any{"id": "00000000-0000-4000-8000-000000000000"}, "telnyx_list_authentication_providers"},
		{"telnyx_create_telephony_credential_token", map[string]any{"id": "00000000-0000-4000-8000-000000000000", "deliverTo": "t.jwt"}, "telnyx_list_telephony_credentials lists them"},
	} {
		req := mcp.CallToolRequest{}
		req.Params.Name, req.Params.Arguments = c.tool, c.args
		res, err := e.Client.CallTool(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", c.tool, err)
		}
		msg := testenv.Text(res)
		if !res.IsError || !strings.Contains(msg, c.want) {
			t.Errorf("%s(%v): %q, want an error containing %q", c.tool, c.args, msg, c.want)
		}
		for _, name := range toolNameRE.FindAllString(msg, -1) {
			if !known[name] {
				t.Errorf("%s: %q names %s, which does not exist", c.tool, msg, name)
			}
		}
		if vagueHint.MatchString(msg) {
			t.Errorf("%s: vague hint %q", c.tool, msg)
		}
	}
}
