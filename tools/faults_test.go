package tools_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// faultCase is one way the cloud can misbehave, and what the tool must make of it.
type faultCase struct {
	name   string
	faults sandbox.Faults
	// applied: the sandbox handled the request (its effect persists) before failing.
	applied bool
	// ok: the client recovers on its own (a retry of a request that was rejected before execution).
	ok bool
	// mayRecover: a read may be asked again after a lost answer, so success is fine too.
	mayRecover bool
	// want: fragments the error text must hold (clear: names the operation and what to do).
	want []string
}

// faultTarget is one operation of one cloud client, reached through its tool.
type faultTarget struct {
	tool  string
	args  func(n int) map[string]any
	match func(*http.Request) bool
	// count is the sandbox's counter of the operation actually handled.
	count string
	// op names the operation in error texts.
	op string
	// checkWith is the read tool a create's error must name; "" for reads.
	checkWith string
	// rateLimited are fragments of the error when every attempt is rate limited.
	rateLimited []string
	// noRateLimitRetry: the client answers a rate limit with a clear error
	// instead of retrying (the HTTP API client's choice for changes).
	noRateLimitRetry bool
	// rawBody: the tool returns any 200 body as text, so a garbled one is a success.
	rawBody bool
	// cleanup undoes a case's effect where a quota would stop the next one.
	cleanup func(e *testenv.Env)
}

func (ft faultTarget) cases() []faultCase {
	mutating := ft.checkWith != ""
	unclear := []string{ft.op}
	if mutating {
		unclear = []string{ft.op, "outcome unknown", "not retried", "check with " + ft.checkWith}
	}
	cases := []faultCase{
		{name: "rate_limited_twice", faults: sandbox.Faults{RateLimit: 2, Match: ft.match}, ok: !ft.noRateLimitRetry,
			want: map[bool][]string{true: ft.rateLimited}[ft.noRateLimitRetry]},
		{name: "rate_limited_always", faults: sandbox.Faults{RateLimit: 100, Match: ft.match}, want: append([]string{ft.op}, ft.rateLimited...)},
	}
	for _, after := range []bool{false, true} {
		when := map[bool]string{false: "before_apply", true: "after_apply"}[after]
		for _, f := range []struct {
			name   string
			faults sandbox.Faults
		}{
			{"status_500", sandbox.Faults{Status500: 1}},
			{"malformed_json", sandbox.Faults{MalformedJSON: 1}},
			{"connection_reset", sandbox.Faults{ConnectionReset: 1}},
			{"cut_body", sandbox.Faults{CutBody: 1}},
		} {
			fs := f.faults
			fs.AfterApply, fs.Match = after, ft.match
			garbled := ft.rawBody && f.faults.MalformedJSON > 0
			cases = append(cases, faultCase{name: f.name + "_" + when, faults: fs, applied: after, mayRecover: !mutating || garbled, want: unclear})
		}
	}
	return cases
}

// faultTargets: a read and a create of every cloud client the tools use.
var faultTargets = []faultTarget{
	{tool: "cloudbase_get_login_config", match: sandbox.MatchTCBAction("DescribeLoginConfig"), count: "DescribeLoginConfig",
		op: "DescribeLoginConfig", rateLimited: []string{"RequestLimitExceeded", "RequestId", "Wait a few seconds"}},
	{tool: "cloudbase_create_api_key", match: sandbox.MatchTCBAction("CreateApiKey"), count: "CreateApiKey",
		args: func(n int) map[string]any {
			return map[string]any{"KeyType": "api_key", "KeyName": fmt.Sprintf("faulty-%d", n), "deliverTo": fmt.Sprintf("faulty-%d.key", n)}
		},
		op: "CreateApiKey", checkWith: "cloudbase_describe_api_key_list", rateLimited: []string{"RequestLimitExceeded", "RequestId"}},
	{tool: "cloudbase_create_user_key", match: sandbox.MatchTCBAction("CreateUserKey"), count: "CreateUserKey",
		args: func(n int) map[string]any {
			return map[string]any{"name": fmt.Sprintf("faulty-%d", n), "keyId": fmt.Sprintf("faulty-%d", n),
				"authTypeCode": "openai_api_key", "ext": `{"apiKey":"sk-planted-fault-test-0123456789","baseUrl":"https://api.example.com/v1"}`}
		},
		op: "CreateUserKey", checkWith: "cloudbase_list_user_keys", rateLimited: []string{"RequestLimitExceeded"}},
	{tool: "cloudbase_query_records", match: sandbox.MatchPath("GET", "/weda/odata/"), count: "odata:GET",
		args: func(int) map[string]any { return map[string]any{"datasource": "todo"} }, op: "todo", rateLimited: []string{"EXCEED_RATELIMIT"}},
	{tool: "cloudbase_http_request", match: sandbox.MatchPath("POST", "/weda/odata/"), count: "odata:POST",
		args: func(n int) map[string]any {
			return map[string]any{"method": "POST", "path": "/weda/odata/v1/prod/todo", "body": map[string]any{"title": fmt.Sprintf("faulty %d", n)}}
		},
		op: "POST", checkWith: "cloudbase_query_records", rateLimited: []string{"EXCEED_RATELIMIT", "wait a few seconds"},
		noRateLimitRetry: true, rawBody: true},
	{tool: "telnyx_list_billing_groups", match: sandbox.MatchPath("GET", "/v2/billing_groups"), count: "GET /v2/billing_groups",
		op: "GET /billing_groups", rateLimited: []string{"429"}},
	{tool: "telnyx_create_billing_group", match: sandbox.MatchPath("POST", "/v2/billing_groups"), count: "POST /v2/billing_groups",
		args: func(n int) map[string]any { return map[string]any{"name": fmt.Sprintf("faulty %d", n)} },
		op:   "POST /billing_groups", checkWith: "telnyx_list_billing_groups", rateLimited: []string{"429"}},
}

