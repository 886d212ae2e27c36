package telnyx_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/telnyx"
)

type retryLog struct {
	n     atomic.Int32
	waits []time.Duration
}

// newClient returns a client for the sandbox behind wrap (which may
// intercept requests), the sandbox, and a record of retries.
func newClient(t *testing.T, wrap func(http.Handler) http.Handler, mod ...func(*telnyx.Config)) (*telnyx.Client, *sandbox.Server, *retryLog) {
	t.Helper()
	sb, err := sandbox.New(sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	h := sb.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	rl := &retryLog{}
	cfg := telnyx.Config{APIKey: sandbox.DefaultTelnyxAPIKey, Endpoint: srv.URL, Timeout: 5 * time.Second,
		Retry: telnyx.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond},
		OnRetry: func(_ context.Context, _ string, _ int, wait time.Duration, _ error) {
			rl.n.Add(1)
			rl.waits = append(rl.waits, wait)
		}}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := telnyx.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, sb, rl
}

var ctx = context.Background()

func TestEveryOperationRoundTrips(t *testing.T) {
	c, sb, _ := newClient(t, nil)

	ips, err := c.ListAccessIPAddresses(ctx, nil, telnyx.PageParams{})
	if err != nil || len(ips.Data) != 3 || ips.Meta.TotalResults == nil || *ips.Meta.TotalResults != 3 {
		t.Fatalf("list access IPs: %v %+v", err, ips)
	}
	ip, err := c.CreateAccessIPAddress(ctx, &telnyx.CreateAccessIPAddressParams{IPAddress: "192.0.2.7", Description: "bastion"})
	if err != nil || ip.ID == "" || ip.Status != "pending" || ip.IPAddress != "192.0.2.7" {
		t.Fatalf("create access IP: %v %+v", err, ip)
	}
	if got, err := c.GetAccessIPAddress(ctx, ip.ID); err != nil || got.Description != "bastion" {
		t.Fatalf("get access IP: %v %+v", err, got)
	}
	if got, err := c.DeleteAccessIPAddress(ctx, ip.ID); err != nil || got.ID != ip.ID {
		t.Fatalf("delete access IP: %v %+v", err, got)
	}

	addr, err := c.CreateAddress(ctx, &telnyx.CreateAddressParams{FirstName: "Alfred", LastName: "Foster", BusinessName: "Toy-O'Kon",
		StreetAddress: "600 congress avenue", Locality: "Austin", CountryCode: "US", PostalCode: "78701"})
	if err != nil || addr.ID == "" || addr.RecordType != "address" {
		t.Fatalf("create address: %v %+v", err, addr)
	}
	if got, err := c.GetAddress(ctx, addr.ID); err != nil || got.StreetAddress != "600 congress avenue" {
		t.Fatalf("get address: %v %+v", err, got)
	}
	v, err := c.ValidateAddress(ctx, &telnyx.ValidateAddressParams{StreetAddress: "600 congress avenue", PostalCode: "78701", CountryCode: "US"})
	if err != nil || v.Result != "valid" || v.Suggested.StreetAddress != "600 Congress Ave" || v.Suggested.AdministrativeArea != "TX" {
		t.Fatalf("validate: %v %+v", err, v)
	}
	bad, err := c.ValidateAddress(ctx, &telnyx.ValidateAddressParams{StreetAddress: "Congress", PostalCode: "7870", CountryCode: "US"})
	if err != nil || bad.Result != "invalid" || len(bad.Errors) != 2 || bad.Errors[1].Field() != "postal_code" || bad.Errors[1].Detail == "" {
		t.Fatalf("validate invalid (description must map to detail): %v %+v", err, bad)
	}
	acc, err := c.AcceptAddressSuggestions(ctx, addr.ID, nil)
	if err != nil || !acc.Accepted || acc.RecordType != "address_suggestion" {
		t.Fatalf("accept: %v %+v", err, acc)
	}
	if got, _ := c.GetAddress(ctx, addr.ID); got.StreetAddress != "600 Congress Ave" {
		t.Fatalf("accepting did not apply the suggestion: %+v", got)
	}
	if _, err := c.DeleteAddress(ctx, addr.ID); err != nil {
		t.Fatal(err)
	}

	provs, err := c.ListAuthenticationProviders(ctx, &telnyx.AuthenticationProviderFilter{Sort: "name"}, telnyx.PageParams{})
	if err != nil || len(provs.Data) != 2 || provs.Data[0].Name > provs.Data[1].Name {
		t.Fatalf("list providers sorted by name: %v %+v", err, provs)
	}
	p, err := c.CreateAuthenticationProvider(ctx, &telnyx.CreateAuthenticationProviderParams{Name: "OneLogin", ShortName: "acme",
		Settings: telnyx.ProviderSettingsInput{IdpEntityID: "https://acme.onelogin.com/saml/metadata", IdpSSOTargetURL: "https://acme.onelogin.com/trust/saml2/http-post/sso",
			IdpCertFingerprint: "13:38:C7:BB:C9:FF:4A:70:38:3A:E3:D9:5C:CD:DB:2E:50:1E:80:A7"}})
	if err != nil || p.Settings == nil || p.Settings.ServiceProviderLoginURL == "" || *p.Active {
		t.Fatalf("create provider: %v %+v", err, p)
	}
	on := true
	up, err := c.UpdateAuthenticationProvider(ctx, p.ID, &telnyx.UpdateAuthenticationProviderParams{Active: &on})
	if err != nil || !*up.Active || up.ActivatedAt == "" || up.Name != "OneLogin" {
		t.Fatalf("update provider: %v %+v", err, up)
	}
	if got, err := c.GetAuthenticationProvider(ctx, p.ID); err != nil || !*got.Active {
		t.Fatalf("get provider: %v %+v", err, got)
	}
	if _, err := c.DeleteAuthenticationProvider(ctx, p.ID); err != nil {
		t.Fatal(err)
	}

	name := "Telecom R&D"
	g, err := c.CreateBillingGroup(ctx, &telnyx.BillingGroupParams{Name: &name})
	if err != nil || g.Name != name || g.RecordType != "billing_group" {
		t.Fatalf("create group: %v %+v", err, g)
	}
	renamed := "Telecom research"
	if got, err := c.UpdateBillingGroup(ctx, g.ID, &telnyx.BillingGroupParams{Name: &renamed}); err != nil || got.Name != renamed {
		t.Fatalf("update group: %v %+v", err, got)
	}
	if got, err := c.GetBillingGroup(ctx, g.ID); err != nil || got.Name != renamed {
		t.Fatalf("get group: %v %+v", err, got)
	}
	if got, err := c.DeleteBillingGroup(ctx, g.ID); err != nil || got.DeletedAt == nil {
		t.Fatalf("delete group: %v %+v", err, got)
	}

	sec, err := c.CreateIntegrationSecret(ctx, &telnyx.CreateIntegrationSecretParams{Identifier: "my_secret", Type: "bearer", Token: "my_secret_value_123"})
	if err != nil || sec.ID == "" || sec.Identifier != "my_secret" {
		t.Fatalf("create secret: %v %+v", err, sec)
	}
	list, err := c.ListIntegrationSecrets(ctx, &telnyx.IntegrationSecretFilter{Type: "bearer"}, telnyx.PageParams{})
	if err != nil || len(list.Data) != 2 {
		t.Fatalf("list bearer secrets: %v %+v", err, list)
	}
	if err := c.DeleteIntegrationSecret(ctx, sec.ID); err != nil {
		t.Fatal(err)
	}

	tok, err := c.CreateTelephonyCredentialToken(ctx, sandbox.TelnyxDemoCredentialID)
	if err != nil {
		t.Fatal(err)
	}
	claims, err := sb.VerifyTelephonyToken(tok)
	if err != nil || claims["sub"] != sandbox.TelnyxDemoCredentialID {
		t.Fatalf("token is not a valid signed JWT for the credential: %v %v", err, claims)
	}
	if _, err := sb.VerifyTelephonyToken(tok[:len(tok)-2] + "xx"); err == nil {
		t.Fatal("a tampered token verified")
	}
}

