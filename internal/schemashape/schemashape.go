// Package schemashape reads the structure of a JSON schema — properties,
// items, additionalProperties and writeOnly — and nothing else. Walking input
// schemas decoded into map[string]any (descriptions, enums, patterns and all)
// was two thirds of start-up's allocations; this decodes only what the walks read.
package schemashape

import (
	"encoding/json"
	"errors"
)

// Shape is one schema node. A keyword of another JSON type than the field's
// (additionalProperties: false, items as an array) leaves the field nil or
// an empty Shape, which a walk treats as "nothing below", as a map lookup
// with a type assertion would.
type Shape struct {
	WriteOnly            bool              `json:"writeOnly"`
	Properties           map[string]*Shape `json:"properties"`
	Items                *Shape            `json:"items"`
	AdditionalProperties *Shape            `json:"additionalProperties"`
}

// Decode reads raw; ok is false when raw is not a JSON object.
func Decode(raw []byte) (s *Shape, ok bool) {
	s = &Shape{}
	err := json.Unmarshal(raw, s)
	var typeErr *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &typeErr) {
		return nil, false
	}
	if len(raw) > 0 && err != nil && typeErr.Field == "" { // the whole value was not an object
		return nil, false
	}
	return s, true
}
