package tools

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// The schemas are reflected from the Go structs at build time (`make snaps`
// writes schemas.gen.json) because reflecting and encoding 43 tools' schemas
// took about 15 ms, half of a cold start. Each entry carries a fingerprint of
// the Go types it was reflected from; an entry whose types changed since is
// ignored and the schema is reflected at start-up, so a stale cache can cost
// time but never serve a wrong schema. TestSchemaCacheIsCurrent keeps it fresh.

//go:embed schemas.gen.json
var schemaCacheJSON []byte

type cachedSchema struct {
	Fingerprint string          `json:"fingerprint"`
	Input       json.RawMessage `json:"input"`
	Output      json.RawMessage `json:"output"`
}

// useSchemaCache is switched off by the test that regenerates the cache.
var useSchemaCache = true

var schemaCache = sync.OnceValue(func() map[string]cachedSchema {
	m := map[string]cachedSchema{}
	_ = json.Unmarshal(schemaCacheJSON, &m) // an unreadable cache only costs start-up time
	return m
})

func cachedSchemas(name, fingerprint string) (cachedSchema, bool) {
	if !useSchemaCache {
		return cachedSchema{}, false
	}
	c, ok := schemaCache()[name]
	return c, ok && c.Fingerprint == fingerprint
}

// fingerprint digests everything of In and Out that reflection reads: type
// names, field names, tags and field types, recursively.
func fingerprint(in, out reflect.Type, readOnly bool) string {
	var b strings.Builder
	seen := map[reflect.Type]bool{}
	describeType(&b, in, seen)
	b.WriteString("|")
	describeType(&b, out, seen)
	fmt.Fprintf(&b, "|ro=%v", readOnly)
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:12])
}

func describeType(b *strings.Builder, t reflect.Type, seen map[reflect.Type]bool) {
	b.WriteString(t.PkgPath() + "." + t.String() + ";")
	if seen[t] {
		return
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		describeType(b, t.Elem(), seen)
	case reflect.Map:
		describeType(b, t.Key(), seen)
		describeType(b, t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			fmt.Fprintf(b, "{%s %v %q ", f.Name, f.Anonymous, f.Tag)
			describeType(b, f.Type, seen)
			b.WriteString("}")
		}
	}
}
