package redact_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/url"
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// FuzzRedactRandomDocuments registers a fuzzed secret, then builds a random
// JSON document from fuzz bytes with many plantings at random depths: the
// secret inside strings, as a whole value, as an object key, URL-escaped, in a
// Basic header, inside JSON-in-string (Ext) levels; values under secret key
// names with odd casing and separators, in JSON and in free text; JWTs, Bearer
// tokens and URL passwords. No planted secret may survive JSON, String or
// Value, and valid JSON must stay valid. `make fuzz` runs it for a minute.
func FuzzRedactRandomDocuments(f *testing.F) {
	for i, s := range []string{"s3cr3t-Value_123", "p@ss:w0rd!\"\\<&>", "中文秘密口令abc", "01234567890", "AAAAAAAAAAAAAAAAAAAAAAAA",
		"a b c d e f", "[redacted]xyz", "eyJhbGciOi", "https://h/p?q=1"} {
		f.Add([]byte(strings.Repeat(string(rune('A'+i)), i*7)), s)
		f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, byte(i)}, s)
		f.Add([]byte{5, 5, 5, 5, 5, 5, 5, 5, 3, 3, 3, 9, 9, 1, 2, byte(i)}, s)
	}
	f.Fuzz(func(t *testing.T, shape []byte, secret string) {
		if len(secret) < 8 || len(secret) > 200 || strings.TrimSpace(secret) != secret || strings.ContainsAny(secret, "\x00\n\r") {
			return // registered secrets are credentials: long enough, one line
		}
		if strings.Contains("[redacted: 0123456789 chars, …]", secret) || strings.Contains("[redacted]", secret) || strings.Contains(redact.CloudMask, secret) || strings.Contains("[redacted: fp 0123456789abcdef]", secret) {
			return // text a mask itself contains cannot vanish from masked output
		}
		r := redact.New(redact.Options{})
		r.AddSecret(secret)
		g := &docGen{shape: shape, secret: secret}
		doc := g.value(0, 0)
		raw := encode(doc, len(shape) > 0 && shape[0]&1 == 1)
		mustVanish := append([]string{secret}, g.planted...)
		if q := url.QueryEscape(secret); q != secret {
			mustVanish = append(mustVanish, q)
		}

		out := r.JSON(raw)
		if !json.Valid(out) {
			t.Fatalf("valid input, invalid output\nin  %s\nout %s", raw, out)
		}
		checkGone(t, "JSON", out, mustVanish)
		checkGone(t, "String", []byte(r.String(string(raw))), mustVanish)
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		rv, err := json.Marshal(r.Value(v))
		if err != nil {
			t.Fatalf("Value result does not marshal: %v", err)
		}
		checkGone(t, "Value", rv, mustVanish)
	})
}

// checkGone decodes out (recursively through JSON-in-strings) and fails if
// any planted value appears in a key, a string or a number.
func checkGone(t *testing.T, path string, out []byte, planted []string) {
	t.Helper()
	var texts []string
	collectTexts(out, &texts, 0)
	texts = append(texts, string(out))
	for _, p := range planted {
		for _, s := range texts {
			if strings.Contains(s, p) {
				t.Fatalf("%s: planted %q survives in %q\nwhole output: %.2000s", path, p, s, out)
			}
		}
	}
}