func TestNotFoundAndExpiredCredential(t *testing.T) {
	c, _, _ := newClient(t, nil)
	_, err := c.GetBillingGroup(ctx, "6f1c2b1e-7d3a-4c55-9a0e-2f4d8b7c9e10")
	var apiErr *telnyx.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 404 || apiErr.Errors[0].Code != "10005" || apiErr.RequestID == "" {
		t.Fatalf("got %v, want 404 10005 with a request id", err)
	}
	if !strings.Contains(err.Error(), "No such record") {
		t.Fatalf("404 without advice: %v", err)
	}
	_, err = c.CreateTelephonyCredentialToken(ctx, sandbox.TelnyxExpiredCredentialID)
	if !errors.As(err, &apiErr) || apiErr.Status != 422 || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("expired credential: %v", err)
	}
}

func TestValidationErrorNamesTheField(t *testing.T) {
	c, sb, _ := newClient(t, nil)
	_, err := c.CreateAuthenticationProvider(ctx, &telnyx.CreateAuthenticationProviderParams{Name: "Okta 2", ShortName: "myorg",
		Settings: telnyx.ProviderSettingsInput{IdpEntityID: "x", IdpSSOTargetURL: "https://idp.example/sso", IdpCertFingerprint: "AB:CD"}})
	var apiErr *telnyx.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 422 {
		t.Fatalf("got %v, want a 422", err)
	}
	fields := strings.Join(apiErr.Fields(), ",")
	if fields != "settings.idp_cert_fingerprint,short_name" {
		t.Fatalf("fields %q, want the fingerprint and the taken short name", fields)
	}
	if !strings.Contains(err.Error(), "(field settings.idp_cert_fingerprint)") || !strings.Contains(err.Error(), "Fix the named field") {
		t.Fatalf("message does not name the field: %v", err)
	}
	// A bad page size is blamed on the query parameter.
	_, err = c.ListBillingGroups(ctx, telnyx.PageParams{Size: 251})
	if !errors.As(err, &apiErr) || apiErr.Fields()[0] != "page[size]" {
		t.Fatalf("page size: %v", err)
	}
	if n := sb.Count("POST /v2/authentication_providers"); n != 1 {
		t.Fatalf("a 422 was retried: %d requests", n)
	}
}

