package schemashape

import "testing"

func TestDecodeReadsStructureAndToleratesOtherTypes(t *testing.T) {
	s, ok := Decode([]byte(`{"type":"object","description":"x","additionalProperties":false,"properties":{
		"Key":{"type":"string","writeOnly":true,"enum":["a"]},
		"List":{"type":"array","items":{"properties":{"Secret":{"writeOnly":true}}}},
		"Tuple":{"items":[{"type":"string"}]},
		"Odd":{"writeOnly":"yes"},
		"Map":{"additionalProperties":{"writeOnly":true}}}}`))
	if !ok {
		t.Fatal("not decoded")
	}
	p := s.Properties
	if !empty(s.AdditionalProperties) || !p["Key"].WriteOnly || !p["List"].Items.Properties["Secret"].WriteOnly ||
		!empty(p["Tuple"].Items) || p["Odd"].WriteOnly || !p["Map"].AdditionalProperties.WriteOnly {
		t.Fatalf("decoded %+v", s)
	}
	for _, bad := range []string{``, `[]`, `"s"`, `{`} {
		if _, ok := Decode([]byte(bad)); ok {
			t.Errorf("%q decoded", bad)
		}
	}
}

func empty(s *Shape) bool {
	return s == nil || (!s.WriteOnly && s.Properties == nil && empty(s.Items) && empty(s.AdditionalProperties))
}
