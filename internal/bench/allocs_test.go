package bench_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	mcpserver "github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/bench/bare"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
)

// BenchmarkServerAllocs counts the allocations of one MCP tool call in a
// server process: the sandbox and the bare server's upstream run in a child
// process (this test binary re-executed), so what -benchmem reports is the
// server plus a minimal raw HTTP client. The client's own share is the
// "client-only" case (the same requests answered by a fixed handler in the
// child); subtract it to get the server's. Run with -benchmem:
//
//	go test -run '^$' -bench ServerAllocs -benchmem ./internal/bench
func BenchmarkServerAllocs(b *testing.B) {
	sbURL, upURL := startChild(b)
	b.Run("client-only", func(b *testing.B) { rawCalls(b, upURL, false) })
	b.Run("bare", func(b *testing.B) { rawCalls(b, serveBare(b, ""), true) })
	b.Run("bare+http", func(b *testing.B) { rawCalls(b, serveBare(b, upURL), true) })
	b.Run("cloudops-mcp", func(b *testing.B) { rawCalls(b, serveOurs(b, sbURL), true) })
}

const childEnv = "CLOUDOPS_BENCH_CHILD"

// runChild serves the sandbox and the trivial upstream, prints both URLs and
// runs until stdin closes.
func runChild() int {
	sb, err := sandbox.New(sandbox.Config{Options: []sandbox.Option{sandbox.WithAccounts(sandbox.Account{SecretID: sandbox.DefaultSecretID,
		SecretKey: sandbox.DefaultSecretKey, EnvID: sandbox.DefaultEnvID})}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sbURL, _, err := sb.Listen(ctx, "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	go func() { _ = http.Serve(ln, bare.Upstream()) }()
	fmt.Printf("%s http://%s/\n", sbURL, ln.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}

func startChild(b *testing.B) (sandboxURL, upstreamURL string) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = stdin.Close(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	f := strings.Fields(line)
	if err != nil || len(f) != 2 {
		b.Fatalf("child: %q %v", line, err)
	}
	return f[0], f[1]
}

func serveHandler(b *testing.B, h http.Handler) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := &http.Server{Handler: h}
	go func() { _ = hs.Serve(ln) }()
	b.Cleanup(func() { _ = hs.Close() })
	return "http://" + ln.Addr().String() + "/mcp"
}

func serveBare(b *testing.B, upstream string) string {
	return serveHandler(b, mcpserver.NewStreamableHTTPServer(bare.NewServer(upstream)))
}

// serveOurs builds cloudops-mcp as main does (logs at the default level, to
// io.Discard) against the sandbox in the child.
func serveOurs(b *testing.B, sandboxURL string) string {
	b.Helper()
	env := map[string]string{"TENCENTCLOUD_SECRETID": sandbox.DefaultSecretID, "TENCENTCLOUD_SECRETKEY": sandbox.DefaultSecretKey,
		"TELNYX_API_KEY": sandbox.DefaultTelnyxAPIKey}
	cfg, err := config.Parse([]string{"--transport", "http", "--addr", "127.0.0.1:0", "--env-id", sandbox.DefaultEnvID,
		"--tcb-endpoint", sandboxURL, "--tcb-http-endpoint", sandboxURL, "--telnyx-endpoint", sandboxURL},
		func(k string) string { return env[k] }, &bytes.Buffer{})
	if err != nil {
		b.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	hs, err := a.ListenHTTP()
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = hs.Serve(ctx) }()
	b.Cleanup(func() { cancel(); <-done; a.Close() })
	return hs.URL()
}

// rawCalls posts the same tools/call b.N times with a plain net/http client
// (mcp=true: after an MCP initialize, with the session header).
func rawCalls(b *testing.B, url string, mcp bool) {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4, IdleConnTimeout: time.Minute}}
	header := http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json, text/event-stream"}}
	post := func(body string) *http.Response {
		req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header = header.Clone()
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		return resp
	}
	if mcp {
		resp := post(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"b","version":"1"}}}`)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if id := resp.Header.Get("Mcp-Session-Id"); id != "" {
			header.Set("Mcp-Session-Id", id)
		}
		header.Set("Mcp-Protocol-Version", "2025-06-18")
		resp = post(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	call := `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"` + bare.ToolName + `","arguments":{}}}`
	buf := make([]byte, 64<<10)
	check := func() {
		resp := post(call)
		n, _ := io.ReadFull(resp.Body, buf)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || (mcp && !bytes.Contains(buf[:n], []byte(`"PhoneNumberLogin"`))) || bytes.Contains(buf[:n], []byte(`"isError":true`)) {
			b.Fatalf("call: %d %.300s", resp.StatusCode, buf[:n])
		}
	}
	check() // warm: connections, lazily built validators
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp := post(call)
		_, _ = io.ReadFull(resp.Body, buf)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	b.StopTimer()
	check()
}