func collectTexts(b []byte, texts *[]string, depth int) {
	var v any
	if depth > 8 || json.Unmarshal(b, &v) != nil {
		return
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			*texts = append(*texts, x)
			if t := strings.TrimSpace(x); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
				collectTexts([]byte(x), texts, depth+1)
			}
		case float64:
			*texts = append(*texts, fmt.Sprint(x))
		case map[string]any:
			for k, e := range x {
				*texts = append(*texts, k)
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
}

// secretKeyNames are key names the redactor must treat as secret whatever
// their casing and separators.
var secretKeyNames = []string{"client_secret", "ClientSecret", "SessionToken", "x-api-key", "AccountPassword", "privateKey",
	"access_token", "sip_password", "SecretKey", "TmpSecretKey", "refresh_token", "apiKey", "x-telnyx-api-key", "Set-Cookie"}

// docGen builds a document from fuzz bytes; planted lists the values that
// must not survive besides the registered secret.
type docGen struct {
	shape   []byte
	i       int
	n       int // plantings so far, to make markers unique
	secret  string
	planted []string
}

func (g *docGen) next() byte {
	if g.i >= len(g.shape) {
		return 0
	}
	g.i++
	return g.shape[g.i-1]
}

// marker is a fresh value that cannot occur by chance.
func (g *docGen) marker(n int) string {
	h := fnv.New64a()
	h.Write(g.shape)
	g.n++
	m := fmt.Sprintf("mk%x%04d", h.Sum64(), g.n)
	for len(m) < n {
		m += m
	}
	return m[:max(n, 12)]
}

func (g *docGen) oddKey() string {
	k := secretKeyNames[int(g.next())%len(secretKeyNames)]
	var b strings.Builder
	for i, c := range k {
		bit := g.next()
		switch {
		case bit&1 == 1 && c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case bit&2 == 2 && c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		if bit&12 == 12 && i > 0 {
			b.WriteByte("-_."[int(bit>>4)%3])
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (g *docGen) filler() string {
	words := []string{"note", "Ext", "状态", "id=7", "url", "a:b", `"q"`, "\\", "{", "]", "token_type", "KeyId", "TokenEndpoint"}
	return words[int(g.next())%len(words)]
}

func (g *docGen) value(depth, nest int) any {
	c := g.next()
	if depth > 12 {
		return g.leaf(nest)
	}
	switch c % 4 {
	case 0:
		m := map[string]any{}
		for n := int(g.next()%4) + 1; n > 0; n-- {
			m[g.filler()+fmt.Sprint(n)] = g.value(depth+1, nest)
		}
		return m
	case 1:
		out := []any{}
		for n := int(g.next()%4) + 1; n > 0; n-- {
			out = append(out, g.value(depth+1, nest))
		}
		return out
	}
	return g.leaf(nest)
}

func (g *docGen) leaf(nest int) any {
	switch g.next() % 14 {
	case 0:
		return g.filler() + " " + g.secret + " " + g.filler()
	case 1:
		return g.secret
	case 2:
		return map[string]any{g.secret: g.filler()}
	case 3, 4:
		m := g.marker(8 + int(g.next()%30))
		g.planted = append(g.planted, m)
		if g.next()%4 == 0 {
			return map[string]any{g.oddKey(): []any{m}}
		}
		return map[string]any{g.oddKey(): m, "Name": g.filler()}
	case 5:
		m := g.marker(16)
		g.planted = append(g.planted, m)
		k := g.oddKey()
		forms := []string{k + "=" + m + " next", `{"` + k + `": "` + m + `"} trailing`, k + ": " + m + "\nnext line"}
		return g.filler() + " " + forms[int(g.next())%len(forms)]
	case 6, 7:
		if nest >= 4 { // each JSON-in-string level doubles the escaping
			return g.filler()
		}
		inner := encode(g.value(0, nest+1), g.next()&1 == 1)
		return map[string]any{"Ext": string(inner)}
	case 8:
		jwt := b64(`{"alg":"HS256","typ":"JWT"}`) + "." + b64(`{"sub":"`+g.marker(12)+`"}`) + "." + b64(g.marker(32))
		g.planted = append(g.planted, jwt, jwt[strings.LastIndexByte(jwt, '.')+1:])
		return "token " + jwt + " issued"
	case 9:
		m := g.marker(32)
		g.planted = append(g.planted, m)
		return "Authorization: Bearer " + m
	case 10:
		m := g.marker(14)
		g.planted = append(g.planted, m)
		return "dsn https://admin:" + m + "@db.example.com:5432/app"
	case 11:
		return "https://example.com/cb?k=" + url.QueryEscape(g.secret) + "&x=1"
	case 12:
		basic := base64.StdEncoding.EncodeToString([]byte("user:" + g.secret))
		g.planted = append(g.planted, basic)
		return "Basic " + basic
	}
	return g.filler()
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func encode(v any, escapeHTML bool) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
