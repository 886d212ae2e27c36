package tools_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/telnyx"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// tnx is a server on the sandbox whose successful Telnyx results are all
// checked against the tool's declared output schema.
type tnx struct {
	*testenv.Env
	t       *testing.T
	schemas map[string]*jsonschema.Schema
}

// TelnyxClient replaces the Telnyx client with one for the sandbox using
// apiKey ("" = none) and millisecond backoffs. Call it before the first
// Telnyx tool call.
func (x *tnx) TelnyxClient(apiKey string) {
	x.t.Helper()
	c, err := telnyx.New(telnyx.Config{APIKey: apiKey, Endpoint: x.App.SandboxURL, Timeout: x.App.Config.Timeout,
		Retry: telnyx.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond}})
	if err != nil {
		x.t.Fatal(err)
	}
	telnyx.ClientKey.Set(x.App.Deps.Clients, c)
}

func newTnx(t *testing.T, opts ...func(*config.Config)) *tnx {
	t.Helper()
	e := testenv.New(t, opts...)
	e.FastRetries()
	x := &tnx{Env: e, t: t, schemas: map[string]*jsonschema.Schema{}}
	res, err := e.Client.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, tl := range res.Tools {
		if !strings.HasPrefix(tl.Name, "telnyx_") {
			continue
		}
		// The schema as a client receives it in tools/list.
		var wire struct {
			OutputSchema json.RawMessage `json:"outputSchema"`
		}
		raw, _ := json.Marshal(tl)
		if err := json.Unmarshal(raw, &wire); err != nil || len(wire.OutputSchema) == 0 {
			t.Fatalf("%s: no output schema: %v", tl.Name, err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(wire.OutputSchema))
		if err != nil {
			t.Fatalf("%s: output schema: %v", tl.Name, err)
		}
		url := "mem:///" + tl.Name + ".json"
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
		if x.schemas[tl.Name], err = c.Compile(url); err != nil {
			t.Fatalf("%s: output schema: %v", tl.Name, err)
		}
	}
	return x
}

// ok calls a tool that must succeed and whose structured content must fit its output schema.
func (x *tnx) ok(name string, args any) map[string]any {
	x.t.Helper()
	out := x.OK(name, args)
	s := x.schemas[name]
	if s == nil {
		x.t.Fatalf("%s: not listed", name)
	}
	raw, _ := json.Marshal(out)
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err := s.Validate(inst); err != nil {
		x.t.Fatalf("%s: result does not fit the output schema: %v\n%s", name, err, raw)
	}
	return out
}

func ids(data any) []string {
	var out []string
	for _, r := range data.([]any) {
		out = append(out, r.(map[string]any)["id"].(string))
	}
	return out
}

var telnyxToolNames = []string{
	"telnyx_accept_address_suggestions", "telnyx_create_access_ip_address", "telnyx_create_address",
	"telnyx_create_authentication_provider", "telnyx_create_billing_group", "telnyx_create_integration_secret",
	"telnyx_create_telephony_credential_token", "telnyx_delete_access_ip_address", "telnyx_delete_address",
	"telnyx_delete_authentication_provider", "telnyx_delete_billing_group", "telnyx_delete_integration_secret",
	"telnyx_list_access_ip_addresses", "telnyx_list_addresses", "telnyx_list_authentication_providers",
	"telnyx_list_billing_groups", "telnyx_list_integration_secrets", "telnyx_list_telephony_credentials", "telnyx_retrieve_access_ip_address",
	"telnyx_retrieve_address", "telnyx_retrieve_authentication_provider", "telnyx_retrieve_billing_group",
	"telnyx_update_authentication_provider", "telnyx_update_billing_group", "telnyx_validate_address",
}

func TestTelnyxToolsetHasTheDocumentedOperations(t *testing.T) {
	x := newTnx(t)
	var names []string
	for n := range x.schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	if strings.Join(names, ",") != strings.Join(telnyxToolNames, ",") {
		t.Fatalf("telnyx tools:\n%v\nwant the 24:\n%v", names, telnyxToolNames)
	}
	for _, tl := range x.App.Tools {
		if tl.Spec.Toolset != "telnyx" {
			continue
		}
		n, a := tl.Spec.Name, tools.HintsOf(tl.Tool.Annotations)
		read := strings.Contains(n, "_list_") || strings.Contains(n, "_retrieve_") || n == "telnyx_validate_address"
		if a.ReadOnly != read {
			t.Errorf("%s: readOnlyHint %v", n, a.ReadOnly)
		}
		if strings.Contains(n, "_delete_") && !a.Destructive {
			t.Errorf("%s: a delete must be destructive", n)
		}
		if strings.Contains(n, "_create_") && a.Idempotent {
			t.Errorf("%s: a create is not idempotent", n)
		}
	}
}

func TestTelnyxAccessIPAddresses(t *testing.T) {
	x := newTnx(t)
	list := x.ok("telnyx_list_access_ip_addresses", nil)
	if len(list["data"].([]any)) != 3 || list["pages_read"] != float64(1) {
		t.Fatalf("seeded list: %v", list)
	}
	filtered := x.ok("telnyx_list_access_ip_addresses", map[string]any{"ip_address": "198.51.100.24"})
	if len(filtered["data"].([]any)) != 1 {
		t.Fatalf("filter: %v", filtered)
	}
	// Every creation-time form the reference lists filters (the sandbox used
	// to ignore gt/lt and return the whole list).
	all := list["data"].([]any)
	newest := all[0].(map[string]any)["created_at"].(string)
	oldest := all[len(all)-1].(map[string]any)["created_at"].(string)
	for args, want := range map[string]int{
		`{"created_at_gt":"` + oldest + `"}`:                                    len(all) - 1,
		`{"created_at_lt":"` + newest + `"}`:                                    len(all) - 1,
		`{"created_at_gte":"` + oldest + `","created_at_lte":"` + newest + `"}`: len(all),
		`{"created_at":"` + newest + `"}`:                                       1,
		`{"created_at_gt":"` + newest + `"}`:                                    0,
	} {
		var a map[string]any
		_ = json.Unmarshal([]byte(args), &a)
		if got := x.ok("telnyx_list_access_ip_addresses", a); len(got["data"].([]any)) != want {
			t.Errorf("%s: %d entries, want %d", args, len(got["data"].([]any)), want)
		}
	}
	created := x.ok("telnyx_create_access_ip_address", map[string]any{"ip_address": "2001:db8::42", "description": "office v6"})
	if created["status"] != "pending" || created["ip_address"] != "2001:db8::42" {
		t.Fatalf("create: %v", created)
	}
	id := created["id"].(string)
	if got := x.ok("telnyx_retrieve_access_ip_address", map[string]any{"id": id}); got["description"] != "office v6" {
		t.Fatalf("retrieve: %v", got)
	}
	// Allowed already: the existing entry, changed false (Telnyx's own 422 "already been taken" is not passed on as an error).
	if again := x.ok("telnyx_create_access_ip_address", map[string]any{"ip_address": "2001:db8::42"}); again["changed"] != false || again["id"] != id {
		t.Fatalf("duplicate: %v", again)
	}
	x.ok("telnyx_delete_access_ip_address", map[string]any{"id": id})
	msg := x.Err("telnyx_retrieve_access_ip_address", map[string]any{"id": id})
	if !strings.Contains(msg, "404") || !strings.Contains(msg, "telnyx_list_access_ip_addresses lists them") {
		t.Fatalf("after delete: %s", msg)
	}
	// Bad input is refused by name before anything is sent.
	before := x.App.Sandbox.Count("POST /v2/access_ip_address")
	msg = x.Err("telnyx_create_access_ip_address", map[string]any{"ip_address": "300.1.2.3"})
	if !strings.Contains(msg, "ip_address: must be") || !strings.Contains(msg, "IPv4 address or IPv6 address") || !strings.Contains(msg, `"300.1.2.3"`) {
		t.Fatalf("bad IP: %s", msg)
	}
	if msg := x.Err("telnyx_retrieve_access_ip_address", map[string]any{"id": "../addresses"}); !strings.Contains(msg, "id: must match") {
		t.Fatalf("path id: %s", msg)
	}
	if x.App.Sandbox.Count("POST /v2/access_ip_address") != before {
		t.Fatal("invalid input reached the API")
	}
}

func TestTelnyxAddresses(t *testing.T) {
	x := newTnx(t)
	list := x.ok("telnyx_list_addresses", map[string]any{"used_as_emergency": true, "sort": "-street_address"})
	data := list["data"].([]any)
	if len(data) != 2 || data[0].(map[string]any)["street_address"] != "600 Congress Avenue" {
		t.Fatalf("filtered, sorted list: %v", list)
	}
	if got := x.ok("telnyx_list_addresses", map[string]any{"customer_reference": "OSLO"}); len(got["data"].([]any)) != 1 {
		t.Fatalf("customer_reference contains: %v", got)
	}
	if got := x.ok("telnyx_list_addresses", map[string]any{"customer_reference_contains": "OSLO"}); len(got["data"].([]any)) != 1 {
		t.Fatalf("customer_reference_contains: %v", got)
	}
	if got := x.ok("telnyx_list_addresses", map[string]any{"customer_reference_contains": "no-such-reference"}); len(got["data"].([]any)) != 0 {
		t.Fatalf("customer_reference_contains filters: %v", got)
	}
	addr := map[string]any{"first_name": "Ada", "last_name": "Lovelace", "business_name": "Analytical Engines", "street_address": "1 main street",
		"locality": "Boston", "country_code": "US", "postal_code": "02110", "customer_reference": "e911-boston"}
	msg := x.Err("telnyx_create_address", map[string]any{"first_name": "Ada", "country_code": "usa"})
	for _, want := range []string{"last_name: required", "business_name: required", "country_code: must match"} {
		if !strings.Contains(msg, want) {
			t.Errorf("schema error lacks %q: %s", want, msg)
		}
	}
	bad := map[string]any{}
	for k, v := range addr {
		bad[k] = v
	}
	bad["postal_code"] = "2110"
	msg = x.Err("telnyx_create_address", bad)
	if !strings.Contains(msg, "422") || !strings.Contains(msg, "(field postal_code)") {
		t.Fatalf("422 from emergency validation: %s", msg)
	}
	created := x.ok("telnyx_create_address", addr)
	id := created["id"].(string)
	if created["validate_address"] != true {
		t.Fatalf("create: %v", created)
	}
	if got := x.ok("telnyx_retrieve_address", map[string]any{"id": id}); got["street_address"] != "1 main street" {
		t.Fatalf("retrieve: %v", got)
	}
	v := x.ok("telnyx_validate_address", map[string]any{"street_address": "1 main street", "postal_code": "02110", "country_code": "US"})
	sug := v["suggested"].(map[string]any)
	if v["result"] != "valid" || sug["street_address"] != "1 Main St" || sug["locality"] != "Boston" {
		t.Fatalf("validate: %v", v)
	}
	v = x.ok("telnyx_validate_address", map[string]any{"street_address": "Main", "postal_code": "02110", "country_code": "US"})
	if v["result"] != "invalid" || !strings.Contains(testenv.JSON(v["errors"]), "/street_address") {
		t.Fatalf("invalid address: %v", v)
	}
	acc := x.ok("telnyx_accept_address_suggestions", map[string]any{"id": id})
	if acc["accepted"] != true || acc["record_type"] != "address_suggestion" {
		t.Fatalf("accept: %v", acc)
	}
	if got := x.ok("telnyx_retrieve_address", map[string]any{"id": id}); got["street_address"] != "1 Main St" {
		t.Fatalf("suggestion not applied: %v", got)
	}
	if got := x.ok("telnyx_delete_address", map[string]any{"id": id}); got["id"] != id {
		t.Fatalf("delete: %v", got)
	}
	if msg := x.Err("telnyx_delete_address", map[string]any{"id": id}); !strings.Contains(msg, "404") {
		t.Fatalf("second delete: %s", msg)
	}
	if msg := x.Err("telnyx_list_addresses", map[string]any{"street_address_contains": "ab"}); !strings.Contains(msg, "street_address_contains: too short") {
		t.Fatalf("min length: %s", msg)
	}
}

const oktaSettingsFingerprint = "13:38:C7:BB:C9:FF:4A:70:38:3A:E3:D9:5C:CD:DB:2E:50:1E:80:A7"

func TestTelnyxAuthenticationProviders(t *testing.T) {
	x := newTnx(t)
	list := x.ok("telnyx_list_authentication_providers", map[string]any{"sort": "name"})
	data := list["data"].([]any)
	if len(data) != 2 || data[1].(map[string]any)["name"] != "Okta" {
		t.Fatalf("sorted list: %v", list)
	}
	okta := data[1].(map[string]any)
	settings := okta["settings"].(map[string]any)
	// Settings are public SAML metadata: shown, not masked.
	if settings["idp_cert_fingerprint"] != oktaSettingsFingerprint || settings["idp_entity_id"] == "" {
		t.Fatalf("settings: %v", settings)
	}
	created := x.ok("telnyx_create_authentication_provider", map[string]any{"name": "OneLogin", "short_name": "acme-sso",
		"settings": map[string]any{"idp_entity_id": "https://acme.onelogin.com/saml/metadata",
			"idp_sso_target_url": "https://acme.onelogin.com/trust/saml2/http-post/sso", "idp_cert_fingerprint": oktaSettingsFingerprint}})
	id := created["id"].(string)
	if created["active"] != false || !strings.HasSuffix(created["settings"].(map[string]any)["service_provider_login_url"].(string), "/acme-sso") {
		t.Fatalf("create: %v", created)
	}
	res := x.ok("telnyx_update_authentication_provider", map[string]any{"id": id, "active": true})
	up := res["after"].(map[string]any)
	if up["active"] != true || up["activated_at"] == nil || up["name"] != "OneLogin" || res["before"].(map[string]any)["active"] != false || res["changed"] != true {
		t.Fatalf("partial update: %v", res)
	}
	// The same again changes nothing and sends nothing.
	patches := x.App.Sandbox.Count("PATCH /v2/authentication_providers/{id}")
	if again := x.ok("telnyx_update_authentication_provider", map[string]any{"id": id, "active": true}); again["changed"] != false ||
		x.App.Sandbox.Count("PATCH /v2/authentication_providers/{id}") != patches {
		t.Fatalf("no-op update: %v", again)
	}
	if got := x.ok("telnyx_retrieve_authentication_provider", map[string]any{"id": id}); got["active"] != true {
		t.Fatalf("retrieve: %v", got)
	}
	if msg := x.Err("telnyx_update_authentication_provider", map[string]any{"id": id}); !strings.Contains(msg, "at least one of") {
		t.Fatalf("empty update: %s", msg)
	}
	// A fingerprint that is no digest is refused here, before the question.
	if msg := x.Err("telnyx_update_authentication_provider", map[string]any{"id": id, "settings": map[string]any{
		"idp_cert_fingerprint": "AB:CD", "idp_cert_fingerprint_algorithm": "sha256"}}); !strings.Contains(msg, "settings.idp_cert_fingerprint: 2 bytes is no certificate fingerprint") {
		t.Fatalf("short fingerprint: %s", msg)
	}
	// The API's 422 points into the nested settings; the message names the field as the tool takes it.
	msg := x.Err("telnyx_update_authentication_provider", map[string]any{"id": id, "settings": map[string]any{
		"idp_sso_target_url": "ftp://idp.example/sso"}})
	if !strings.Contains(msg, "(field settings.idp_sso_target_url)") || !strings.Contains(msg, "Fix the named field") {
		t.Fatalf("nested 422: %s", msg)
	}
	if msg := x.Err("telnyx_create_authentication_provider", map[string]any{"name": "x", "short_name": "has space",
		"settings": map[string]any{"idp_entity_id": "x", "idp_sso_target_url": "not a url", "idp_cert_fingerprint": "x"}}); !strings.Contains(msg, "short_name: must match") ||
		!strings.Contains(msg, "settings.idp_sso_target_url: must be a valid uri") {
		t.Fatalf("schema errors: %s", msg)
	}
	if msg := x.Err("telnyx_retrieve_authentication_provider", map[string]any{"id": "okta"}); !strings.Contains(msg, "id: must be a valid uuid") {
		t.Fatalf("uuid format: %s", msg)
	}
	x.ok("telnyx_delete_authentication_provider", map[string]any{"id": id})
	if msg := x.Err("telnyx_retrieve_authentication_provider", map[string]any{"id": id}); !strings.Contains(msg, "telnyx_list_authentication_providers lists them") {
		t.Fatalf("after delete: %s", msg)
	}
}

// progressLog collects progress notifications per token.
type progressLog struct {
	mu     sync.Mutex
	events []map[string]any
}

func (p *progressLog) listen(e *testenv.Env) {
	e.Client.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == "notifications/progress" {
			p.mu.Lock()
			p.events = append(p.events, n.Params.AdditionalFields)
			p.mu.Unlock()
		}
	})
}

