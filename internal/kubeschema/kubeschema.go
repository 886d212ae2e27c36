// Package kubeschema turns the Kubernetes OpenAPI v2 document (the
// project's own api/openapi-spec/swagger.json, shipped in the
// k8s.io/kubernetes Go module) into JSON schemas laid out the way
// kubeconform looks them up, so manifests can be validated offline:
// one file per kind and version, <kind>-<group>-<version>.json ("-v1" for
// the core group), each holding the definitions it reaches.
//
// Strict: every object that lists its properties refuses others, as the API
// server's strict field validation does. Optional fields may be null (YAML
// "key:" with no value), int-or-string fields take either, quantities take a
// string or a number.
package kubeschema

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Location is the -schema-location template for a directory Generate wrote.
func Location(dir string) string {
	return filepath.Join(dir, "{{ .ResourceKind }}{{ .KindSuffix }}.json")
}

type gvk struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
}

const refPrefix = "#/definitions/"

// Generate reads swagger.json and writes one schema per kind into dir. It
// returns the file names written.
func Generate(swaggerPath, dir string) ([]string, error) {
	raw, err := os.ReadFile(swaggerPath)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Definitions map[string]map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", swaggerPath, err)
	}
	if len(doc.Definitions) == 0 {
		return nil, fmt.Errorf("%s: no definitions", swaggerPath)
	}
	defs := map[string]any{}
	for name, d := range doc.Definitions {
		defs[name] = strictify(d, name)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	var written []string
	names := make([]string, 0, len(doc.Definitions))
	for n := range doc.Definitions {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		var kinds []gvk
		if x, ok := doc.Definitions[name]["x-kubernetes-group-version-kind"]; ok {
			b, _ := json.Marshal(x)
			_ = json.Unmarshal(b, &kinds)
		}
		for _, k := range kinds {
			if k.Kind == "" || k.Version == "" {
				continue
			}
			reach := map[string]any{}
			collect(defs, name, reach)
			root := map[string]any{"$ref": refPrefix + name, "definitions": reach}
			// apiVersion and kind must name this very kind.
			apiVersion := k.Version
			if k.Group != "" {
				apiVersion = k.Group + "/" + k.Version
			}
			root["properties"] = map[string]any{
				"apiVersion": map[string]any{"enum": []string{apiVersion}},
				"kind":       map[string]any{"enum": []string{k.Kind}},
			}
			out, err := json.Marshal(root)
			if err != nil {
				return nil, err
			}
			file := strings.ToLower(k.Kind) + suffix(k) + ".json"
			if err := os.WriteFile(filepath.Join(dir, file), out, 0o600); err != nil {
				return nil, err
			}
			written = append(written, file)
		}
	}
	return written, nil
}

// suffix is kubeconform's KindSuffix: "-<first label of the group>-<version>", or "-<version>" for core.
func suffix(k gvk) string {
	if k.Group == "" {
		return "-" + strings.ToLower(k.Version)
	}
	return "-" + strings.ToLower(strings.Split(k.Group, ".")[0]) + "-" + strings.ToLower(k.Version)
}

// collect adds name and every definition it references to reach.
func collect(defs map[string]any, name string, reach map[string]any) {
	if _, seen := reach[name]; seen {
		return
	}
	d, ok := defs[name]
	if !ok {
		return
	}
	reach[name] = d
	walkRefs(d, func(ref string) { collect(defs, ref, reach) })
}

func walkRefs(v any, f func(string)) {
	switch x := v.(type) {
	case map[string]any:
		if r, ok := x["$ref"].(string); ok && strings.HasPrefix(r, refPrefix) {
			f(strings.TrimPrefix(r, refPrefix))
		}
		for _, c := range x {
			walkRefs(c, f)
		}
	case []any:
		for _, c := range x {
			walkRefs(c, f)
		}
	}
}

// strictify rewrites one definition (a copy) into strict JSON Schema.
func strictify(d map[string]any, name string) any {
	switch name {
	case "io.k8s.apimachinery.pkg.api.resource.Quantity":
		return map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "number"}}}
	case "io.k8s.apimachinery.pkg.util.intstr.IntOrString":
		return map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}}
	}
	return fix(d).(map[string]any)
}

func fix(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, c := range x {
			if strings.HasPrefix(k, "x-kubernetes-") {
				continue // extensions, not validation keywords
			}
			out[k] = fix(c)
		}
		if out["format"] == "int-or-string" {
			delete(out, "type")
			delete(out, "format")
			out["oneOf"] = []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}
		}
		if props, ok := out["properties"].(map[string]any); ok {
			if _, set := out["additionalProperties"]; !set {
				out["additionalProperties"] = false
			}
			required := map[string]bool{}
			if rs, ok := out["required"].([]any); ok {
				for _, r := range rs {
					if s, ok := r.(string); ok {
						required[s] = true
					}
				}
			}
			for pn, p := range props {
				if pm, ok := p.(map[string]any); ok && !required[pn] {
					props[pn] = nullable(pm)
				}
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, c := range x {
			out[i] = fix(c)
		}
		return out
	default:
		return v
	}
}

// nullable lets an optional property be null.
func nullable(p map[string]any) map[string]any {
	if t, ok := p["type"].(string); ok {
		p["type"] = []any{t, "null"}
		return p
	}
	if _, ok := p["$ref"]; ok {
		return map[string]any{"anyOf": []any{p, map[string]any{"type": "null"}}}
	}
	return p
}
