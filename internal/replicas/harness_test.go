// Package replicas_test runs several replicas of the whole server behind a
// real HAProxy (the distribution's package) and drives them through MCP
// clients: round robin in stateless mode, affinity on Mcp-Session-Id in
// stateful mode, and a replica shut down mid-run. Loopback only.
package replicas_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

const token = "replicas-test-bearer-token-0123456789"

var acct = sandbox.Account{SecretID: "AKIDreplicas", SecretKey: "replicas-secret-key-planted-0123456789", EnvID: "env-replicas-1"}

// haproxyPath finds HAProxy. .ci/run installs it and sets
// CLOUDOPS_MCP_REQUIRE_HAPROXY=1, so in CI a missing binary fails the test
// instead of skipping it.
func haproxyPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("haproxy")
	if err != nil {
		for _, c := range []string{"/usr/sbin/haproxy", "/usr/local/sbin/haproxy"} {
			if _, e := os.Stat(c); e == nil {
				return c
			}
		}
		if os.Getenv("CLOUDOPS_MCP_REQUIRE_HAPROXY") != "" {
			t.Fatal("haproxy not found; .ci/run installs it (apt-get install haproxy)")
		}
		t.Skip("haproxy not installed (apt-get install haproxy, or run .ci/run)")
	}
	return p
}

// startSandbox runs the emulated cloud every replica talks to.
func startSandbox(t *testing.T) (string, *sandbox.Server) {
	t.Helper()
	sb, err := sandbox.New(sandbox.Config{Options: []sandbox.Option{sandbox.WithAccounts(acct)}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	url, done, err := sb.Listen(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-done })
	return url, sb
}

// buildOnce builds the server binary the replicas run (the race detector
// stays in the test's clients, so 5000 calls take seconds, not minutes).
var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "cloudops-mcp-replicas-")
	if err != nil {
		return "", err
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(dir, "cloudops-mcp")
	out, err := exec.Command(goBin, "build", "-o", bin, "github.com/cloudops-mcp/cloudops-mcp").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// replica is one server process on its own loopback port.
type replica struct {
	addr string // 127.0.0.1:port
	logs *testenv.SyncBuffer
	cmd  *exec.Cmd
	done chan error
}

func startReplica(t *testing.T, sbURL string, flags ...string) *replica {
	t.Helper()
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	r := &replica{addr: fmt.Sprintf("127.0.0.1:%d", freePort(t)), logs: &testenv.SyncBuffer{}, done: make(chan error, 1)}
	args := append([]string{"--transport", "http", "--addr", r.addr, "--tcb-endpoint", sbURL, "--timeout", "10s"}, flags...)
	r.cmd = exec.Command(bin, args...)
	r.cmd.Env = append(os.Environ(), "TENCENTCLOUD_SECRETID="+acct.SecretID, "TENCENTCLOUD_SECRETKEY="+acct.SecretKey,
		"TENCENTCLOUD_TCB_ENVID="+acct.EnvID, "CLOUDOPS_MCP_HTTP_TOKEN="+token)
	r.cmd.Stdout, r.cmd.Stderr = r.logs, r.logs
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- r.cmd.Wait() }()
	t.Cleanup(func() {
		_ = r.cmd.Process.Kill()
		<-r.done
		r.done <- nil
		if t.Failed() {
			t.Logf("replica %s log (last 2 KB):\n%s", r.addr, tail(r.logs.String(), 2048))
		}
	})
	testenv.Eventually(t, "replica "+r.addr+" ready", func() bool {
		res, err := http.Get("http://" + r.addr + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	})
	return r
}

// calls is how many tool calls this replica served (its log has a line each).
func (r *replica) calls() int { return strings.Count(r.logs.String(), `"message":"tool call"`) }

// sigkill ends the process at once: no drain, connections in flight break.
func (r *replica) sigkill(t *testing.T) {
	t.Helper()
	_ = r.cmd.Process.Kill()
	<-r.done
	r.done <- nil
}

// kill sends SIGTERM: /readyz turns 503, after the drain delay the listener
// closes, in-flight calls finish, the process exits 0. It waits for the exit.
func (r *replica) kill(t *testing.T) {
	t.Helper()
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("replica %s after SIGTERM: %v", r.addr, err)
		}
		r.done <- nil
	case <-time.After(60 * time.Second):
		t.Errorf("replica %s did not exit after SIGTERM", r.addr)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// startHAProxy runs HAProxy in the foreground in front of the replicas and
// returns its MCP URL. Health checks hit /readyz every 100 ms; two failures
// take a replica out, well within the replicas' drain delay. A request whose connection to
// a replica fails before it was sent goes to another replica (retry-on
// conn-failure); nothing that reached a replica is ever re-sent.
func startHAProxy(t *testing.T, sticky bool, rs []*replica) string {
	t.Helper()
	stick := ""
	if sticky {
		stick = "session"
	}
	return startHAProxyOn(t, freePort(t), stick, "roundrobin", rs)
}

// startHAProxyOn is startHAProxy on a port chosen beforehand (the replicas
// must know the balancer's address for --public-url).
//
// stick: "" none; "session" pins on the Mcp-Session-Id header (Streamable
// HTTP); "source" pins each client address (legacy SSE: its session id is in
// the stream's body, where a balancer cannot read it).
func startHAProxyOn(t *testing.T, port int, stick, balance string, rs []*replica) string {
	t.Helper()
	bin := haproxyPath(t)
	var b strings.Builder
	fmt.Fprintf(&b, `global
    maxconn 4000
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout check 5s
    option redispatch
    retries 3
    retry-on conn-failure
frontend mcp
    bind 127.0.0.1:%d
    default_backend replicas
backend replicas
    balance %s
    option httpchk
    http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host localhost
    http-check expect status 200
    default-server inter 100ms fall 2 rise 2
`, port, balance)
	switch stick {
	case "source":
		b.WriteString(`    stick-table type ip size 10k expire 1h
    stick on src
`)
	case "session":
		b.WriteString(`    stick-table type string len 64 size 10k expire 1h
    stick store-response res.hdr(mcp-session-id)
    stick match req.hdr(mcp-session-id)
`)
	}
	for i, r := range rs {
		fmt.Fprintf(&b, "    server r%d %s check maxconn 1000\n", i, r.addr)
	}
	cfg := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(cfg, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-c", "-f", cfg).CombinedOutput(); err != nil {
		t.Fatalf("haproxy -c: %v\n%s\n%s", err, out, b.String())
	}
	var out testenv.SyncBuffer
	cmd := exec.Command(bin, "-f", cfg, "-db")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("haproxy output:\n%s", out.String())
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	testenv.Eventually(t, "HAProxy serving /readyz", func() bool {
		res, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	})
	return base + "/mcp"
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// dial connects an initialized Streamable HTTP client through the load
// balancer. Protocol versions up to 2025-11-25 keep a session (Mcp-Session-Id)
// on a stateful server; 2026-07-28 has none: every request stands alone.
func dial(t *testing.T, url, version string, opts ...client.ClientOption) *client.Client {
	t.Helper()
	tr, err := transport.NewStreamableHTTP(url, transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + token}))
	if err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(tr, opts...)
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = version
	init.Params.ClientInfo = mcp.Implementation{Name: "replicas-test", Version: "1"}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	return c
}