func (p *progressLog) wait(t *testing.T, n int) []map[string]any {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		p.mu.Lock()
		got := len(p.events)
		p.mu.Unlock()
		if got >= n {
			break
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]map[string]any(nil), p.events...)
}

func TestTelnyxPaginationAndAllWithProgress(t *testing.T) {
	x := newTnx(t)
	first := x.ok("telnyx_list_billing_groups", map[string]any{"page_size": 5})
	meta := first["meta"].(map[string]any)
	if len(first["data"].([]any)) != 5 || meta["total_pages"] != float64(3) || meta["total_results"] != float64(12) || first["next_page_number"] != float64(2) {
		t.Fatalf("page 1: %v", first)
	}
	last := x.ok("telnyx_list_billing_groups", map[string]any{"page_size": 5, "page_number": 3})
	if len(last["data"].([]any)) != 2 || last["next_page_number"] != nil {
		t.Fatalf("page 3: %v", last)
	}

	var p progressLog
	p.listen(x.Env)
	before := x.App.Sandbox.Count("GET /v2/billing_groups")
	req := mcp.CallToolRequest{}
	req.Params.Name = "telnyx_list_billing_groups"
	req.Params.Arguments = map[string]any{"all": true, "page_size": 5}
	req.Params.Meta = &mcp.Meta{ProgressToken: "walk-1"}
	res, err := x.Client.CallTool(context.Background(), req)
	if err != nil || res.IsError {
		t.Fatalf("all: %v %s", err, testenv.Text(res))
	}
	all := res.StructuredContent.(map[string]any)
	got := ids(all["data"])
	seen := map[string]bool{}
	for _, id := range got {
		seen[id] = true
	}
	if len(got) != 12 || len(seen) != 12 || all["pages_read"] != float64(3) || all["truncated"] != nil {
		t.Fatalf("all: %d records (%d distinct): %v", len(got), len(seen), all)
	}
	if n := x.App.Sandbox.Count("GET /v2/billing_groups") - before; n != 3 {
		t.Fatalf("%d requests for 3 pages", n)
	}
	events := p.wait(t, 3)
	if len(events) != 3 {
		t.Fatalf("progress notifications: %v", events)
	}
	for i, want := range []float64{5, 10, 12} {
		ev := events[i]
		if ev["progressToken"] != "walk-1" || fmt.Sprint(ev["progress"]) != fmt.Sprint(want) || fmt.Sprint(ev["total"]) != "12" ||
			!strings.Contains(ev["message"].(string), "of 3") {
			t.Fatalf("notification %d: %v", i, ev)
		}
	}
	// Without a progress token nothing is sent: the next notification is the
	// one of a later call that has a token (notifications keep their order).
	x.ok("telnyx_list_billing_groups", map[string]any{"all": true})
	req.Params.Arguments = map[string]any{"all": true}
	req.Params.Meta = &mcp.Meta{ProgressToken: "walk-2"}
	if res, err := x.Client.CallTool(context.Background(), req); err != nil || res.IsError {
		t.Fatalf("all, one page: %v", err)
	}
	if events = p.wait(t, 4); len(events) != 4 || events[3]["progressToken"] != "walk-2" || fmt.Sprint(events[3]["progress"]) != "12" {
		t.Fatalf("notifications after the call without a token: %v", events[3:])
	}
}

