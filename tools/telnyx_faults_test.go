package tools_test

import (
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// TestTelnyxFaults drives a read and a create through every network and
// server fault the sandbox can inject: each call ends in a success or an
// error that says what happened and what to do, a create reaches Telnyx at
// most once, and the server keeps serving.
func TestTelnyxFaults(t *testing.T) {
	type fault struct {
		name  string
		f     sandbox.Faults
		after bool
	}
	var faults []fault
	for _, after := range []bool{false, true} {
		for _, f := range []fault{{"500_html", sandbox.Faults{Status500: 1}, after}, {"malformed_json", sandbox.Faults{MalformedJSON: 1}, after},
			{"connection_reset", sandbox.Faults{ConnectionReset: 1}, after}, {"cut_body", sandbox.Faults{CutBody: 1}, after}} {
			f.f.AfterApply = after
			faults = append(faults, f)
		}
	}
	x := newTnx(t)
	sb := x.App.Sandbox
	for _, f := range faults {
		// A read: retried where a second attempt can help, else a clear error.
		rf := f.f
		rf.Match = sandbox.MatchPath("GET", "/v2/billing_groups")
		sb.SetFaults(rf)
		res := x.Call("telnyx_list_billing_groups", nil)
		text := testenv.Text(res)
		switch {
		case f.name == "malformed_json": // not retried: the answer came, it is unreadable
			if !res.IsError || !strings.Contains(text, "Telnyx GET /billing_groups failed") || !strings.Contains(text, "not valid JSON") {
				t.Errorf("read, %s (after=%v): %q", f.name, f.after, text)
			}
		case res.IsError: // a lost or failed answer to a read is simply asked again
			t.Errorf("read, %s (after=%v): not retried: %q", f.name, f.after, text)
		}
		// A create: never sent twice; when the answer is lost, the outcome is unknown and the check is named.
		cf := f.f
		cf.Match = sandbox.MatchPath("POST", "/v2/billing_groups")
		sb.SetFaults(cf)
		before := sb.Count("POST /v2/billing_groups")
		msg := x.Err("telnyx_create_billing_group", map[string]any{"name": "faulty " + f.name})
		if n := sb.Count("POST /v2/billing_groups") - before; (f.after && n != 1) || n > 1 {
			t.Errorf("create, %s (after=%v): reached Telnyx %d times", f.name, f.after, n)
		}
		for _, want := range []string{"Telnyx POST /billing_groups", "outcome unknown", "not retried", "check with telnyx_list_billing_groups"} {
			if !strings.Contains(msg, want) {
				t.Errorf("create, %s (after=%v): %q lacks %q", f.name, f.after, msg, want)
			}
		}
		if strings.Contains(msg, "<html") {
			t.Errorf("create, %s: an HTML page reached the model: %s", f.name, msg)
		}
	}
	// Rate limited on every attempt: the 429 and what to do.
	sb.SetFaults(sandbox.Faults{RateLimit: 100, Match: sandbox.MatchPath("", "/v2/billing_groups")})
	if msg := x.Err("telnyx_create_billing_group", map[string]any{"name": "limited"}); !strings.Contains(msg, "429") || !strings.Contains(msg, "Rate limited") {
		t.Errorf("rate limited: %s", msg)
	}
	sb.SetFaults(sandbox.Faults{})
	x.ok("telnyx_list_billing_groups", nil)
}
