package tools

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/invopop/jsonschema"
)

// reflectSchema returns T's JSON schema with every nested object inlined (no
// $ref/$defs: some clients cannot follow them) and no $schema/$id noise.
func reflectSchema[T any]() (json.RawMessage, map[string]any) {
	r := &jsonschema.Reflector{DoNotReference: true, ExpandedStruct: true}
	s := r.Reflect(new(T))
	s.Version = ""
	s.ID = ""
	raw, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("schema of %s: %v", reflect.TypeFor[T](), err))
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		panic(err)
	}
	if m["type"] != "object" {
		panic(fmt.Sprintf("schema of %s: tool schemas must be objects", reflect.TypeFor[T]()))
	}
	if _, ok := m["properties"]; !ok {
		m["properties"] = map[string]any{} // some clients require it even when empty
		raw, _ = json.Marshal(m)
	}
	return raw, m
}

// inputOnlyKeywords constrain what a caller may send. An output schema keeps
// only the shape (types, properties, items, required): the cloud, not us,
// decides output values, and a client that validates structured content must
// not reject an answer because the cloud added an enum value or sent a URL we
// would not accept as input. It also halves the catalogue the model reads.
var inputOnlyKeywords = []string{"enum", "const", "format", "pattern", "minimum", "maximum", "exclusiveMinimum",
	"exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems", "anyOf", "oneOf", "additionalProperties", "description", "writeOnly"}

// shapeOnly strips inputOnlyKeywords from an output schema, recursively.
func shapeOnly(m map[string]any) {
	for _, k := range inputOnlyKeywords {
		delete(m, k)
	}
	if props, ok := m["properties"].(map[string]any); ok {
		for _, p := range props {
			if pm, ok := p.(map[string]any); ok {
				shapeOnly(pm)
			}
		}
	}
	if items, ok := m["items"].(map[string]any); ok {
		shapeOnly(items)
	}
	if ap, ok := m["additionalProperties"].(map[string]any); ok {
		shapeOnly(ap)
	}
}

// outline cuts an output schema to the result's outline: its own fields and
// the fields of the objects it lists, each with its JSON type. Objects nested
// deeper are typed "object" only: their fields are the ones the read tool's
// result shows (or a change tool's input declares), and spelling them out in
// every change tool's Before and After made up a third of tools/list.
func outline(m map[string]any) {
	props, _ := m["properties"].(map[string]any)
	for name, p := range props {
		pm, ok := p.(map[string]any)
		if !ok {
			continue
		}
		if items, ok := pm["items"].(map[string]any); ok && pm["type"] == "array" {
			if ip, ok := items["properties"].(map[string]any); ok {
				for n, f := range ip {
					if fm, ok := f.(map[string]any); ok {
						ip[n] = typeOnly(fm)
					}
				}
				continue
			}
		}
		props[name] = typeOnly(pm)
	}
}

// typeOnly keeps a schema's type, and an array's item type when that is a
// scalar.
func typeOnly(m map[string]any) map[string]any {
	out := map[string]any{}
	if t, ok := m["type"]; ok {
		out["type"] = t
	}
	if items, ok := m["items"].(map[string]any); ok {
		if _, nested := items["properties"]; !nested {
			out["items"] = typeOnly(items)
		}
	}
	return out
}

// schemaAt walks a reflected schema to the node describing the instance at path.
func schemaAt(root map[string]any, path []string) map[string]any {
	node := root
	for _, p := range path {
		if props, ok := node["properties"].(map[string]any); ok {
			if next, ok := props[p].(map[string]any); ok {
				node = next
				continue
			}
		}
		if items, ok := node["items"].(map[string]any); ok {
			node = items
			continue
		}
		return nil
	}
	return node
}
