package rpcerr

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestFix(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"invalid arguments: a: required"}}`,
			`{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"invalid arguments: a: required"}}`},
		{`{"jsonrpc":"2.0","id":2,"error":{"code":-32603,"message":"no such resource: x://y"}}` + "\n",
			`{"jsonrpc":"2.0","id":2,"error":{"code":-32002,"message":"no such resource: x://y"}}` + "\n"},
		{`{"jsonrpc":"2.0","id":5,"error":{"code":-32603,"message":"unknown resource: x://y"}}`,
			`{"jsonrpc":"2.0","id":5,"error":{"code":-32602,"message":"unknown resource: x://y"}}`},
		{`{"jsonrpc":"2.0","id":6,"error":{"code":-32603,"message":"not served here: x: --read-only"}}`,
			`{"jsonrpc":"2.0","id":6,"error":{"code":-32602,"message":"not served here: x: --read-only"}}`},
		// An id cannot fake a result member: its quotes are escaped.
		{`{"jsonrpc":"2.0","id":"\"result\":","error":{"code":-32603,"message":"invalid arguments: a"}}`,
			`{"jsonrpc":"2.0","id":"\"result\":","error":{"code":-32602,"message":"invalid arguments: a"}}`},
		// A notification carrying the pattern in its params is left alone.
		{`{"jsonrpc":"2.0","method":"notifications/message","params":{"data":{"code":-32603,"message":"invalid arguments: x"}}}`,
			`{"jsonrpc":"2.0","method":"notifications/message","params":{"data":{"code":-32603,"message":"invalid arguments: x"}}}`},
		// An internal error keeps its code.
		{`{"jsonrpc":"2.0","id":3,"error":{"code":-32603,"message":"reading x: cloud down"}}`,
			`{"jsonrpc":"2.0","id":3,"error":{"code":-32603,"message":"reading x: cloud down"}}`},
		// The pattern inside a string value is escaped and left alone.
		{`{"jsonrpc":"2.0","id":4,"result":{"text":"\"code\":-32603,\"message\":\"invalid arguments: x"}}`,
			`{"jsonrpc":"2.0","id":4,"result":{"text":"\"code\":-32603,\"message\":\"invalid arguments: x"}}`},
		{"event: message\ndata: {\"error\":{\"code\":-32603,\"message\":\"invalid arguments: p\"}}\n\n",
			"event: message\ndata: {\"error\":{\"code\":-32602,\"message\":\"invalid arguments: p\"}}\n\n"},
	}
	for _, c := range cases {
		in := []byte(c.in)
		if got := Fix(in); string(got) != c.want {
			t.Errorf("Fix(%s)\n got %s\nwant %s", c.in, got, c.want)
		}
		if string(in) != c.in {
			t.Errorf("Fix modified its input: %s", in)
		}
	}
}

func TestWriterAndHandler(t *testing.T) {
	msg := `{"error":{"code":-32603,"message":"no such resource: a"}}`
	var b bytes.Buffer
	n, err := Writer(&b).Write([]byte(msg))
	if err != nil || n != len(msg) || !bytes.Contains(b.Bytes(), []byte("-32002")) {
		t.Fatalf("Writer: %d %v %s", n, err, b.String())
	}
	rec := httptest.NewRecorder()
	Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(msg))
		w.(http.Flusher).Flush()
	})).ServeHTTP(rec, httptest.NewRequest("POST", "/", nil))
	if !bytes.Contains(rec.Body.Bytes(), []byte("-32002")) || !rec.Flushed {
		t.Fatalf("Handler: %s flushed=%v", rec.Body.String(), rec.Flushed)
	}
}

func TestResourceNotFoundFollowsProtocol(t *testing.T) {
	if got := ResourceNotFound(context.Background(), "x").Error(); got != "no such resource: x" {
		t.Fatal(got)
	}
	if got := InvalidParams("a: required").Error(); got != "invalid arguments: a: required" {
		t.Fatal(got)
	}
}

// BenchmarkFix measures what every written message pays: a 4 KB result
// (the common case, only scanned) and an error that is rewritten.
func BenchmarkFix(b *testing.B) {
	result := []byte(`{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"` + string(bytes.Repeat([]byte("x"), 4000)) + `"}]}}`)
	rewritten := []byte(`{"jsonrpc":"2.0","id":8,"error":{"code":-32603,"message":"invalid arguments: enable: each item must be one of phone, email, username, anonymous"}}`)
	b.Run("result-4KB", func(b *testing.B) {
		b.SetBytes(int64(len(result)))
		for range b.N {
			_ = Fix(result)
		}
	})
	// The yardstick: the copy every transport write makes anyway.
	b.Run("copy-4KB", func(b *testing.B) {
		b.SetBytes(int64(len(result)))
		dst := make([]byte, len(result))
		for range b.N {
			copy(dst, result)
		}
	})
	b.Run("error-rewritten", func(b *testing.B) {
		for range b.N {
			_ = Fix(rewritten)
		}
	})
}