func TestTelnyxBillingGroups(t *testing.T) {
	x := newTnx(t)
	created := x.ok("telnyx_create_billing_group", map[string]any{"name": "Voice staging"})
	id := created["id"].(string)
	if created["record_type"] != "billing_group" || created["deleted_at"] != nil {
		t.Fatalf("create: %v", created)
	}
	if got := x.ok("telnyx_update_billing_group", map[string]any{"id": id, "name": "Voice QA"}); got["after"].(map[string]any)["name"] != "Voice QA" ||
		got["before"].(map[string]any)["name"] != "Voice staging" {
		t.Fatalf("update: %v", got)
	}
	if got := x.ok("telnyx_retrieve_billing_group", map[string]any{"id": id}); got["name"] != "Voice QA" {
		t.Fatalf("retrieve: %v", got)
	}
	if got := x.ok("telnyx_delete_billing_group", map[string]any{"id": id}); got["deleted_at"] == nil {
		t.Fatalf("delete: %v", got)
	}
	// name is optional (seed), but an update that changes nothing is refused, not sent.
	before := x.App.Sandbox.Count("PATCH /v2/billing_groups/{id}")
	if msg := x.Err("telnyx_update_billing_group", map[string]any{"id": id}); !strings.Contains(msg, "name: nothing to change") {
		t.Fatalf("update without name: %s", msg)
	}
	if x.App.Sandbox.Count("PATCH /v2/billing_groups/{id}") != before {
		t.Fatal("an update with nothing to change was sent")
	}
}

