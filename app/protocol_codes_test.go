package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// Prompt and resource errors carry the JSON-RPC codes MCP prescribes, over
// every transport a real client uses (stdio against the built binary, both
// HTTP transports against the whole server): a bad prompt argument is
// Invalid params (-32602) naming the argument and the rule; an unknown
// resource is Resource not found (-32002; Invalid params on protocol
// 2026-07-28, as for a URI no template matches) naming the resource and what
// exists. The server keeps serving after each.
func TestPromptAndResourceErrorCodes(t *testing.T) {
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	transports := map[string]func(t *testing.T) transport.Interface{
		"stdio": func(t *testing.T) transport.Interface {
			return transport.NewStdio(bin, nil, "--sandbox", "--sandbox-secret-key", plantedKey)
		},
		"http": func(t *testing.T) transport.Interface {
			_, url, _ := serveTransport(t, "http")
			tr, err := transport.NewStreamableHTTP(url)
			if err != nil {
				t.Fatal(err)
			}
			return tr
		},
		"sse": func(t *testing.T) transport.Interface {
			_, url, _ := serveTransport(t, "sse")
			tr, err := transport.NewSSE(url)
			if err != nil {
				t.Fatal(err)
			}
			return tr
		},
	}
	for name, newTransport := range transports {
		for _, legacy := range []bool{true, false} {
			era := "2026-07-28"
			if legacy {
				era = "legacy"
			}
			t.Run(name+"/"+era, func(t *testing.T) {
				t.Parallel()
				var opts []client.ClientOption
				if legacy {
					opts = append(opts, client.WithLegacyProtocolOnly())
				}
				c := client.NewClient(newTransport(t), opts...)
				ctx := context.Background()
				if err := c.Start(ctx); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = c.Close() })
				init := mcp.InitializeRequest{}
				init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
				if legacy {
					init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
				}
				init.Params.ClientInfo = mcp.Implementation{Name: "codes-test", Version: "1"}
				if _, err := c.Initialize(ctx, init); err != nil {
					t.Fatal(err)
				}
				checkCodes(t, c, legacy)
			})
		}
	}
}

func checkCodes(t *testing.T, c *client.Client, legacy bool) {
	ctx := context.Background()
	prompt := func(name string, args map[string]string) error {
		req := mcp.GetPromptRequest{}
		req.Params.Name, req.Params.Arguments = name, args
		_, err := c.GetPrompt(ctx, req)
		return err
	}
	read := func(uri string) error {
		req := mcp.ReadResourceRequest{}
		req.Params.URI = uri
		_, err := c.ReadResource(ctx, req)
		return err
	}
	want := func(what string, err, code error, words ...string) {
		t.Helper()
		if !errors.Is(err, code) {
			t.Errorf("%s: error %v, want %v", what, err, code)
			return
		}
		for _, w := range words {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not say %q", what, err, w)
			}
		}
	}
	for _, c := range []struct {
		name  string
		args  map[string]string
		words []string
	}{
		{"setup_identity_provider", nil, []string{"providerType: required"}},
		{"setup_identity_provider", map[string]string{"providerType": "LDAP"}, []string{"providerType", "must be one of", "OIDC"}},
		{"enable_login_methods", map[string]string{"enable": "sms"}, []string{"enable", "phone, email, username, anonymous", `"sms"`}},
		{"setup_identity_provider", map[string]string{"providerType": "OIDC", "bogus": "x"}, []string{"unknown argument bogus", "allowed"}},
		{"rotate_api_key", map[string]string{"keyName": "no-such-key"}, []string{"keyName", "no api_key named", "server-prod"}},
		{"create_integration_from_template", map[string]string{"authTypeCode": "nope"}, []string{"authTypeCode", "weixinpaydc"}},
	} {
		want("prompt "+c.name, prompt(c.name, c.args), mcp.ErrInvalidParams, c.words...)
	}

	// An unknown resource: the same code as for a URI no template matches.
	notFound := mcp.ErrResourceNotFound
	if !legacy {
		notFound = mcp.ErrInvalidParams
	}
	want("unmatched URI", read("cloudbase://nothing-here"), notFound, "cloudbase://nothing-here")
	want("unknown provider", read("cloudbase://providers/nope"), notFound, "cloudbase://providers/nope", "the providers are", "github")
	want("unknown template", read("cloudbase://templates/nope"), notFound, "cloudbase://templates/nope", "weixinpaydc")
	want("unknown data model", read("cloudbase://datamodels/nope"), notFound, "cloudbase://datamodels/nope", "orders")
	want("unknown Telnyx provider", read("telnyx://authentication_providers/00000000-0000-4000-8000-000000000000"), notFound,
		"no authentication provider", "the providers are")

	// Guessed URIs, an unknown prompt or tool (trial 3): the same codes, with
	// what exists and, for a URI, the tool that reads what it names.
	want("guessed URI", read("cloudbase://apikeys"), notFound, `No resource has the URI "cloudbase://apikeys"`, "the resources are: ",
		"cloudbase://providers", "the templates: ", "cloudbase://datamodels/{name}", "cloudbase_describe_api_key_list reads what this URI names")
	want("guessed records URI", read("cloudbase://datamodels/orders/records"), notFound, "cloudbase_query_records")
	want("unknown prompt", prompt("no_such_prompt", nil), mcp.ErrInvalidParams, `No prompt is named "no_such_prompt"`, "review_login_security")
	callReq := mcp.CallToolRequest{}
	callReq.Params.Name = "cloudbase_list_api_keys"
	_, err := c.CallTool(ctx, callReq)
	want("unknown tool", err, mcp.ErrInvalidParams, `No tool is named "cloudbase_list_api_keys"`, "tools/list shows", "the closest names: ", "cloudbase_describe_api_key_list")

	// Still serving.
	if err := prompt("review_login_security", nil); err != nil {
		t.Fatalf("a valid prompt failed after the errors: %v", err)
	}
	if err := read("cloudbase://providers"); err != nil {
		t.Fatalf("a valid read failed after the errors: %v", err)
	}
}
