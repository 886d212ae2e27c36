package app_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// plant marks where a secret value goes in secretCalls' arguments.
const plant = "PLANT"

// secretCalls give, for each tool with secret fields, arguments with every
// secret field set to plant. TestSecretsTypedByTheUserNeverComeOut fails when
// a tool gains a secret field (writeOnly) no call here plants.
var secretCalls = map[string][]map[string]any{
	"cloudbase_add_provider": {{"Id": "planted", "ProviderType": "OAUTH", "Name": map[string]any{"Message": "Corp"},
		"Config": map[string]any{"ClientId": "corp-client", "ClientSecret": plant, "RedirectUri": "https://app.example/cb",
			"Scope": "openid", "AuthorizationEndpoint": "https://idp.example/auth", "TokenEndpoint": "https://idp.example/token"}}},
	"cloudbase_modify_provider": {{"Id": "github", "Config": map[string]any{"ClientSecret": plant}},
		{"Id": "email", "EmailConfig": map[string]any{"On": "FALSE", "SmtpConfig": map[string]any{"SenderAddress": "no-reply@example.com",
			"ServerHost": "smtp.example.com", "ServerPort": 465, "AccountUsername": "mailer", "AccountPassword": plant}}}},
	"telnyx_create_integration_secret": {
		{"identifier": "planted-bearer", "type": "bearer", "token": plant},
		{"identifier": "planted-basic", "type": "basic", "username": "svc", "password": plant},
	},
}

// writeOnlyPaths lists the dotted paths of a schema's writeOnly fields.
func writeOnlyPaths(schema any, path string, out *[]string) {
	m, _ := schema.(map[string]any)
	if m == nil {
		return
	}
	if m["writeOnly"] == true {
		*out = append(*out, path)
		return
	}
	props, _ := m["properties"].(map[string]any)
	for k, p := range props {
		writeOnlyPaths(p, strings.TrimPrefix(path+"."+k, "."), out)
	}
	writeOnlyPaths(m["items"], path+".*", out)
}

// planted replaces each plant in args with a distinct value and returns them.
func plantIn(v any, prefix string, values *[]string) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = plantIn(e, prefix+"-"+k, values)
		}
		return out
	case string:
		if x == plant {
			s := fmt.Sprintf("%s-%s", prefix, randomHex(6))
			*values = append(*values, s)
			return s
		}
	}
	return v
}

func plantedPaths(v any, path string, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			plantedPaths(e, strings.TrimPrefix(path+"."+k, "."), out)
		}
	case string:
		if x == plant {
			out[path] = true
		}
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	f, _ := os.Open("/dev/urandom")
	defer f.Close()
	_, _ = f.Read(b)
	return fmt.Sprintf("%x", b)
}