func TestTelnyxRetryRules(t *testing.T) {
	x := newTnx(t)
	sb := x.App.Sandbox
	// A read is retried after a 503 and succeeds.
	sb.InjectTelnyxError("GET /v2/billing_groups", http.StatusServiceUnavailable, 1, 0)
	if got := x.ok("telnyx_list_billing_groups", nil); len(got["data"].([]any)) != 12 {
		t.Fatalf("list after a 503: %v", got)
	}
	if n := sb.Count("GET /v2/billing_groups"); n != 2 {
		t.Fatalf("GET sent %d times, want 2", n)
	}
	// A create that met a 503 is not sent again: its outcome is unknown, and the tool says how to check.
	sb.InjectTelnyxError("POST /v2/billing_groups", http.StatusServiceUnavailable, 1, 0)
	msg := x.Err("telnyx_create_billing_group", map[string]any{"name": "Once"})
	if !strings.Contains(msg, "outcome unknown") || !strings.Contains(msg, "check with telnyx_list_billing_groups") {
		t.Fatalf("POST after a 503: %s", msg)
	}
	if n := sb.Count("POST /v2/billing_groups"); n != 1 {
		t.Fatalf("POST sent %d times, want exactly once", n)
	}
	// A 429 means it was not executed: retried after Retry-After, for a POST too.
	sb.InjectTelnyxError("POST /v2/billing_groups", http.StatusTooManyRequests, 1, 5*time.Millisecond)
	x.ok("telnyx_create_billing_group", map[string]any{"name": "After a 429"})
	if n := sb.Count("POST /v2/billing_groups"); n != 3 {
		t.Fatalf("POST count %d, want 3 (1 + the rejected one + its retry)", n)
	}
	// The server keeps serving after all of it.
	x.ok("telnyx_retrieve_billing_group", map[string]any{"id": ids(x.ok("telnyx_list_billing_groups", nil)["data"])[0]})
}

