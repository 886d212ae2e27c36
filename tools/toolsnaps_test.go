package tools_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// Every tool's schema is checked into __toolsnaps__ so that a schema change
// is always a visible diff. Refresh with `make snaps` (UPDATE_TOOLSNAPS=true).
func TestToolSnapshots(t *testing.T) {
	e := testenv.New(t)
	update := os.Getenv("UPDATE_TOOLSNAPS") == "true"
	dir := "__toolsnaps__"
	seen := map[string]bool{}
	for _, tl := range e.App.Tools {
		got, err := json.MarshalIndent(tl.Tool, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		path := filepath.Join(dir, tl.Spec.Name+".snap")
		seen[filepath.Base(path)] = true
		if update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: no snapshot (run `make snaps` and commit it): %v", tl.Spec.Name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: schema differs from %s; if intended run `make snaps` and commit the diff.\ngot:\n%s", tl.Spec.Name, path, got)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.snap"))
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			if update {
				_ = os.Remove(f)
			} else {
				t.Errorf("%s: snapshot of a tool that no longer exists", f)
			}
		}
	}
}

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)+$`)

// TestToolCatalogueRules checks what every tool must have, so a new tool cannot skip it.
// selfExplaining are the argument names that need no description: the name
// and the schema (type, format, range, enum) say everything; page_number,
// page_size and all are explained once in the Telnyx toolset's notes.
var selfExplaining = map[string]bool{
	"id": true, "keyId": true, "name": true, "description": true, "Description": true, "Homepage": true,
	"ProviderType": true, "first_name": true, "last_name": true, "business_name": true, "postal_code": true,
	"type": true, "address_book": true, "offset": true, "skip": true, "PageSize": true, "authTypeCode": true,
	"authTypeName": true, "created_at": true, "created_at_gt": true, "created_at_gte": true, "created_at_lt": true,
	"created_at_lte": true, "page_number": true, "page_size": true, "all": true,
}

func TestToolCatalogueRules(t *testing.T) {
	e := testenv.New(t)
	names := map[string]bool{}
	for _, tl := range e.App.Tools {
		n := tl.Tool.Name
		if names[n] {
			t.Errorf("duplicate tool %s", n)
		}
		names[n] = true
		if !snakeCase.MatchString(n) || !strings.HasPrefix(n, strings.SplitN(tl.Spec.Toolset, "_", 2)[0]+"_") {
			t.Errorf("%s: name must be snake_case and start with its cloud's prefix", n)
		}
		a := tl.Tool.Annotations
		// readOnlyHint, destructiveHint and openWorldHint always (ChatGPT's
		// app review and clients gating on destructiveHint == true need them);
		// the title at the top level (annotations.title is added for clients
		// before 2025-06-18 only).
		if tl.Tool.Title == "" || a.Title != "" || a.ReadOnlyHint == nil || a.DestructiveHint == nil || a.OpenWorldHint == nil {
			t.Errorf("%s: a title and the readOnly, destructive and openWorld hints must be set, the title once", n)
		}
		if *a.ReadOnlyHint && *a.DestructiveHint {
			t.Errorf("%s: read-only and destructive", n)
		}
		if a.IdempotentHint != nil && (!*a.IdempotentHint || *a.ReadOnlyHint) {
			t.Errorf("%s: idempotentHint is sent only when true on a tool that changes something", n)
		}
		if d := tl.Tool.Description; len(d) < 20 || len(d) > 400 || strings.Contains(d, "\n") {
			t.Errorf("%s: description must be one tight line (20-400 chars), got %d", n, len(d))
		}
		var in map[string]any
		if err := json.Unmarshal(tl.Tool.RawInputSchema, &in); err != nil {
			t.Fatal(err)
		}
		if in["type"] != "object" {
			t.Errorf("%s: input schema must be an object", n)
		}
		for _, k := range []string{"anyOf", "oneOf", "allOf", "$ref", "$defs"} {
			if _, ok := in[k]; ok {
				t.Errorf("%s: top-level %s is rejected by some clients", n, k)
			}
		}
		if strings.Contains(string(tl.Tool.RawInputSchema), `"$ref"`) {
			t.Errorf("%s: nested objects must be inlined, not $ref", n)
		}
		// Every property has a one-line description, unless its name says
		// all of it (the tool says whose id or name it is) or the
		// instructions describe it once for every tool that has it.
		props, _ := in["properties"].(map[string]any)
		for p, s := range props {
			d, _ := s.(map[string]any)["description"].(string)
			if d == "" && !selfExplaining[p] {
				t.Errorf("%s.%s: no description", n, p)
			}
			if strings.EqualFold(strings.ReplaceAll(d, " ", ""), strings.ReplaceAll(p, "_", "")) {
				t.Errorf("%s.%s: the description %q only repeats the name", n, p, d)
			}
		}
		if len(tl.Tool.RawOutputSchema) == 0 {
			t.Errorf("%s: no output schema", n)
		}
		// Output schemas describe shape only: a cloud value outside an input
		// rule (a new enum value, an odd URL) must not fail client validation.
		for _, k := range []string{`"enum"`, `"format"`, `"pattern"`, `"additionalProperties"`, `"minimum"`, `"maxLength"`} {
			if strings.Contains(string(tl.Tool.RawOutputSchema), k) {
				t.Errorf("%s: output schema constrains values with %s", n, k)
			}
		}
	}
}
