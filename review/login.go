// Package review judges cloud settings against security rules, changing
// nothing: each finding names the weak setting and the exact tool call that
// fixes it. Prompts render the findings; a tool or resource can serve them.
package review

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
)

// LoginSecurityRules are the rules LoginSecurity applies, in words, for a
// reader who has to check them by hand.
var LoginSecurityRules = []string{
	"MfaConfig.On should be TRUE (multi-factor login).",
	"PwdUpdateStrategy: FirstLoginUpdate and PeriodUpdate should be true, with PeriodValue 90 and PeriodType DAY or shorter.",
	"SmsVerificationConfig.SmsDayLimit should not be -1 (unlimited) while phone login is on.",
	"AnonymousLogin should be false unless anonymous access is intended.",
	"Client MaxDevice should not be -1 (unlimited sessions per user); 5 is a common limit.",
	"Client AccessTokenExpiresIn should be at most 7200 s and RefreshTokenExpiresIn at most 604800 s (7 days).",
	"Providers that are On should have AutoSignUpWithProviderUser FALSE unless open registration is intended, and AutoSignInWhenEmailMatch FALSE unless the IdP verifies e-mail addresses.",
}

// Finding is one weak setting and the tool call that fixes it.
type Finding struct {
	Severity string `json:"severity"` // high, medium or low
	Problem  string `json:"problem"`
	Fix      Call   `json:"fix"`
}

// Call is a tool call with its arguments; Note qualifies when to make it.
type Call struct {
	Tool string         `json:"tool"`
	Args map[string]any `json:"args"`
	Note string         `json:"note,omitempty"`
}

// Report is the outcome of a review: what is weak and what passed.
type Report struct {
	Findings []Finding `json:"findings"`
	Passed   []string  `json:"passed"`
}

const (
	maxAccessToken  = 7200
	maxRefreshToken = 7 * 24 * 3600
)