// describe is one read call (a signed request to the sandbox behind it).
func describe(c *client.Client) error {
	req := mcp.CallToolRequest{}
	req.Params.Name = "cloudbase_describe_client"
	req.Params.Arguments = map[string]any{"Id": acct.EnvID}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return err
	}
	if res.IsError {
		return fmt.Errorf("tool error: %s", testenv.Text(res))
	}
	if got := res.StructuredContent.(map[string]any)["Id"]; got != acct.EnvID {
		return fmt.Errorf("describe_client Id = %v", got)
	}
	return nil
}

// post sends one raw JSON-RPC POST through the load balancer.
func post(t *testing.T, url, session, body string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
	if session != "" {
		req.Header.Set("Mcp-Session-Id", session)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// elicitFunc is a scripted user answering elicitation requests.
type elicitFunc func(mcp.ElicitationRequest) (*mcp.ElicitationResult, error)

func (f elicitFunc) Elicit(_ context.Context, r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	return f(r)
}

// callsOf counts the calls of one tool this replica logged.
func (r *replica) callsOf(tool string) int {
	return strings.Count(r.logs.String(), `"tool":"`+tool+`","outcome"`)
}

var (
	errToolResult = errors.New("tool error")
	errNoError    = errors.New("no error")
)

// isToolError: the call reached a replica and the tool answered (not a
// transport failure).
func isToolError(err error) bool {
	return strings.HasPrefix(err.Error(), "tool error") || strings.HasPrefix(err.Error(), "describe_client")
}

func strings64(hexByte string) string { return strings.Repeat(hexByte, 32) }
