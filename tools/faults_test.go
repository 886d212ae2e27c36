package tools_test

import (
	"context"
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
	// want: fragments the error text must hold (clear: names the operation and what to do).
	want []string
}

func faultCases(action, checkWith string, mutating bool) []faultCase {
	match := sandbox.MatchTCBAction(action)
	unclear := []string{action}
	if mutating {
		unclear = []string{action, "outcome unknown", "was not retried", "check with " + checkWith}
	}
	var cases []faultCase
	cases = append(cases,
		faultCase{name: "rate_limited_twice", faults: sandbox.Faults{RateLimit: 2, Match: match}, ok: true},
		faultCase{name: "rate_limited_always", faults: sandbox.Faults{RateLimit: 100, Match: match},
			want: []string{action, "RequestLimitExceeded", "RequestId", "Wait a few seconds"}})
	for _, after := range []bool{false, true} {
		when := "before_apply"
		if after {
			when = "after_apply"
		}
		for _, f := range []struct {
			name   string
			faults sandbox.Faults
			extra  string
		}{
			{"status_500", sandbox.Faults{Status500: 1}, ""},
			{"malformed_json", sandbox.Faults{MalformedJSON: 1}, "not valid JSON"},
			{"connection_reset", sandbox.Faults{ConnectionReset: 1}, ""},
			{"cut_body", sandbox.Faults{CutBody: 1}, ""},
		} {
			fs := f.faults
			fs.AfterApply, fs.Match = after, match
			want := append([]string{}, unclear...)
			if f.extra != "" {
				want = append(want, f.extra)
			}
			cases = append(cases, faultCase{name: f.name + "_" + when, faults: fs, applied: after, want: want})
		}
	}
	return cases
}

// TestFaultsEveryCallEndsCleanly drives a read and a create through every
// fault: each call ends in a success or an error that names the operation and
// what to do; a create reaches the cloud at most once; the server keeps serving.
func TestFaultsEveryCallEndsCleanly(t *testing.T) {
	type toolCase struct {
		tool, action, checkWith string
		args                    map[string]any
		mutating                bool
	}
	for _, tc := range []toolCase{
		{tool: "cloudbase_get_login_config", action: "DescribeLoginConfig"},
		{tool: "cloudbase_create_api_key", action: "CreateApiKey", checkWith: "cloudbase_describe_api_key_list",
			args: map[string]any{"KeyType": "api_key", "KeyName": "faulty"}, mutating: true},
	} {
		for _, fc := range faultCases(tc.action, tc.checkWith, tc.mutating) {
			t.Run(tc.tool+"/"+fc.name, func(t *testing.T) {
				e := testenv.New(t)
				e.FastRetries()
				keysBefore := len(e.OK("cloudbase_describe_api_key_list", nil)["Data"].([]any))
				e.App.Sandbox.SetFaults(fc.faults)
				res := e.Call(tc.tool, tc.args)
				e.App.Sandbox.SetFaults(sandbox.Faults{})
				text := testenv.Text(res)
				switch {
				case fc.ok && res.IsError:
					t.Fatalf("want recovery, got error: %s", text)
				case !fc.ok && !res.IsError:
					t.Fatalf("want a tool error, got success: %s", text)
				}
				for _, w := range fc.want {
					if !strings.Contains(text, w) {
						t.Errorf("error %q lacks %q", text, w)
					}
				}
				if strings.Contains(text, sandbox.DefaultSecretKey) || strings.Contains(e.Logs.String(), sandbox.DefaultSecretKey) {
					t.Fatal("the SecretKey leaked into the result or the logs")
				}
				handled := e.App.Sandbox.Count(tc.action)
				if tc.mutating {
					wantHandled := 0
					if fc.ok || fc.applied {
						wantHandled = 1
					}
					keysAfter := len(e.OK("cloudbase_describe_api_key_list", nil)["Data"].([]any))
					if handled != wantHandled || keysAfter-keysBefore != wantHandled {
						t.Fatalf("create handled %d times, %d keys added; want %d (never duplicated, never lost silently)",
							handled, keysAfter-keysBefore, wantHandled)
					}
				}
				// Still serving, on the same connection pool.
				e.OK("cloudbase_get_login_config", nil)
			})
		}
	}
}

// TestFaultsCancellationStopsWork cancels a call while the cloud is slow: the
// call returns, the sandbox sees the client leave and never runs the action.
func TestFaultsCancellationStopsWork(t *testing.T) {
	e := testenv.New(t)
	e.App.Sandbox.SetFaults(sandbox.Faults{Latency: time.Minute, Match: sandbox.MatchTCBAction("CreateApiKey")})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan string, 1)
	go func() {
		res, err := e.CallCtx(ctx, "cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "KeyName": "slow"})
		switch {
		case err != nil:
			done <- "protocol: " + err.Error()
		default:
			done <- testenv.Text(res)
		}
	}()
	testenv.Eventually(t, "the create to reach the slow sandbox", func() bool {
		return e.App.Sandbox.Count("fault:"+sandbox.FaultDelayed) == 1
	})
	cancel()
	msg := <-done
	if !strings.Contains(msg, "cancel") {
		t.Errorf("cancelled call ended with %q, want it to say it was cancelled", msg)
	}
	testenv.Eventually(t, "the sandbox to drop the abandoned request", func() bool {
		return e.App.Sandbox.Count("fault:"+sandbox.FaultDropped) == 1
	})
	if n := e.App.Sandbox.Count("CreateApiKey"); n != 0 {
		t.Fatalf("the abandoned create ran %d times", n)
	}
	e.App.Sandbox.SetFaults(sandbox.Faults{})
	e.OK("cloudbase_get_login_config", nil)
}

// TestFaultsLeaveNoGoroutines runs every fault through a whole server, shuts
// it down, and requires the goroutine count to return to where it started.
func TestFaultsLeaveNoGoroutines(t *testing.T) {
	run := func() {
		t.Run("server", func(t *testing.T) {
			e := testenv.New(t)
			e.FastRetries()
			for _, fc := range faultCases("CreateApiKey", "cloudbase_describe_api_key_list", true) {
				e.App.Sandbox.SetFaults(fc.faults)
				e.Call("cloudbase_create_api_key", map[string]any{"KeyType": "publish_key"})
				e.App.Sandbox.SetFaults(sandbox.Faults{})
				if keys := e.OK("cloudbase_describe_api_key_list", map[string]any{"KeyType": "publish_key"}); len(keys["Data"].([]any)) > 0 {
					e.OK("cloudbase_delete_api_key", map[string]any{"KeyId": keys["Data"].([]any)[0].(map[string]any)["KeyId"]})
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