func TestTelnyxWithoutOrWithWrongKey(t *testing.T) {
	x := newTnx(t)
	x.TelnyxClient("")
	msg := x.Err("telnyx_list_billing_groups", nil)
	if !strings.Contains(msg, "TELNYX_API_KEY") || !strings.Contains(msg, "--sandbox") {
		t.Fatalf("no key: %s", msg)
	}
	if x.App.Sandbox.Count("GET /v2/billing_groups") != 0 {
		t.Fatal("a request went out without a key")
	}
	x.OK("cloudbase_get_login_config", nil) // the rest of the server is unaffected
	const wrong = "KEY01234567890ABCDEFGHIJ_wrongwrongwrongwrong"
	x.TelnyxClient(wrong)
	msg = x.Err("telnyx_list_addresses", nil)
	if !strings.Contains(msg, "401") || !strings.Contains(msg, "10009") || !strings.Contains(msg, "TELNYX_API_KEY") || strings.Contains(msg, wrong) {
		t.Fatalf("wrong key: %s", msg)
	}
}

func TestTelnyxToolsetCanBeLeftOut(t *testing.T) {
	e := testenv.New(t, func(c *config.Config) { c.Toolsets = []string{"cloudbase_auth"} })
	res, err := e.Client.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tl := range res.Tools {
		if strings.HasPrefix(tl.Name, "telnyx_") {
			t.Fatalf("%s is served with --toolsets cloudbase_auth", tl.Name)
		}
	}
	rs, err := e.Client.ListResources(context.Background(), mcp.ListResourcesRequest{})
	if err == nil && strings.Contains(testenv.JSON(rs), "telnyx://") {
		t.Fatal("Telnyx resources are served without the Telnyx toolset")
	}
}

