package tools

import (
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"strconv"
	"sync"

	"github.com/cloudops-mcp/cloudops-mcp/internal/schemashape"
)

// The schemas are reflected from the Go structs at build time (`make snaps`
// writes schemas_gen.go) because reflecting and encoding 43 tools' schemas
// took about 15 ms, half of a cold start. They are Go string constants, not an
// embedded JSON file: decoding that file was a quarter of start-up's CPU. Each
// entry also carries the input schema's structure (the writeOnly fields and
// the property names that start-up needs), so nothing is parsed to find them.
// Each entry carries a fingerprint of the Go types it was reflected from; an
// entry whose types changed since is ignored and the schema is reflected at
// start-up. The fingerprint covers type names, fields, tags and field types,
// not methods: a change to a type's JSONSchema/JSONSchemaExtend hook or to the
// reflector in schema.go is not seen by it, and a stale cache would then serve
// the old schema. TestSchemaCacheIsCurrent reflects every tool afresh and
// fails until `make snaps` has rewritten the cache.

type cachedSchema struct {
	Fingerprint   string
	Input, Output string
	Shape         *schemashape.Shape // of Input
}

// useSchemaCache is switched off by the test that regenerates the cache.
var useSchemaCache = true

func cachedSchemas(name, fingerprint string) (cachedSchema, bool) {
	if !useSchemaCache {
		return cachedSchema{}, false
	}
	c, ok := generatedSchema(name)
	return c, ok && c.Fingerprint == fingerprint
}

// fingerprint digests the struct shape of In and Out that reflection reads:
// type names, field names, tags and field types, recursively (not methods).
func fingerprint(in, out reflect.Type, readOnly bool) string {
	fpBuf.Lock()
	defer fpBuf.Unlock()
	h := sha256.New()
	b := fpBuf.b[:0]
	defer func() { fpBuf.b = b }()
	seen := map[reflect.Type]bool{}
	b = describeType(b, in, seen)
	b = append(b, '|')
	b = describeType(b, out, seen)
	b = append(b, "|ro="...)
	b = strconv.AppendBool(b, readOnly)
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// fpBuf is reused by every fingerprint: a tool's description runs up to 11 KB
// (struct tags carry the schema descriptions), and growing a fresh buffer for
// each of 45 tools was half of the fingerprints' start-up time.
var fpBuf struct {
	sync.Mutex
	b []byte
}

// describeType appends an unambiguous description of t. Tags are written
// length-prefixed rather than quoted: quoting them with fmt was a third of
// start-up (43 tools, every field of every type).
func describeType(b []byte, t reflect.Type, seen map[reflect.Type]bool) []byte {
	b = append(b, t.PkgPath()...)
	b = append(b, '.')
	b = append(b, t.String()...)
	b = append(b, ';')
	if seen[t] {
		return b
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		b = describeType(b, t.Elem(), seen)
	case reflect.Map:
		b = describeType(b, t.Key(), seen)
		b = describeType(b, t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			b = append(b, '{')
			b = append(b, f.Name...)
			b = append(b, ' ')
			b = strconv.AppendBool(b, f.Anonymous)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(len(f.Tag)), 10)
			b = append(b, ':')
			b = append(b, f.Tag...)
			b = append(b, ' ')
			b = describeType(b, f.Type, seen)
			b = append(b, '}')
		}
	}
	return b
}
