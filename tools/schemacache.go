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
// TestSchemaCacheIsCurrent reflects every tool afresh and fails until
// `make snaps` has rewritten the cache, so a built server trusts it. Each
// entry also carries a fingerprint of the Go types it was reflected from
// (type names, fields, tags and field types, not methods); this package's
// tests check it (verifyCache) and reflect a tool whose types changed, so the
// tools under test are never served a stale schema. The server does not:
// walking every tool's types was a fifth of what start-up does after package
// init (cold profile, 150 processes).

type cachedSchema struct {
	Fingerprint   string
	Input, Output string
	Shape         *schemashape.Shape // of Input
}

// useSchemaCache is switched off by the test that regenerates the cache.
var useSchemaCache = true

// verifyCache makes Define fingerprint each tool's types and reflect the
// tool whose cache entry was written for other types (tests only).
var verifyCache = false

func cachedSchemas(name, fingerprint string) (cachedSchema, bool) {
	if !useSchemaCache {
		return cachedSchema{}, false
	}
	c, ok := generatedSchema(name)
	return c, ok && (!verifyCache || c.Fingerprint == fingerprint)
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
