package tools

import (
	"slices"
	"testing"
)

func TestMergePatch(t *testing.T) {
	target := map[string]any{"a": "1", "secret": "cipher", "nested": map[string]any{"x": "1", "y": "2"}, "gone": "x"}
	touched := mergePatch(target, map[string]any{"a": "2", "gone": nil, "nested": map[string]any{"y": nil, "z": "3"}, "new": "n"})
	if !slices.Equal(touched, []string{"a", "gone", "nested", "new"}) {
		t.Fatalf("touched %v", touched)
	}
	nested := target["nested"].(map[string]any)
	if target["a"] != "2" || target["secret"] != "cipher" || target["new"] != "n" || target["gone"] != nil ||
		nested["x"] != "1" || nested["y"] != nil || nested["z"] != "3" {
		t.Fatalf("merged %v", target)
	}
	if _, ok := target["gone"]; ok {
		t.Fatal("null must remove the field")
	}
}

func TestMaskedPlaceholders(t *testing.T) {
	got := maskedPlaceholders(map[string]any{"a": "******", "b": "[redacted: 12 chars]", "c": "[redacted]", "d": "**", "e": "value", "f": 1})
	if !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("got %v", got)
	}
}
