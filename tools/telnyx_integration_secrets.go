package tools

import (
	"context"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/telnyx"
)

const listIntegrationSecretsTool = "telnyx_list_integration_secrets"

func telnyxIntegrationSecretTools(d *Deps) []Tool {
	return []Tool{listIntegrationSecrets(d), createIntegrationSecret(d), deleteIntegrationSecret(d)}
}

type listIntegrationSecretsInput struct {
	telnyx.IntegrationSecretFilter
	Paging
}

func listIntegrationSecrets(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: listIntegrationSecretsTool, Title: "List integration secrets",
		Description: "List integration secrets by identifier (values are write-only and never returned); filter by type.",
		ReadOnly:    true}, "",
		func(ctx context.Context, in *listIntegrationSecretsInput) (*listResult[telnyx.IntegrationSecret], error) {
			return list(ctx, in.Paging, "integration secrets", func(ctx context.Context, p telnyx.PageParams) (*telnyx.Page[telnyx.IntegrationSecret], error) {
				return d.telnyx().ListIntegrationSecrets(ctx, &in.IntegrationSecretFilter, p)
			})
		})
}

type createIntegrationSecretInput struct {
	telnyx.CreateIntegrationSecretParams
}

// Validate applies the per-type rules, and refuses credential parts the type
// would silently ignore so no secret is sent for nothing. The messages avoid
// "token: ..." phrasing, which redaction would take for a secret's value.
func (in *createIntegrationSecretInput) Validate() error {
	switch in.Type {
	case "bearer":
		if in.Token == "" {
			return Invalid("type bearer requires the token field")
		}
		if in.Username != "" || in.Password != "" {
			return Invalid("the username and password fields are only for type basic; a bearer secret takes the token field")
		}
	case "basic":
		if in.Username == "" || in.Password == "" {
			return Invalid("type basic requires both the username and the password field")
		}
		if in.Token != "" {
			return Invalid("the token field is only for type bearer; a basic secret takes the username and password fields")
		}
	}
	return nil
}

type createdIntegrationSecret struct {
	telnyx.IntegrationSecret
	Note string `json:"note"`
}

func createIntegrationSecret(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: "telnyx_create_integration_secret", Title: "Create an integration secret",
		Description: "Store a bearer token or basic credentials that Telnyx uses to call another service; settings refer to it by identifier. The value is write-only.",
		CheckWith:   listIntegrationSecretsTool,
		SecretFor: func(args map[string]any) string {
			return strings.TrimSpace("Telnyx integration secret " + argString(args, "identifier"))
		}}, "",
		func(ctx context.Context, in *createIntegrationSecretInput) (*createdIntegrationSecret, error) {
			// token and password are writeOnly: Define masks them in this call's result and errors.
			s, err := d.telnyx().CreateIntegrationSecret(ctx, &in.CreateIntegrationSecretParams)
			if err != nil {
				return nil, err
			}
			return &createdIntegrationSecret{IntegrationSecret: *s,
				Note: "Stored. The value is write-only: neither Telnyx nor this server will show it again; refer to it by identifier."}, nil
		})
}

type deletedRecord struct {
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

func deleteIntegrationSecret(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: "telnyx_delete_integration_secret", Title: "Delete an integration secret",
		Description: "Delete an integration secret; integrations that refer to its identifier stop authenticating.",
		Destructive: true, Idempotent: true, CheckWith: listIntegrationSecretsTool}, listIntegrationSecretsTool,
		func(ctx context.Context, in *idInput) (*deletedRecord, error) {
			if err := d.telnyx().DeleteIntegrationSecret(ctx, in.ID); err != nil {
				return nil, err
			}
			return &deletedRecord{ID: in.ID, Deleted: true}, nil
		})
}
