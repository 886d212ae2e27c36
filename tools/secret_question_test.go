package tools_test

import (
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// A whole ext typed into cloudbase_update_user_key: every field withheld from
// what is shown is "set"/"replaced" in the question, never its value — also
// when the call switches template (the new template's secrets), when a field
// is one the template does not declare, when the value is not a string, and
// when it is shorter than the redactor's minimum. Found by the session-3
// secret review; each case printed the value before.
func TestWholeExtQuestionNeverShowsAWithheldValue(t *testing.T) {
	cases := []struct {
		name, planted string
		args          map[string]any
		want          string
	}{
		{"template switch, short password", "Pw9!x", map[string]any{"keyId": "openai-prod", "authTypeCode": "basic_auth",
			"ext": `{"baseUrl":"https://crm.example.com","username":"svc","password":"Pw9!x"}`}, "password: (unset) → set"},
		{"template switch, long password", "pw-1234567-long", map[string]any{"keyId": "openai-prod", "authTypeCode": "basic_auth",
			"ext": `{"baseUrl":"https://crm.example.com","username":"svc","password":"pw-1234567-long"}`}, "password: (unset) → set"},
		{"undeclared field", "Tk3!z", map[string]any{"keyId": "openai-prod",
			"ext": `{"apiKey":"sk-review-0123456789abcdef","baseUrl":"https://api.openai.com/v1","secretToken":"Tk3!z"}`}, "secretToken: (unset) → set"},
		{"not a string", "48213", map[string]any{"keyId": "openai-prod",
			"ext": `{"apiKey":"sk-review-0123456789abcdef","baseUrl":"https://api.openai.com/v1","password":48213}`}, "password: (unset) → set"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := newAgent(t)
			a.ok("cloudbase_update_user_key", c.args)
			q := strings.Join(a.questions, "\n")
			if strings.Contains(q, c.planted) {
				t.Fatalf("the question shows the withheld value %q: %s", c.planted, q)
			}
			if !strings.Contains(q, c.want) {
				t.Fatalf("the question lacks %q: %s", c.want, q)
			}
		})
	}
}

// The same question declined: the declined result repeats the question to
// the agent, so it must not carry the value either.
func TestDeclinedWholeExtResultNeverShowsAWithheldValue(t *testing.T) {
	base := testenv.New(t)
	env, _ := base.Connect(testenv.ClientOptions{Name: "agent", Elicit: func(r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
		return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionDecline}}, nil
	}})
	const pw = "Pw9!x"
	res := env.Call("cloudbase_update_user_key", map[string]any{"keyId": "openai-prod", "authTypeCode": "basic_auth",
		"ext": `{"baseUrl":"https://crm.example.com","username":"svc","password":"` + pw + `"}`})
	out := testenv.JSON(res)
	if strings.Contains(out, pw) {
		t.Fatalf("the declined result shows the password: %s", out)
	}
	if !strings.Contains(out, "password: (unset) → set") {
		t.Fatalf("the declined result does not say what was declined: %s", out)
	}
}