func TestTelnyxResources(t *testing.T) {
	x := newTnx(t)
	ctx := context.Background()
	rs, err := x.Client.ListResources(ctx, mcp.ListResourcesRequest{})
	if err != nil || !strings.Contains(testenv.JSON(rs), `"uri":"telnyx://authentication_providers"`) {
		t.Fatalf("resources: %v %s", err, testenv.JSON(rs))
	}
	ts, err := x.Client.ListResourceTemplates(ctx, mcp.ListResourceTemplatesRequest{})
	if err != nil || !strings.Contains(testenv.JSON(ts), "telnyx://authentication_providers/{id}") {
		t.Fatalf("templates: %v %s", err, testenv.JSON(ts))
	}
	read := func(uri string) string {
		t.Helper()
		req := mcp.ReadResourceRequest{}
		req.Params.URI = uri
		res, err := x.Client.ReadResource(ctx, req)
		if err != nil {
			t.Fatalf("read %s: %v", uri, err)
		}
		text, _ := res.Contents[0].(mcp.TextResourceContents)
		return text.Text
	}
	all := read("telnyx://authentication_providers")
	if !strings.Contains(all, `"short_name":"myorg"`) || !strings.Contains(all, `"total":2`) {
		t.Fatalf("providers: %s", all)
	}
	// Completion finds the id by its start, or by the provider's short name.
	comp := func(value string) []string {
		t.Helper()
		req := mcp.CompleteRequest{}
		req.Params.Ref = mcp.ResourceReference{Type: "ref/resource", URI: "telnyx://authentication_providers/{id}"}
		req.Params.Argument = mcp.CompleteArgument{Name: "id", Value: value}
		res, err := x.Client.Complete(ctx, req)
		if err != nil {
			t.Fatalf("complete %q: %v", value, err)
		}
		return res.Completion.Values
	}
	okta := comp("myorg")
	if len(okta) != 2 { // myorg and myorg-staging
		t.Fatalf("completion by short name: %v", okta)
	}
	one := comp(okta[0][:6])
	if len(one) != 1 || one[0] != okta[0] {
		t.Fatalf("completion by id prefix: %v", one)
	}
	if got := read("telnyx://authentication_providers/" + okta[0]); !strings.Contains(got, `"id":"`+okta[0]+`"`) || !strings.Contains(got, "idp_entity_id") {
		t.Fatalf("provider: %s", got)
	}
	req := mcp.ReadResourceRequest{}
	req.Params.URI = "telnyx://authentication_providers/6f1c2b1e-7d3a-4c55-9a0e-2f4d8b7c9e10"
	if _, err := x.Client.ReadResource(ctx, req); err == nil || !strings.Contains(err.Error(), "no authentication provider") || !strings.Contains(err.Error(), okta[0]) {
		t.Fatalf("unknown provider: want the ids that exist, got %v", err)
	}
	// A CloudBase completion still works next to the Telnyx one.
	creq := mcp.CompleteRequest{}
	creq.Params.Ref = mcp.ResourceReference{Type: "ref/resource", URI: "cloudbase://providers/{id}"}
	creq.Params.Argument = mcp.CompleteArgument{Name: "id", Value: "g"}
	if res, err := x.Client.Complete(ctx, creq); err != nil || len(res.Completion.Values) == 0 {
		t.Fatalf("cloudbase completion: %v %v", err, res)
	}

	// A subscriber hears about a change made through a tool.
	var mu sync.Mutex
	var updated []string
	x.Client.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == "notifications/resources/updated" {
			mu.Lock()
			updated = append(updated, n.Params.AdditionalFields["uri"].(string))
			mu.Unlock()
		}
	})
	uri := "telnyx://authentication_providers/" + okta[0]
	if _, err := x.Client.GetTransport().SendRequest(ctx, transport.JSONRPCRequest{JSONRPC: mcp.JSONRPC_VERSION, ID: mcp.NewRequestId(int64(901)),
		Method: "resources/subscribe", Params: map[string]any{"uri": uri}}); err != nil {
		t.Fatal(err)
	}
	x.ok("telnyx_update_authentication_provider", map[string]any{"id": okta[0], "name": "Okta (renamed)"})
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		mu.Lock()
		n := len(updated)
		mu.Unlock()
		if n > 0 {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(updated) != 1 || updated[0] != uri {
		t.Fatalf("updated notifications: %v", updated)
	}
}

// plantedSecrets are values that must never come back out of the server.
var plantedSecrets = []string{"tok_live_9f8e7d6c5b4a39281706", "Pa55-w0rd-correct-horse-battery"}

