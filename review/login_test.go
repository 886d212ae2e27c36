package review_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
	"github.com/cloudops-mcp/cloudops-mcp/review"
)

// The review runs against the sandbox through the real client; the state it
// judges is set through the same client, and its fixes are made as the tool
// calls they name, through an MCP client.

func newEnv(t *testing.T) (*testenv.Env, *tcb.Client) {
	t.Helper()
	e := testenv.New(t, func(c *config.Config) { c.ConfirmDestructive = false })
	return e, tcb.ClientKey.Get(e.App.Deps.Clients)
}

func ptr[T any](v T) *T { return &v }

// weaken sets every setting the rules look at to its weak value.
func weaken(t *testing.T, c *tcb.Client, client string) (providerID string) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.ModifyLoginConfig(ctx, &tcb.LoginConfig{PhoneNumberLogin: true, EmailLogin: true, UserNameLogin: true, AnonymousLogin: true,
		SmsVerificationConfig: &tcb.SmsVerificationConfig{Type: "default", SmsDayLimit: ptr(-1)},
		MfaConfig:             &tcb.MfaConfig{On: "FALSE", Sms: "FALSE", Email: "FALSE", RequiredBindPhone: "FALSE"},
		PwdUpdateStrategy:     &tcb.PwdUpdateStrategy{FirstLoginUpdate: ptr(false), PeriodUpdate: ptr(false)},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ModifyClient(ctx, &tcb.ModifyClientRequest{Id: client, MaxDevice: ptr(-1),
		AccessTokenExpiresIn: ptr(10800), RefreshTokenExpiresIn: ptr(2592000)}); err != nil {
		t.Fatal(err)
	}
	list, err := c.GetProviders(ctx)
	if err != nil || len(list.Data) == 0 {
		t.Fatalf("providers: %v %v", list, err)
	}
	providerID = list.Data[0].Id
	if _, err := c.ModifyProvider(ctx, &tcb.ModifyProviderRequest{Id: providerID, On: "TRUE",
		AutoSignUpWithProviderUser: "TRUE", AutoSignInWhenEmailMatch: "TRUE"}); err != nil {
		t.Fatal(err)
	}
	return providerID
}

func find(rep *review.Report, problem string) *review.Finding {
	for i := range rep.Findings {
		if strings.Contains(rep.Findings[i].Problem, problem) {
			return &rep.Findings[i]
		}
	}
	return nil
}

func TestWeakSettingsAreEachFoundWithTheirFix(t *testing.T) {
	_, c := newEnv(t)
	ctx := context.Background()
	client := c.EnvID(ctx)
	provider := weaken(t, c, client)
	rep, err := review.LoginSecurity(ctx, c, client)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct {
		problem, severity, tool string
		args                    map[string]any // a subset of the fix's arguments
	}{
		{"MFA is off", "high", "cloudbase_modify_login_config", nil},
		{"Password rotation is weak: no periodic password change, no forced change at first login", "medium", "cloudbase_modify_login_config", nil},
		{"SMS codes are unlimited", "medium", "cloudbase_modify_login_config", nil},
		{"Anonymous login is on", "medium", "cloudbase_modify_login_config", map[string]any{"AnonymousLogin": false}},
		{"Unlimited devices per user", "medium", "cloudbase_modify_client", map[string]any{"Id": client, "MaxDevice": 5}},
		{"Access tokens live 10800 s", "medium", "cloudbase_modify_client", map[string]any{"Id": client, "AccessTokenExpiresIn": 7200}},
		{"Refresh tokens live 2592000 s (30 days", "low", "cloudbase_modify_client", map[string]any{"Id": client, "RefreshTokenExpiresIn": 604800}},
		{"Provider " + provider + " (", "medium", "cloudbase_modify_provider", map[string]any{"Id": provider, "AutoSignUpWithProviderUser": "FALSE"}},
		{"Provider " + provider + " links accounts by e-mail", "medium", "cloudbase_modify_provider", map[string]any{"Id": provider, "AutoSignInWhenEmailMatch": "FALSE"}},
	} {
		f := find(rep, want.problem)
		if f == nil {
			t.Errorf("no finding %q in %+v", want.problem, rep.Findings)
			continue
		}
		if f.Severity != want.severity || f.Fix.Tool != want.tool {
			t.Errorf("%q: severity %s, fix %s; want %s, %s", want.problem, f.Severity, f.Fix.Tool, want.severity, want.tool)
		}
		for k, v := range want.args {
			if f.Fix.Args[k] != v {
				t.Errorf("%q: fix argument %s = %v, want %v", want.problem, k, f.Fix.Args[k], v)
			}
		}
	}
	// The MFA fix turns on a second factor the enabled logins can deliver.
	mfa, _ := find(rep, "MFA is off").Fix.Args["MfaConfig"].(tcb.MfaConfig)
	if mfa.On != "TRUE" || mfa.Sms != "TRUE" || mfa.Email != "TRUE" {
		t.Errorf("MFA fix %+v: want On, Sms (phone login) and Email (e-mail login) TRUE", mfa)
	}
	sms, _ := find(rep, "SMS codes").Fix.Args["SmsVerificationConfig"].(tcb.SmsVerificationConfig)
	if sms.SmsDayLimit == nil || *sms.SmsDayLimit != 30 || sms.Type != "default" {
		t.Errorf("SMS fix %+v: want the stored config with a daily limit of 30", sms)
	}
	for _, p := range rep.Passed {
		if p == "MFA on" || p == "device limit set" || p == "password rotation on" {
			t.Errorf("%q passed while it is weak", p)
		}
	}
}

// Every fix the review proposes, made as the tool call it names, clears its
// finding; once all are made the review passes everything it checks.
func TestEachFixClearsItsFinding(t *testing.T) {
	e, c := newEnv(t)
	ctx := context.Background()
	client := c.EnvID(ctx)
	weaken(t, c, client)
	rep, err := review.LoginSecurity(ctx, c, client)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) < 9 {
		t.Fatalf("weakened settings gave %d findings: %+v", len(rep.Findings), rep.Findings)
	}
	for _, f := range rep.Findings {
		e.OK(f.Fix.Tool, f.Fix.Args)
		after, err := review.LoginSecurity(ctx, c, client)
		if err != nil {
			t.Fatal(err)
		}
		if find(after, f.Problem) != nil {
			t.Errorf("after %s(%v) the finding %q remains", f.Fix.Tool, f.Fix.Args, f.Problem)
		}
	}
	final, err := review.LoginSecurity(ctx, c, client)
	if err != nil {
		t.Fatal(err)
	}
	if len(final.Findings) != 0 {
		t.Errorf("findings left after every fix: %+v", final.Findings)
	}
	for _, want := range []string{"MFA on", "password rotation on", "device limit set"} {
		if !strings.Contains(strings.Join(final.Passed, "|"), want) {
			t.Errorf("passed %v lacks %q", final.Passed, want)
		}
	}
}

// A cloud error ends the review with that error: no partial report.
func TestReviewFailsWithTheCloudError(t *testing.T) {
	_, c := newEnv(t)
	rep, err := review.LoginSecurity(context.Background(), c, "no-such-client")
	if err == nil || rep != nil {
		t.Fatalf("unknown client: report %+v, error %v", rep, err)
	}
	if !strings.Contains(err.Error(), "DescribeClient") {
		t.Errorf("error %q does not name the failed action", err)
	}
}
