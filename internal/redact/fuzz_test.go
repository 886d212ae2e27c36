package redact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"
	"testing"
)

const fuzzRegistered = "R3gisteredS3cret_value-0042"

var fuzzSecretKeys = []string{"ClientSecret", "password", "access_token", "x-tc-token", "ApiKey", "SessionToken", "Authorization", "private_key", "AccountPassword", "Cookie"}

// plantDoc builds a JSON document from fuzz input: a secret (kind: registered
// secret in text, JWT in text, or a value under a secret key name) wrapped at
// a depth chosen by path in objects, arrays and JSON-in-string levels (Ext),
// with the fuzzed filler text around it. It returns the document and the
// strings that must not survive redaction.
func plantDoc(filler string, path uint32, kind uint8) ([]byte, []string) {
	h := fnv.New64a()
	h.Write([]byte(filler))
	named := fmt.Sprintf("kv-%016x-val", h.Sum64()) // cannot occur in the filler by chance
	var leaf any
	var secrets []string
	switch kind % 3 {
	case 0:
		leaf, secrets = filler+" "+fuzzRegistered+" "+filler, []string{fuzzRegistered}
	case 1:
		leaf, secrets = filler+" "+testJWT+" "+filler, []string{testJWT, testJWT[strings.LastIndexByte(testJWT, '.'):]}
	case 2:
		leaf = map[string]any{fuzzSecretKeys[int(path)%len(fuzzSecretKeys)]: named, "f": filler}
		secrets = []string{named}
	}
	inString := 0
	for i := 0; i < int(path>>27); i++ { // depth 0..31
		switch (path >> (i % 13 * 2)) & 3 {
		case 0:
			leaf = map[string]any{"k": leaf, "filler": filler}
		case 1:
			leaf = []any{filler, leaf, 1.5}
		default: // JSON in a string, as CloudBase's Ext; bounded: each level doubles the escapes
			if inString++; inString > 5 {
				continue
			}
			b := marshal(leaf, kind&4 != 0)
			if (path>>(i%13*2))&3 == 2 {
				leaf = string(b)
			} else {
				leaf = map[string]any{"Ext": string(b)}
			}
		}
	}
	return marshal(leaf, kind&4 != 0), secrets
}

// marshal encodes like encoding/json, optionally without HTML escaping.
func marshal(v any, escapeHTML bool) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(v)
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func FuzzJSONNoPlantedSecretSurvives(f *testing.F) {
	for _, filler := range []string{"", "hello", `{"a":1}`, "token=", "eyJ", `\"`, `\\u0041`, "-----BEGIN " + "PRIVATE KEY-----",
		"Bearer ", "Basic ", "中文说明", "\x00\xff<&>", "password: ", "[redacted: 3 chars]", "KEY", "https://u:p@h", "{", "]"} {
		for kind := uint8(0); kind < 8; kind++ {
			f.Add(filler, uint32(kind)*0x2345677+uint32(kind)<<28, kind)
		}
	}
	r := New(Options{})
	r.AddSecret(fuzzRegistered)
	f.Fuzz(func(t *testing.T, filler string, path uint32, kind uint8) {
		doc, secrets := plantDoc(filler, path, kind)
		out := r.JSON(doc)
		if !json.Valid(out) {
			t.Fatalf("valid input, invalid output\nin  %s\nout %s", doc, out)
		}
		text := r.String(string(doc))
		for _, s := range secrets {
			if bytes.Contains(out, []byte(s)) {
				t.Fatalf("JSON: %q survives\nin  %s\nout %s", s, doc, out)
			}
			if strings.Contains(text, s) {
				t.Fatalf("String: %q survives\nin  %s\nout %s", s, doc, text)
			}
		}
		if again := r.JSON(out); !bytes.Equal(again, out) {
			t.Fatalf("not idempotent\n1st %s\n2nd %s", out, again)
		}
		// The filler on its own: valid JSON stays valid.
		if raw := []byte(filler); json.Valid(raw) && !json.Valid(r.JSON(raw)) {
			t.Fatalf("valid filler, invalid output %s", r.JSON(raw))
		}
	})
}