func TestTelnyxIntegrationSecretsAreWriteOnly(t *testing.T) {
	x := newTnx(t)
	var seen []string // every text the model was shown
	show := func(s string) { seen = append(seen, s) }
	res := x.Call("telnyx_create_integration_secret", map[string]any{"identifier": "crm_api", "type": "bearer", "token": plantedSecrets[0]})
	if res.IsError {
		t.Fatalf("create: %s", testenv.Text(res))
	}
	show(testenv.Text(res) + testenv.JSON(res.StructuredContent))
	created := res.StructuredContent.(map[string]any)
	if created["identifier"] != "crm_api" || created["id"] == "" || !strings.Contains(created["note"].(string), "write-only") {
		t.Fatalf("create: %v", created)
	}
	basic := x.ok("telnyx_create_integration_secret", map[string]any{"identifier": "pbx", "type": "basic", "username": "pbx-admin", "password": plantedSecrets[1]})
	show(testenv.JSON(basic))
	// The same values again: the API's 422 and the tool's own checks must not echo them.
	show(x.Err("telnyx_create_integration_secret", map[string]any{"identifier": "crm_api", "type": "bearer", "token": plantedSecrets[0]}))
	show(x.Err("telnyx_create_integration_secret", map[string]any{"identifier": "x", "type": "basic", "password": plantedSecrets[1]}))
	show(x.Err("telnyx_create_integration_secret", map[string]any{"identifier": "y", "type": "bearer", "token": plantedSecrets[0], "password": plantedSecrets[1]}))
	show(x.Err("telnyx_create_integration_secret", map[string]any{"identifier": "z", "type": "basic", "username": "u", "password": plantedSecrets[1], "token": plantedSecrets[0]}))
	show(x.Err("telnyx_create_integration_secret", map[string]any{"identifier": "bad id", "type": "bearer", "token": plantedSecrets[0]}))
	list := x.ok("telnyx_list_integration_secrets", map[string]any{"type": "bearer"})
	show(testenv.JSON(list))
	if len(list["data"].([]any)) != 2 {
		t.Fatalf("bearer secrets: %v", list)
	}
	x.ok("telnyx_delete_integration_secret", map[string]any{"id": created["id"]})
	show(x.Err("telnyx_delete_integration_secret", map[string]any{"id": created["id"]}))
	all := strings.Join(seen, "\n") + x.Logs.String()
	for _, s := range append(plantedSecrets, sandbox.DefaultTelnyxAPIKey) {
		if strings.Contains(all, s) {
			t.Fatalf("%q came back out:\n%s", s, all)
		}
	}
	for _, rule := range []string{"the token field is only for type bearer", "type basic requires both the username and the password field",
		"the username and password fields are only for type basic"} {
		if !strings.Contains(all, rule) {
			t.Errorf("the rule %q was not explained", rule)
		}
	}
	if x.App.Sandbox.Count("POST /v2/integration_secrets") != 3 {
		t.Fatalf("%d creates reached the API, want the 2 valid ones and the duplicate", x.App.Sandbox.Count("POST /v2/integration_secrets"))
	}
}

func TestTelnyxDryRunSendsNothingAndShowsNoSecret(t *testing.T) {
	x := newTnx(t, func(c *config.Config) { c.DryRun = true })
	out := x.ok("telnyx_create_integration_secret", map[string]any{"identifier": "crm_api", "type": "bearer", "token": plantedSecrets[0]})
	req := out["request"].(map[string]any)
	if out["dryRun"] != true || req["method"] != "POST" || !strings.HasSuffix(req["url"].(string), "/v2/integration_secrets") {
		t.Fatalf("dry run: %v", out)
	}
	if s := testenv.JSON(out) + x.Logs.String(); strings.Contains(s, plantedSecrets[0]) {
		t.Fatal("the token is in the dry-run result or the logs")
	}
	x.ok("telnyx_delete_billing_group", map[string]any{"id": ids(x.ok("telnyx_list_billing_groups", nil)["data"])[0]})
	for _, route := range []string{"POST /v2/integration_secrets", "DELETE /v2/billing_groups/{id}"} {
		if x.App.Sandbox.Count(route) != 0 {
			t.Fatalf("%s was sent under --dry-run", route)
		}
	}
}

func TestTelnyxTelephonyToken(t *testing.T) {
	dir := t.TempDir()
	x := newTnx(t, func(c *config.Config) { c.SecretsDir = dir })
	id := sandbox.TelnyxDemoCredentialID
	// Default: the JWT is withheld.
	out := x.ok("telnyx_create_telephony_credential_token", map[string]any{"id": id})
	tok := out["token"].(string)
	if !strings.HasPrefix(tok, "[redacted") || out["token_length"].(float64) < 100 || out["expires_at"] == "" ||
		!strings.HasPrefix(out["fingerprint"].(string), "[redacted: fp ") || !strings.Contains(out["note"].(string), "deliverTo") {
		t.Fatalf("masked token: %v", out)
	}
	// deliverTo: the JWT goes to a file, and is a real token signed for the credential.
	out = x.ok("telnyx_create_telephony_credential_token", map[string]any{"id": id, "deliverTo": "webrtc.jwt"})
	del := out["delivered"].(map[string]any)
	raw, err := os.ReadFile(filepath.Join(dir, "webrtc.jwt"))
	if err != nil || del["path"] != filepath.Join(dir, "webrtc.jwt") || out["token"] != nil {
		t.Fatalf("delivery: %v %v", err, out)
	}
	jwt := string(raw)
	claims, err := x.App.Sandbox.VerifyTelephonyToken(jwt)
	if err != nil || claims["sub"] != id {
		t.Fatalf("delivered token: %v %v", err, claims)
	}
	if st, _ := os.Stat(filepath.Join(dir, "webrtc.jwt")); st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	if strings.Contains(testenv.JSON(out)+x.Logs.String(), jwt) || strings.Contains(testenv.JSON(out), "eyJ") {
		t.Fatal("the delivered token is in the result or the logs")
	}
	if msg := x.Err("telnyx_create_telephony_credential_token", map[string]any{"id": sandbox.TelnyxExpiredCredentialID}); !strings.Contains(msg, "422") || !strings.Contains(msg, "expired") {
		t.Fatalf("expired credential: %s", msg)
	}
	if msg := x.Err("telnyx_create_telephony_credential_token", map[string]any{"id": "6f1c2b1e-7d3a-4c55-9a0e-2f4d8b7c9e10"}); !strings.Contains(msg, "404") {
		t.Fatalf("unknown credential: %s", msg)
	}
	// A token request that met a 503 is not repeated, and the message survives redaction intact.
	x.App.Sandbox.InjectTelnyxError("POST /v2/telephony_credentials/{id}/token", http.StatusServiceUnavailable, 1, 0)
	msg := x.Err("telnyx_create_telephony_credential_token", map[string]any{"id": id})
	if !strings.Contains(msg, "outcome unknown") || !strings.Contains(msg, "503") || strings.Contains(msg, "[redacted") {
		t.Fatalf("503 on the token: %s", msg)
	}
	if n := x.App.Sandbox.Count("POST /v2/telephony_credentials/{id}/token"); n != 5 {
		t.Fatalf("%d token requests, want 5 (2 created, 2 refused, 1 unanswered)", n)
	}
}