// LoginSecurity reads the login policy, the app client (client, the env id
// for the default one) and the identity providers, and applies
// LoginSecurityRules. It changes nothing.
func LoginSecurity(ctx context.Context, c *tcb.Client, client string) (*Report, error) {
	lc, err := c.DescribeLoginConfig(ctx)
	if err != nil {
		return nil, err
	}
	cl, err := c.DescribeClient(ctx, &tcb.DescribeClientRequest{Id: client})
	if err != nil {
		return nil, err
	}
	providers, err := c.GetProviders(ctx)
	if err != nil {
		return nil, err
	}
	rep := &Report{Findings: []Finding{}, Passed: []string{}}
	add := func(sev, problem string, fix Call) { rep.Findings = append(rep.Findings, Finding{sev, problem, fix}) }

	mfa := tcb.MfaConfig{On: "FALSE", Sms: "FALSE", Email: "FALSE", RequiredBindPhone: "FALSE"}
	if lc.MfaConfig != nil {
		mfa = *lc.MfaConfig
	}
	if mfa.On != "TRUE" {
		next := mfa
		next.On = "TRUE"
		if lc.PhoneNumberLogin {
			next.Sms = "TRUE"
		}
		if lc.EmailLogin || !lc.PhoneNumberLogin {
			next.Email = "TRUE"
		}
		add("high", "MFA is off (MfaConfig.On is "+cmp.Or(mfa.On, "unset")+"): a stolen password alone opens an account.",
			Call{"cloudbase_modify_login_config", map[string]any{"MfaConfig": next}, ""})
	} else {
		rep.Passed = append(rep.Passed, "MFA on")
	}
	pw := tcb.PwdUpdateStrategy{}
	if lc.PwdUpdateStrategy != nil {
		pw = *lc.PwdUpdateStrategy
	}
	if lc.UserNameLogin || lc.EmailLogin {
		weakPeriod := pw.PeriodUpdate == nil || !*pw.PeriodUpdate
		weakFirst := pw.FirstLoginUpdate == nil || !*pw.FirstLoginUpdate
		if weakPeriod || weakFirst {
			var what []string
			if weakPeriod {
				what = append(what, "no periodic password change")
			}
			if weakFirst {
				what = append(what, "no forced change at first login")
			}
			add("medium", "Password rotation is weak: "+strings.Join(what, ", ")+".",
				Call{"cloudbase_modify_login_config", map[string]any{"PwdUpdateStrategy": map[string]any{
					"FirstLoginUpdate": true, "PeriodUpdate": true, "PeriodValue": 90, "PeriodType": "DAY"}}, ""})
		} else {
			rep.Passed = append(rep.Passed, "password rotation on")
		}
	}
	if lc.PhoneNumberLogin && lc.SmsVerificationConfig != nil && lc.SmsVerificationConfig.SmsDayLimit != nil && *lc.SmsVerificationConfig.SmsDayLimit == -1 {
		next := *lc.SmsVerificationConfig
		limit := 30
		next.SmsDayLimit = &limit
		add("medium", "SMS codes are unlimited per day (SmsDayLimit -1): SMS pumping can run up costs.",
			Call{"cloudbase_modify_login_config", map[string]any{"SmsVerificationConfig": next}, ""})
	}
	if lc.AnonymousLogin {
		add("medium", "Anonymous login is on: anyone can obtain a session.",
			Call{"cloudbase_modify_login_config", map[string]any{"AnonymousLogin": false}, " (unless anonymous access is intended)"})
	}
	if cl.MaxDevice != nil && *cl.MaxDevice == -1 {
		add("medium", "Unlimited devices per user (MaxDevice -1): a leaked session is never pushed out.",
			Call{"cloudbase_modify_client", map[string]any{"Id": client, "MaxDevice": 5}, ""})
	}
	if cl.AccessTokenExpiresIn != nil && *cl.AccessTokenExpiresIn > maxAccessToken {
		add("medium", fmt.Sprintf("Access tokens live %d s (more than %d s).", *cl.AccessTokenExpiresIn, maxAccessToken),
			Call{"cloudbase_modify_client", map[string]any{"Id": client, "AccessTokenExpiresIn": maxAccessToken}, ""})
	}
	if cl.RefreshTokenExpiresIn != nil && *cl.RefreshTokenExpiresIn > maxRefreshToken {
		add("low", fmt.Sprintf("Refresh tokens live %d s (%d days; more than 7).", *cl.RefreshTokenExpiresIn, *cl.RefreshTokenExpiresIn/86400),
			Call{"cloudbase_modify_client", map[string]any{"Id": client, "RefreshTokenExpiresIn": maxRefreshToken}, ""})
	}
	if cl.MaxDevice != nil && *cl.MaxDevice != -1 {
		rep.Passed = append(rep.Passed, "device limit set")
	}
	for _, pr := range providers.Data {
		if pr.On != "TRUE" {
			continue
		}
		if pr.AutoSignUpWithProviderUser == "TRUE" {
			add("medium", fmt.Sprintf("Provider %s (%s) auto-registers anyone who signs in there (AutoSignUpWithProviderUser TRUE).", pr.Id, pr.ProviderType),
				Call{"cloudbase_modify_provider", map[string]any{"Id": pr.Id, "AutoSignUpWithProviderUser": "FALSE"}, " (unless open registration is intended)"})
		}
		if pr.AutoSignInWhenEmailMatch == "TRUE" {
			add("medium", fmt.Sprintf("Provider %s links accounts by e-mail (AutoSignInWhenEmailMatch TRUE): an IdP that does not verify e-mail allows account takeover.", pr.Id),
				Call{"cloudbase_modify_provider", map[string]any{"Id": pr.Id, "AutoSignInWhenEmailMatch": "FALSE"}, " (unless the IdP verifies e-mail)"})
		}
	}
	return rep, nil
}
