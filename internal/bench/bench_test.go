package bench_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/client"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/internal/bench"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// Go benchmarks of the hot paths, for `go test -bench . -benchmem` and
// benchstat comparisons (`make bench` runs them with -count 6).

var (
	serverOnce sync.Once
	server     *bench.Server
	serverErr  error
)

// sharedServer is one in-process server for all benchmarks of the binary.
func sharedServer(b *testing.B) *bench.Server {
	b.Helper()
	serverOnce.Do(func() { server, serverErr = bench.StartServer() })
	if serverErr != nil {
		b.Fatal(serverErr)
	}
	return server
}

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(runChild())
	}
	code := m.Run()
	if server != nil {
		server.Close()
	}
	os.Exit(code)
}

const readCall = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"cloudbase_get_login_config","arguments":{}}}`

// BenchmarkToolCallInProcess: JSON-RPC in, through validation, the tool, the
// signed HTTP call to the sandbox and redaction, JSON-RPC out; no MCP transport.
func BenchmarkToolCallInProcess(b *testing.B) {
	s := sharedServer(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if resp := s.App.MCP.HandleMessage(ctx, json.RawMessage(readCall)); resp == nil {
			b.Fatal("no response")
		}
	}
}

// BenchmarkToolCallStreamableHTTP is the same call from an MCP client over Streamable HTTP.
func BenchmarkToolCallStreamableHTTP(b *testing.B) {
	for _, sessions := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("sessions=%d", sessions), func(b *testing.B) {
			pool := sessionPool(b, sessions)
			b.SetParallelism((sessions + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				c := <-pool
				defer func() { pool <- c }()
				for pb.Next() {
					res, err := bench.CallTool(context.Background(), c, "cloudbase_get_login_config", nil)
					if err != nil || res.IsError {
						b.Errorf("call: %v %v", err, res)
						return
					}
				}
			})
		})
	}
}

func sessionPool(b *testing.B, n int) chan *client.Client {
	s := sharedServer(b)
	pool := make(chan *client.Client, n)
	for i := 0; i < n; i++ {
		c, err := bench.NewSession(context.Background(), s.URL)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = c.Close() })
		pool <- c
	}
	return pool
}

// BenchmarkDirectClientCall is the cloud call the tool wraps, without MCP.
func BenchmarkDirectClientCall(b *testing.B) {
	s := sharedServer(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tcb.ClientKey.Get(s.App.Deps.Clients).DescribeLoginConfig(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkArgumentRejection: decoding and schema validation of bad
// arguments and the tool error, with no cloud call.
func BenchmarkArgumentRejection(b *testing.B) {
	s := sharedServer(b)
	ctx := context.Background()
	msg := json.RawMessage(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"cloudbase_describe_api_key_list","arguments":{"PageSize":1000,"KeyType":"nope","Extra":true}}}`)
	b.ReportAllocs()
	for b.Loop() {
		s.App.MCP.HandleMessage(ctx, msg)
	}
}

// BenchmarkToolsList renders the whole catalogue.
func BenchmarkToolsList(b *testing.B) {
	s := sharedServer(b)
	ctx := context.Background()
	msg := json.RawMessage(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
	b.ReportAllocs()
	for b.Loop() {
		raw, _ := json.Marshal(s.App.MCP.HandleMessage(ctx, msg))
		b.SetBytes(int64(len(raw)))
	}
}

// BenchmarkResultRendering: marshal, redact and re-decode a tool's output.
func BenchmarkResultRendering(b *testing.B) {
	s := sharedServer(b)
	out, err := tcb.ClientKey.Get(s.App.Deps.Clients).DescribeLoginConfig(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.App.Deps.Result(out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRedactJSON and BenchmarkPlainRoundTrip use the same CloudBase-like
// documents with two levels of JSON-in-string Ext.
func BenchmarkRedactJSON(b *testing.B) {
	r := redact.New(redact.Options{})
	r.AddSecret("AKIDsecretkey-0123456789abcdefghij", "session-token-zyxwvutsrqponm")
	for _, size := range []int{1 << 10, 100 << 10, 5 << 20} {
		doc := bench.RedactionDoc(size)
		b.Run(sizeName(size), func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				r.JSON(doc)
			}
		})
	}
}

func BenchmarkPlainRoundTrip(b *testing.B) {
	for _, size := range []int{1 << 10, 100 << 10, 5 << 20} {
		doc := bench.RedactionDoc(size)
		b.Run(sizeName(size), func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				var v any
				if err := json.Unmarshal(doc, &v); err != nil {
					b.Fatal(err)
				}
				if _, err := json.Marshal(v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func sizeName(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%dMB", n>>20)
	}
	return fmt.Sprintf("%dKB", n>>10)
}