// Class 2: secrets typed by the user never reach the audit log, a
// confirmation, a declined or dry-run result, or a log line. What is secret
// comes from the schemas (writeOnly) and the integration templates (fields
// typed password): WeChat Pay's apiV3Key looks like nothing in particular and
// used to go out in clear.
func TestSecretsTypedByTheUserNeverComeOut(t *testing.T) {
	probe := testenv.New(t)
	// Every writeOnly field of every tool is planted by some call.
	for _, tl := range probe.App.Tools {
		var schema any
		_ = json.Unmarshal(tl.Tool.RawInputSchema, &schema)
		var paths []string
		writeOnlyPaths(schema, "", &paths)
		covered := map[string]bool{}
		for _, args := range secretCalls[tl.Spec.Name] {
			plantedPaths(args, "", covered)
		}
		for _, p := range paths {
			if !covered[p] {
				t.Errorf("%s: secret field %s is planted by no call in secretCalls", tl.Spec.Name, p)
			}
		}
	}
	// Every template's secret fields, through create (ext) and update
	// (extPatch, with and without the template named).
	type call struct {
		tool string
		args map[string]any
	}
	var calls []call
	for tool, list := range secretCalls {
		for _, a := range list {
			calls = append(calls, call{tool, a})
		}
	}
	tpls := probe.OK("cloudbase_list_templates", nil)["Templates"].([]any)
	keys := probe.OK("cloudbase_list_user_keys", nil)["UserKeys"].([]any)
	templatesWithSecrets := 0
	for _, raw := range tpls {
		tpl := raw.(map[string]any)
		code := tpl["AuthTypeCode"].(string)
		ext, patch := map[string]any{}, map[string]any{}
		fields, _ := tpl["Fields"].([]any)
		for _, f := range fields {
			f := f.(map[string]any)
			name := f["name"].(string)
			switch {
			case f["secret"] == true:
				ext[name], patch[name] = plant, plant
			case f["type"] == "url":
				ext[name] = "https://visible.example/" + name
			default:
				ext[name] = "visible-" + name
			}
		}
		if len(patch) == 0 {
			continue
		}
		templatesWithSecrets++
		calls = append(calls, call{"cloudbase_create_user_key", map[string]any{"name": "planted-" + code, "authTypeCode": code, "ext": ext}})
		for _, k := range keys {
			if k := k.(map[string]any); k["AuthTypeCode"] == code {
				calls = append(calls, call{"cloudbase_update_user_key", map[string]any{"keyId": k["KeyID"], "authTypeCode": code, "extPatch": patch}},
					call{"cloudbase_update_user_key", map[string]any{"keyId": k["KeyID"], "extPatch": patch}})
				break
			}
		}
	}
	if templatesWithSecrets < 3 {
		t.Fatalf("only %d templates with secret fields: the sandbox seeds more", templatesWithSecrets)
	}
	sort.SliceStable(calls, func(i, j int) bool { return calls[i].tool < calls[j].tool })

	for _, mode := range []string{"accept", "decline", "dry run"} {
		t.Run(mode, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "audit.jsonl")
			base := testenv.New(t, func(c *config.Config) { c.AuditLog = path; c.DryRun = mode == "dry run" })
			u := &user{}
			if mode == "decline" {
				u.answer(mcp.ElicitationResponseActionDecline, nil)
			} else {
				u.answer(mcp.ElicitationResponseActionAccept, map[string]any{"confirm": true})
			}
			e, msgs := base.Connect(testenv.ClientOptions{Elicit: u.elicit})
			e.SetLevel(mcp.LoggingLevelDebug)
			var planted []string
			var seen strings.Builder
			for i, c := range calls {
				args := c.args
				if ext, ok := args["ext"].(map[string]any); ok {
					args = plantIn(args, fmt.Sprintf("p%d", i), &planted).(map[string]any)
					raw, _ := json.Marshal(plantIn(ext, fmt.Sprintf("p%d-ext", i), &planted))
					args["ext"] = string(raw)
				} else {
					args = plantIn(args, fmt.Sprintf("p%d", i), &planted).(map[string]any)
				}
				res := e.Call(c.tool, args)
				fmt.Fprintf(&seen, "%s %s: %s\n", mode, c.tool, testenv.JSON(res))
			}
			qs := u.questions()
			for _, q := range qs {
				seen.WriteString("question: " + q + "\n")
			}
			switch {
			case mode == "decline" && len(qs) == 0, mode == "dry run" && len(qs) != 0:
				t.Fatalf("%d questions asked", len(qs))
			case mode == "accept" && base.App.Sandbox.Count("CreateUserKey") == 0:
				t.Fatal("accepted calls did not reach the cloud")
			}
			t.Logf("%d calls, %d planted values, %d questions", len(calls), len(planted), len(qs))
			raw, _ := os.ReadFile(path)
			if len(raw) == 0 {
				t.Fatal("no audit lines were written")
			}
			seen.Write(raw)
			seen.WriteString(base.Logs.String())
			seen.WriteString(testenv.JSON(msgs.All()))
			all := seen.String()
			for _, p := range planted {
				if strings.Contains(all, p) {
					i := strings.Index(all, p)
					t.Errorf("planted secret %s came out: …%s…", p, all[max(0, i-300):min(len(all), i+60)])
				}
			}
			if !strings.Contains(all, "visible-") {
				t.Errorf("non-secret template fields were withheld too: nothing visible came out")
			}
		})
	}
}
