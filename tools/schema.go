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
