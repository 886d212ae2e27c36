package rpcerr

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestExplainExtendsOnlyNotFoundMessages(t *testing.T) {
	ex := func(kind, name string) string { return "kind " + kind + ", name " + name }
	for _, c := range []struct{ in, want string }{
		{`{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"tool 'a\"b' not found: tool not found"}}`, `tool 'a"b' not found: tool not found. kind tool, name a"b`},
		{`{"jsonrpc":"2.0","id":2,"error":{"code":-32602,"message":"prompt 'p' not found: prompt not found"}}`, "kind prompt, name p"},
		{`{"jsonrpc":"2.0","id":3,"error":{"code":-32002,"message":"handler not found for resource URI 'x://y': resource not found"}}`, "kind resource, name x://y"},
	} {
		out := explain([]byte(c.in), ex)
		var m struct {
			Error struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal(out, &m); err != nil || !strings.Contains(m.Error.Message, c.want) || m.Error.Code == 0 {
			t.Errorf("%s → %s (%v)", c.in, out, err)
		}
	}
	result := `{"jsonrpc":"2.0","id":4,"result":{"content":[{"type":"text","text":"\"message\":\"tool 'x' not found: tool not found\""}]}}`
	if out := explain([]byte(result), ex); string(out) != result {
		t.Errorf("a result was changed: %s", out)
	}
	if out := explain([]byte(`{"error":{"message":"tool 'x' not found: tool not found"}}`), nil); !strings.HasSuffix(string(out), `found"}}`) {
		t.Errorf("no explainer: %s", out)
	}
}