// The list gives the ids the token tool takes, filters as asked, and never
// passes on the SIP passwords the API returns with every record.
func TestTelnyxListTelephonyCredentials(t *testing.T) {
	x := newTnx(t)
	out := x.ok("telnyx_list_telephony_credentials", map[string]any{})
	if got := ids(out["data"]); !slices.Contains(got, sandbox.TelnyxDemoCredentialID) || !slices.Contains(got, sandbox.TelnyxExpiredCredentialID) {
		t.Fatalf("list: %v", out)
	}
	first := out["data"].([]any)[0].(map[string]any)
	if first["sip_username"] == "" || first["record_type"] != "credential" || first["resource_id"] == "" {
		t.Fatalf("record: %v", first)
	}
	active := x.ok("telnyx_list_telephony_credentials", map[string]any{"status": "active"})
	if got := ids(active["data"]); !slices.Equal(got, []string{sandbox.TelnyxDemoCredentialID}) {
		t.Fatalf("status active: %v", got)
	}
	byName := x.ok("telnyx_list_telephony_credentials", map[string]any{"name": "old-softphone"})
	if got := ids(byName["data"]); !slices.Equal(got, []string{sandbox.TelnyxExpiredCredentialID}) {
		t.Fatalf("name filter: %v", got)
	}
	if msg := x.Err("telnyx_list_telephony_credentials", map[string]any{"status": "gone"}); !strings.Contains(msg, "status") {
		t.Fatalf("bad status: %s", msg)
	}
	// The sandbox answers with sip_password (as the API does): it must appear nowhere.
	req, _ := http.NewRequest("GET", x.App.SandboxURL+"/v2/telephony_credentials", nil)
	req.Header.Set("Authorization", "Bearer "+x.App.Sandbox.Credentials()["telnyx-api-key"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var page struct {
		Data []struct {
			SipPassword string `json:"sip_password"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &page); err != nil || len(page.Data) == 0 || page.Data[0].SipPassword == "" {
		t.Fatalf("the sandbox should return SIP passwords: %v %s", err, raw)
	}
	seen := testenv.JSON(out) + testenv.JSON(active) + x.Logs.String()
	for _, c := range page.Data {
		if strings.Contains(seen, c.SipPassword) {
			t.Fatal("a SIP password reached a result or the logs")
		}
	}
	if strings.Contains(seen, "sip_password") {
		t.Fatal("the sip_password field reached a result or the logs")
	}
}

func TestTelnyxTelephonyTokenWithRevealSecrets(t *testing.T) {
	x := newTnx(t, func(c *config.Config) { c.RevealSecrets = true })
	out := x.ok("telnyx_create_telephony_credential_token", map[string]any{"id": sandbox.TelnyxDemoCredentialID})
	tok := out["token"].(string)
	if _, err := x.App.Sandbox.VerifyTelephonyToken(tok); err != nil || float64(len(tok)) != out["token_length"] {
		t.Fatalf("revealed token does not verify: %v %v", err, out)
	}
	if strings.Contains(x.Logs.String(), tok) {
		t.Fatal("the token was logged")
	}
}

func TestTelnyxDestructiveCallsAreConfirmedFromCurrentState(t *testing.T) {
	x := newTnx(t)
	var mu sync.Mutex
	var asked []string
	reply := mcp.ElicitationResponseActionDecline
	e, _ := x.Connect(testenv.ClientOptions{Elicit: func(r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, r.Params.Message)
		res := &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: reply}}
		if reply == mcp.ElicitationResponseActionAccept {
			res.Content = map[string]any{"confirm": true}
		}
		return res, nil
	}})
	okta := ""
	for _, p := range x.ok("telnyx_list_authentication_providers", nil)["data"].([]any) {
		if p.(map[string]any)["short_name"] == "myorg" {
			okta = p.(map[string]any)["id"].(string)
		}
	}
	args := map[string]any{"id": okta}
	if res := e.Call("telnyx_delete_authentication_provider", args); res.IsError || x.App.Sandbox.Count("DELETE /v2/authentication_providers/{id}") != 0 {
		t.Fatalf("declined delete: %s", testenv.Text(res))
	}
	mu.Lock()
	reply = mcp.ElicitationResponseActionAccept
	mu.Unlock()
	if got := e.OK("telnyx_update_authentication_provider", map[string]any{"id": okta, "active": false}); got["after"].(map[string]any)["active"] != false {
		t.Fatalf("accepted update: %v", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 2 || !strings.HasPrefix(asked[0], "Delete SSO provider Okta (short name myorg, ACTIVE: its users will no longer be able to sign in through it)") ||
		!strings.Contains(asked[1], "Update SSO provider Okta (myorg) of the Telnyx organization: active: true → false; sign-in through it is disabled") {
		t.Fatalf("questions: %q", asked)
	}
}
