package telnyx

import (
	"context"
	"net/url"
)

// Authentication providers: SAML single sign-on for the organization. The
// settings are public IdP metadata (no private key or shared secret), but
// writing them moves SSO trust.

// AuthenticationProvider is one SSO provider.
type AuthenticationProvider struct {
	ID             string            `json:"id,omitempty" jsonschema:"format=uuid"`
	Name           string            `json:"name,omitempty"`
	ShortName      string            `json:"short_name,omitempty"`
	Active         *bool             `json:"active,omitempty"`
	ActivatedAt    string            `json:"activated_at,omitempty"`
	OrganizationID string            `json:"organization_id,omitempty" jsonschema:"format=uuid"`
	RecordType     string            `json:"record_type,omitempty"`
	Settings       *ProviderSettings `json:"settings,omitempty"`
	CreatedAt      string            `json:"created_at,omitempty"`
	UpdatedAt      string            `json:"updated_at,omitempty"`
}

// ProviderSettings are the SAML settings as the API returns them.
type ProviderSettings struct {
	IdpEntityID                 string         `json:"idp_entity_id,omitempty"`
	IdpSSOTargetURL             string         `json:"idp_sso_target_url,omitempty"`
	IdpSLOTargetURL             string         `json:"idp_slo_target_url,omitempty"`
	IdpCertFingerprint          string         `json:"idp_cert_fingerprint,omitempty"`
	IdpCertFingerprintAlgorithm string         `json:"idp_cert_fingerprint_algorithm,omitempty"`
	IdpCertificate              string         `json:"idp_certificate,omitempty"`
	IdpAttributeNames           map[string]any `json:"idp_attribute_names,omitempty"`
	NameIdentifierFormat        string         `json:"name_identifier_format,omitempty"`
	ProvisionGroups             *bool          `json:"provision_groups,omitempty"`
	AssertionConsumerServiceURL string         `json:"assertion_consumer_service_url,omitempty"`
	ServiceProviderEntityID     string         `json:"service_provider_entity_id,omitempty"`
	ServiceProviderLoginURL     string         `json:"service_provider_login_url,omitempty"`
}

// ProviderSettingsInput is the settings object of create and update.
type ProviderSettingsInput struct {
	IdpEntityID                 string `json:"idp_entity_id" jsonschema:"minLength=1,maxLength=1024"`
	IdpSSOTargetURL             string `json:"idp_sso_target_url" jsonschema:"format=uri,maxLength=2048" jsonschema_description:"HTTP-POST binding"`
	IdpCertFingerprint          string `json:"idp_cert_fingerprint" jsonschema:"minLength=1,maxLength=256" jsonschema_description:"E.g. 13:38:C7:…"`
	IdpCertFingerprintAlgorithm string `json:"idp_cert_fingerprint_algorithm,omitempty" jsonschema:"enum=sha1,enum=sha256,enum=sha384,enum=sha512" jsonschema_description:"Default: from the fingerprint's length"`
}

// AuthenticationProviderFilter orders the list.
type AuthenticationProviderFilter struct {
	Sort string `json:"sort,omitempty" jsonschema:"enum=name,enum=-name,enum=short_name,enum=-short_name,enum=active,enum=-active,enum=created_at,enum=-created_at,enum=updated_at,enum=-updated_at" jsonschema_description:"A - prefix sorts descending"`
}

func (f *AuthenticationProviderFilter) query() url.Values {
	q := url.Values{}
	if f != nil {
		set(q, "sort", f.Sort)
	}
	return q
}

// CreateAuthenticationProviderParams is the create body.
type CreateAuthenticationProviderParams struct {
	Name        string                `json:"name" jsonschema:"minLength=1,maxLength=255" jsonschema_description:"e.g. Okta"`
	ShortName   string                `json:"short_name" jsonschema:"pattern=^[A-Za-z0-9_-]+$,maxLength=64" jsonschema_description:"Unique; part of the login URL"`
	Settings    ProviderSettingsInput `json:"settings" jsonschema_description:"SAML settings"`
	Active      *bool                 `json:"active,omitempty" jsonschema_description:"Enable SSO now"`
	SettingsURL string                `json:"settings_url,omitempty" jsonschema:"format=uri,maxLength=2048" jsonschema_description:"Fills settings (settings wins)"`
}

// UpdateAuthenticationProviderParams is the update body: only what is set changes.
type UpdateAuthenticationProviderParams struct {
	Name        *string                `json:"name,omitempty" jsonschema:"minLength=1,maxLength=255" jsonschema_description:"Display name"`
	ShortName   *string                `json:"short_name,omitempty" jsonschema:"pattern=^[A-Za-z0-9_-]+$,maxLength=64" jsonschema_description:"Unique; changes the login URL"`
	Active      *bool                  `json:"active,omitempty" jsonschema_description:"Enable or disable SSO"`
	Settings    *ProviderSettingsInput `json:"settings,omitempty" jsonschema_description:"Replaces the settings"`
	SettingsURL *string                `json:"settings_url,omitempty" jsonschema:"format=uri,maxLength=2048" jsonschema_description:"Fills settings"`
}

// Empty reports whether the update would change nothing.
func (p *UpdateAuthenticationProviderParams) Empty() bool {
	return p.Name == nil && p.ShortName == nil && p.Active == nil && p.Settings == nil && p.SettingsURL == nil
}

// ListAuthenticationProviders lists one page. GET /authentication_providers
func (c *Client) ListAuthenticationProviders(ctx context.Context, f *AuthenticationProviderFilter, page PageParams) (*Page[AuthenticationProvider], error) {
	return listPage[AuthenticationProvider](ctx, c, "/authentication_providers", f.query(), page)
}

// CreateAuthenticationProvider creates an SSO provider. POST /authentication_providers
func (c *Client) CreateAuthenticationProvider(ctx context.Context, in *CreateAuthenticationProviderParams) (*AuthenticationProvider, error) {
	var out AuthenticationProvider
	return &out, c.record(ctx, &request{method: "POST", path: "/authentication_providers", body: in, mutating: true}, &out)
}

// GetAuthenticationProvider reads one provider. GET /authentication_providers/{id}
func (c *Client) GetAuthenticationProvider(ctx context.Context, id string) (*AuthenticationProvider, error) {
	var out AuthenticationProvider
	return &out, c.record(ctx, &request{method: "GET", path: "/authentication_providers/" + pathID(id)}, &out)
}

// UpdateAuthenticationProvider changes the fields set in in. PATCH /authentication_providers/{id}
func (c *Client) UpdateAuthenticationProvider(ctx context.Context, id string, in *UpdateAuthenticationProviderParams) (*AuthenticationProvider, error) {
	var out AuthenticationProvider
	return &out, c.record(ctx, &request{method: "PATCH", path: "/authentication_providers/" + pathID(id), body: in, mutating: true}, &out)
}

// DeleteAuthenticationProvider deletes a provider and returns it. DELETE /authentication_providers/{id}
func (c *Client) DeleteAuthenticationProvider(ctx context.Context, id string) (*AuthenticationProvider, error) {
	var out AuthenticationProvider
	return &out, c.record(ctx, &request{method: "DELETE", path: "/authentication_providers/" + pathID(id), mutating: true}, &out)
}
