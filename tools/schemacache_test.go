package tools

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// TestSchemaCacheIsCurrent reflects every tool afresh and compares with the
// build-time cache; `make snaps` (UPDATE_TOOLSNAPS=true) rewrites it.
func TestSchemaCacheIsCurrent(t *testing.T) {
	useSchemaCache = false
	defer func() { useSchemaCache = true }()
	fresh := map[string]cachedSchema{}
	for _, tl := range All(&Deps{Redactor: redact.New(redact.Options{})}) {
		fresh[tl.Spec.Name] = cachedSchema{Fingerprint: tl.fingerprint, Input: tl.Tool.RawInputSchema, Output: tl.Tool.RawOutputSchema}
	}
	if os.Getenv("UPDATE_TOOLSNAPS") == "true" {
		raw, err := json.MarshalIndent(fresh, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("schemas.gen.json", append(raw, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	cache := schemaCache()
	for name, f := range fresh {
		c, ok := cache[name]
		if !ok || c.Fingerprint != f.Fingerprint || !jsonEqual(c.Input, f.Input) || !jsonEqual(c.Output, f.Output) {
			t.Errorf("%s: schemas.gen.json is stale; run `make snaps` and commit it", name)
		}
	}
	if len(cache) != len(fresh) {
		t.Errorf("schemas.gen.json has %d tools, the server %d; run `make snaps`", len(cache), len(fresh))
	}
}

// TestCachedSchemasAreServed proves start-up uses the cache (so the test
// above is what guards the served schemas) and that a fingerprint change
// falls back to reflection.
func TestCachedSchemasAreServed(t *testing.T) {
	all := All(&Deps{Redactor: redact.New(redact.Options{})})
	name := all[0].Spec.Name
	c, ok := cachedSchemas(name, all[0].fingerprint)
	if !ok || !bytes.Equal(c.Input, all[0].Tool.RawInputSchema) {
		t.Fatalf("%s: not served from the cache", name)
	}
	if _, ok := cachedSchemas(name, "other-types"); ok {
		t.Fatal("an entry with another fingerprint was served")
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	ra, _ := json.Marshal(x)
	rb, _ := json.Marshal(y)
	return bytes.Equal(ra, rb)
}