func TestWrongAndMissingKey(t *testing.T) {
	const wrong = "KEY0123456789ABCDEF_wrongwrongwrong"
	c, sb, _ := newClient(t, nil, func(cfg *telnyx.Config) { cfg.APIKey = wrong })
	_, err := c.ListBillingGroups(ctx, telnyx.PageParams{})
	var apiErr *telnyx.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 401 || apiErr.Errors[0].Code != "10009" || !strings.Contains(err.Error(), "TELNYX_API_KEY") {
		t.Fatalf("got %v, want 401 naming TELNYX_API_KEY", err)
	}
	if strings.Contains(err.Error(), wrong) {
		t.Fatal("the key leaked into the error")
	}
	if sb.Count("GET /v2/billing_groups") != 0 {
		t.Fatal("an unauthenticated request was handled")
	}
	// A session's own key wins over the configured one.
	octx := cloud.WithOverrides(ctx, cloud.Overrides{telnyx.HeaderAPIKey: sandbox.DefaultTelnyxAPIKey})
	if _, err := c.ListBillingGroups(octx, telnyx.PageParams{}); err != nil {
		t.Fatalf("override key: %v", err)
	}
	none, _, _ := newClient(t, nil, func(cfg *telnyx.Config) { cfg.APIKey = "" })
	if _, err := none.ListBillingGroups(ctx, telnyx.PageParams{}); !errors.Is(err, telnyx.ErrNoAPIKey) || !strings.Contains(err.Error(), "TELNYX_API_KEY") {
		t.Fatalf("no key: %v", err)
	}
}

func TestWalkFollowsMetaAndStopsAtMax(t *testing.T) {
	c, sb, _ := newClient(t, nil)
	fetch := func(ctx context.Context, p telnyx.PageParams) (*telnyx.Page[telnyx.BillingGroup], error) {
		return c.ListBillingGroups(ctx, p)
	}
	var seen []int
	w, err := telnyx.Walk(ctx, telnyx.PageParams{Size: 5}, 1000, fetch, func(p *telnyx.Page[telnyx.BillingGroup], n int) {
		seen = append(seen, n)
	})
	if err != nil || len(w.Items) != 12 || w.Pages != 3 || w.Truncated || w.Last.TotalPages != 3 {
		t.Fatalf("walk: %v %+v", err, w)
	}
	if fmt.Sprint(seen) != "[5 10 12]" {
		t.Fatalf("progress after each page: %v", seen)
	}
	ids := map[string]bool{}
	for _, g := range w.Items {
		ids[g.ID] = true
	}
	if len(ids) != 12 {
		t.Fatalf("pages overlap: %d distinct of 12", len(ids))
	}
	if n := sb.Count("GET /v2/billing_groups"); n != 3 {
		t.Fatalf("%d requests for 3 pages", n)
	}
	// The bound: 7 items end the walk in page 2, which is where to go on.
	w, err = telnyx.Walk(ctx, telnyx.PageParams{Size: 5}, 7, fetch, nil)
	if err != nil || len(w.Items) != 7 || !w.Truncated || w.NextPage != 2 || w.Pages != 2 {
		t.Fatalf("bounded walk: %v %+v", err, w)
	}
	w, err = telnyx.Walk(ctx, telnyx.PageParams{Size: 5}, 10, fetch, nil)
	if err != nil || len(w.Items) != 10 || !w.Truncated || w.NextPage != 3 {
		t.Fatalf("walk bounded at a page end: %v %+v", err, w)
	}
}
