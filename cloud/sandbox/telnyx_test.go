package sandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
)

// telnyxDo sends a raw request, as any HTTP client would, and decodes the answer.
func telnyxDo(t *testing.T, method, url, key, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, resp.Header, out
}

func TestTelnyxErrorShapes(t *testing.T) {
	sb, url := start(t, sandbox.Config{})
	key := sandbox.DefaultTelnyxAPIKey
	status, _, out := telnyxDo(t, "GET", url+"/v2/billing_groups", "wrong", "")
	errs, _ := out["errors"].([]any)
	if status != 401 || len(errs) != 1 || errs[0].(map[string]any)["code"] != "10009" {
		t.Fatalf("401: %d %v", status, out)
	}
	if sb.Count("GET /v2/billing_groups") != 0 {
		t.Fatal("an unauthenticated request counted as handled")
	}
	status, _, out = telnyxDo(t, "GET", url+"/v2/no_such_thing", key, "")
	if status != 404 || !strings.Contains(testJSON(out), "Route not found") {
		t.Fatalf("unknown route: %d %v", status, out)
	}
	// Every problem of a body is reported at once, each with its pointer.
	status, _, out = telnyxDo(t, "POST", url+"/v2/addresses", key, `{"first_name":"A","country_code":"usa","colour":"red"}`)
	got := testJSON(out)
	for _, p := range []string{`"/colour"`, `"/country_code"`, `"/last_name"`, `"/business_name"`, `"/street_address"`, `"/locality"`} {
		if !strings.Contains(got, `"pointer":`+p) {
			t.Errorf("422 lacks pointer %s: %s", p, got)
		}
	}
	if status != 422 {
		t.Fatalf("status %d", status)
	}
	status, _, out = telnyxDo(t, "GET", url+"/v2/billing_groups?page[size]=0", key, "")
	if status != 422 || !strings.Contains(testJSON(out), `"parameter":"page[size]"`) {
		t.Fatalf("page size: %d %v", status, out)
	}
	status, _, out = telnyxDo(t, "GET", url+"/v2/billing_groups/not-a-uuid", key, "")
	if status != 400 || !strings.Contains(testJSON(out), "10006") {
		t.Fatalf("malformed id: %d %v", status, out)
	}
	status, hdr, _ := telnyxDo(t, "GET", url+"/v2/access_ip_address", key, "")
	if status != 200 || hdr.Get("X-Request-Id") == "" {
		t.Fatalf("request id header: %d %v", status, hdr)
	}
}

func TestTelnyxStatePersistsWithoutSecretValues(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	_, url := start(t, sandbox.Config{StateFile: file})
	key := sandbox.DefaultTelnyxAPIKey
	const value = "tok_live_persisted_0123456789"
	if status, _, out := telnyxDo(t, "POST", url+"/v2/integration_secrets", key, `{"identifier":"kept","type":"bearer","token":"`+value+`"}`); status != 201 {
		t.Fatalf("create: %d %v", status, out)
	}
	if status, _, out := telnyxDo(t, "POST", url+"/v2/billing_groups", key, `{"name":"Kept"}`); status != 200 {
		t.Fatalf("create group: %d %v", status, out)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), value) {
		t.Fatal("the state file holds the secret's value")
	}
	// A restarted sandbox has the records and still refuses to show the value.
	_, url2 := start(t, sandbox.Config{StateFile: file})
	_, _, out := telnyxDo(t, "GET", url2+"/v2/integration_secrets", key, "")
	if got := testJSON(out); !strings.Contains(got, `"identifier":"kept"`) || strings.Contains(got, value) || strings.Contains(got, "digest") {
		t.Fatalf("after restart: %s", got)
	}
	if _, _, out := telnyxDo(t, "GET", url2+"/v2/billing_groups?page[size]=50", key, ""); !strings.Contains(testJSON(out), `"name":"Kept"`) {
		t.Fatalf("billing group lost: %v", out)
	}
}

func testJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// A filter the operation does not define is refused naming it, never ignored
// (an ignored filter returns the whole list looking filtered); every form the
// reference lists is accepted.
func TestTelnyxUnknownFiltersAreRefused(t *testing.T) {
	_, url := start(t, sandbox.Config{})
	key := sandbox.DefaultTelnyxAPIKey
	for _, q := range []string{
		"/v2/access_ip_address?filter%5Bcreated_at%5D%5Bbetween%5D=x",
		"/v2/addresses?filter%5Bcity%5D=Oslo",
		"/v2/billing_groups?filter%5Bname%5D=x",
		"/v2/integration_secrets?filter%5Bidentifier%5D=x",
		"/v2/authentication_providers?filter%5Bactive%5D=true",
	} {
		status, _, out := telnyxDo(t, "GET", url+q, key, "")
		errs, _ := out["errors"].([]any)
		if status != http.StatusBadRequest || len(errs) != 1 {
			t.Fatalf("%s: status %d, %v", q, status, out)
		}
		e := errs[0].(map[string]any)
		param, _ := e["source"].(map[string]any)["parameter"].(string)
		if e["code"] != "10015" || !strings.HasPrefix(param, "filter[") || !strings.Contains(e["detail"].(string), param) {
			t.Fatalf("%s: the error must name the parameter: %v", q, e)
		}
	}
	for _, q := range []string{
		"/v2/access_ip_address?filter[created_at][gt]=2000-01-01T00:00:00Z&filter[created_at][lt]=2100-01-01T00:00:00Z&filter[created_at][gte]=2000-01-01T00:00:00Z&filter[created_at][lte]=2100-01-01T00:00:00Z&filter[ip_source]=api&filter[ip_address]=1.2.3.4",
		"/v2/access_ip_address?filter[created_at]=2000-01-01T00:00:00Z",
		"/v2/addresses?filter[customer_reference][contains]=x&filter[customer_reference][eq]=x&filter[customer_reference]=x&filter[used_as_emergency]=true&filter[street_address][contains]=main&filter[address_book][eq]=true&sort=created_at",
		"/v2/integration_secrets?filter[type]=basic&page[number]=1&page[size]=5",
	} {
		if status, _, out := telnyxDo(t, "GET", url+q, key, ""); status != http.StatusOK {
			t.Fatalf("%s: %d %v", q, status, out)
		}
	}
	if status, _, out := telnyxDo(t, "GET", url+"/v2/access_ip_address?filter[created_at][gt]=yesterday", key, ""); status != http.StatusUnprocessableEntity ||
		!strings.Contains(testJSON(out), "filter[created_at][gt]") {
		t.Fatalf("bad time: %d %v", status, out)
	}
}
