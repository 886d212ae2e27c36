package telnyx

import (
	"context"
	"net/url"
)

// Integration secrets: credentials Telnyx uses to call other services. The
// values are write-only: the API never returns them, and neither does this
// client (dry-run previews mask them).

// IntegrationSecret is one secret's metadata; it never holds the value.
type IntegrationSecret struct {
	ID         string `json:"id"`
	Identifier string `json:"identifier"`
	RecordType string `json:"record_type"`
	CreatedAt  string `json:"created_at" jsonschema:"format=date-time"`
	UpdatedAt  string `json:"updated_at,omitempty" jsonschema:"format=date-time"`
}

// IntegrationSecretFilter narrows the list.
type IntegrationSecretFilter struct {
	Type string `json:"type,omitempty" jsonschema:"enum=bearer,enum=basic"`
}

func (f *IntegrationSecretFilter) query() url.Values {
	q := url.Values{}
	if f != nil {
		set(q, "filter[type]", f.Type)
	}
	return q
}

// CreateIntegrationSecretParams is the create body. Token, Username and
// Password are write-only.
type CreateIntegrationSecretParams struct {
	Identifier string `json:"identifier" jsonschema:"pattern=^[A-Za-z0-9_.-]+$,maxLength=255" jsonschema_description:"Unique; settings refer to the secret by it"`
	Type       string `json:"type" jsonschema:"enum=bearer,enum=basic" jsonschema_description:"bearer needs token; basic needs username and password"`
	Token      string `json:"token,omitempty" jsonschema:"maxLength=4096,writeOnly=true" jsonschema_description:"Bearer token"`
	Username   string `json:"username,omitempty" jsonschema:"maxLength=255" jsonschema_description:"Basic auth username"`
	Password   string `json:"password,omitempty" jsonschema:"maxLength=1024,writeOnly=true" jsonschema_description:"Basic auth password"`
}

// writeOnlySecretFields are masked in dry-run previews.
var writeOnlySecretFields = []string{"token", "username", "password"}

// ListIntegrationSecrets lists one page. GET /integration_secrets
func (c *Client) ListIntegrationSecrets(ctx context.Context, f *IntegrationSecretFilter, page PageParams) (*Page[IntegrationSecret], error) {
	return listPage[IntegrationSecret](ctx, c, "/integration_secrets", f.query(), page)
}

// CreateIntegrationSecret stores a secret and returns its metadata. POST /integration_secrets
func (c *Client) CreateIntegrationSecret(ctx context.Context, in *CreateIntegrationSecretParams) (*IntegrationSecret, error) {
	var out IntegrationSecret
	return &out, c.record(ctx, &request{method: "POST", path: "/integration_secrets", body: in, mutating: true,
		writeOnly: writeOnlySecretFields}, &out)
}

// DeleteIntegrationSecret deletes a secret; the API answers with no body. DELETE /integration_secrets/{id}
func (c *Client) DeleteIntegrationSecret(ctx context.Context, id string) error {
	_, err := c.do(ctx, &request{method: "DELETE", path: "/integration_secrets/" + pathID(id), accept: "*/*", mutating: true})
	return err
}