// TestFaultsEveryCallEndsCleanly drives a read and a create of every cloud
// client through every fault: each call ends in a success or an error that
// names the operation and what to do; a create reaches the cloud at most once
// (exactly once when the fault came after it was applied); nothing secret
// leaks; the server keeps serving.
func TestFaultsEveryCallEndsCleanly(t *testing.T) {
	for _, ft := range faultTargets {
		// One server per target: the cases run one after another on it, so
		// each also proves the previous fault left nothing broken behind.
		e := testenv.New(t)
		e.FastRetries()
		for i, fc := range ft.cases() {
			t.Run(ft.tool+"/"+fc.name, func(t *testing.T) {
				if ft.cleanup != nil {
					defer ft.cleanup(e)
				}
				var args map[string]any
				if ft.args != nil {
					args = ft.args(i)
				}
				before := e.App.Sandbox.Count(ft.count)
				e.App.Sandbox.SetFaults(fc.faults)
				res := e.Call(ft.tool, args)
				e.App.Sandbox.SetFaults(sandbox.Faults{})
				text := testenv.Text(res)
				switch {
				case fc.ok && res.IsError:
					t.Fatalf("want recovery, got error: %s", text)
				case !fc.ok && !fc.mayRecover && !res.IsError:
					t.Fatalf("want a tool error, got success: %s", text)
				}
				if res.IsError {
					for _, w := range fc.want {
						if !strings.Contains(text, w) {
							t.Errorf("error %q lacks %q", text, w)
						}
					}
				}
				for _, secret := range []string{sandbox.DefaultSecretKey, sandbox.DefaultTelnyxAPIKey, "sk-planted-fault-test-0123456789"} {
					if strings.Contains(testenv.JSON(res), secret) || strings.Contains(e.Logs.String(), secret) {
						t.Fatalf("%s leaked into the result or the logs", secret)
					}
				}
				if ft.checkWith != "" {
					want := 0
					if fc.ok || fc.applied {
						want = 1
					}
					if n := e.App.Sandbox.Count(ft.count) - before; n != want {
						t.Fatalf("create handled %d times, want %d (never duplicated, never silently lost)", n, want)
					}
				}
				// Still serving, on the same connection pools.
				e.OK("cloudbase_get_login_config", nil)
				e.OK("telnyx_list_billing_groups", nil)
				e.OK("cloudbase_query_records", map[string]any{"datasource": "todo"})
			})
		}
	}
}

// TestFaultsCancellationStopsWork cancels each create while the cloud is
// slow: the call returns saying it was cancelled, the sandbox sees the client
// leave and never runs the change, and the server keeps serving.
func TestFaultsCancellationStopsWork(t *testing.T) {
	e := testenv.New(t)
	for i, ft := range faultTargets {
		if ft.checkWith == "" {
			continue
		}
		t.Run(ft.tool, func(t *testing.T) {
			sb := e.App.Sandbox
			delayed, dropped, handled := sb.Count("fault:"+sandbox.FaultDelayed), sb.Count("fault:"+sandbox.FaultDropped), sb.Count(ft.count)
			sb.SetFaults(sandbox.Faults{Latency: time.Minute, Match: ft.match})
			defer sb.SetFaults(sandbox.Faults{})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan string, 1)
			go func() {
				res, err := e.CallCtx(ctx, ft.tool, ft.args(100+i))
				if err != nil {
					done <- "protocol: " + err.Error()
					return
				}
				done <- testenv.Text(res)
			}()
			testenv.Eventually(t, "the create to reach the slow sandbox", func() bool { return sb.Count("fault:"+sandbox.FaultDelayed) > delayed })
			cancel()
			if msg := <-done; !strings.Contains(msg, "cancel") {
				t.Errorf("cancelled call ended with %q, want it to say it was cancelled", msg)
			}
			testenv.Eventually(t, "the sandbox to drop the abandoned request", func() bool { return sb.Count("fault:"+sandbox.FaultDropped) > dropped })
			if n := sb.Count(ft.count) - handled; n != 0 {
				t.Fatalf("the abandoned create ran %d times", n)
			}
			sb.SetFaults(sandbox.Faults{})
			e.OK("cloudbase_get_login_config", nil)
		})
	}
}

// TestFaultsLeaveNoGoroutines runs every fault of every target and a
// cancelled call through a whole server, shuts it down, and requires the
// goroutine count to return to where it started.
func TestFaultsLeaveNoGoroutines(t *testing.T) {
	run := func() {
		t.Run("server", func(t *testing.T) {
			e := testenv.New(t)
			e.FastRetries()
			for _, ft := range faultTargets {
				for i, fc := range ft.cases() {
					var args map[string]any
					if ft.args != nil {
						args = ft.args(200 + i)
					}
					e.App.Sandbox.SetFaults(fc.faults)
					e.Call(ft.tool, args)
					e.App.Sandbox.SetFaults(sandbox.Faults{})
					if ft.cleanup != nil {
						ft.cleanup(e)
					}
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			e.App.Sandbox.SetFaults(sandbox.Faults{Latency: time.Minute})
			go func() {
				testenv.Eventually(t, "a delayed request", func() bool { return e.App.Sandbox.Count("fault:"+sandbox.FaultDelayed) > 0 })
				cancel()
			}()
			_, _ = e.CallCtx(ctx, "cloudbase_get_login_config", nil)
		})
	}
	run() // warm up: lazily started runtime and library goroutines are not leaks
	baseline := runtime.NumGoroutine()
	run()
	testenv.NoGoroutineLeak(t, baseline)
}
