package tools

import (
	"context"
	"fmt"
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
		SecretFor: func(_ context.Context, args map[string]any) string {
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
		Destructive: true, Idempotent: true, CheckWith: listIntegrationSecretsTool, Summarize: summarizeDeleteIntegrationSecret(d)}, listIntegrationSecretsTool,
		func(ctx context.Context, in *idInput) (*deletedRecord, error) {
			if unaskedChange(ctx, "") != nil { // nothing was asked: the secret was not there
				if _, err := findIntegrationSecret(ctx, d, in.ID); err != nil {
					return nil, err
				}
				return nil, unaskedChange(ctx, "Integration secret "+in.ID)
			}
			if err := d.telnyx().DeleteIntegrationSecret(ctx, in.ID); err != nil {
				return nil, err
			}
			return &deletedRecord{ID: in.ID, Deleted: true}, nil
		})
}

// maxSecretsWalked bounds the list a delete's question reads to find its secret.
const maxSecretsWalked = 1000

// findIntegrationSecret finds a secret by id in the list (Telnyx has no read
// of one); nil without error when the list was too long to walk.
func findIntegrationSecret(ctx context.Context, d *Deps, id string) (*telnyx.IntegrationSecret, error) {
	list := func(ctx context.Context, p telnyx.PageParams) (*telnyx.Page[telnyx.IntegrationSecret], error) {
		return d.telnyx().ListIntegrationSecrets(ctx, nil, p)
	}
	found, truncated, err := findListed(ctx, maxSecretsWalked, list, func(s *telnyx.IntegrationSecret) bool { return s.ID == id })
	if err != nil || found != nil || truncated {
		return found, err
	}
	return nil, notFound("id: no integration secret %q; %s lists them with their identifiers", id, listIntegrationSecretsTool)
}

// summarizeDeleteIntegrationSecret names the secret by identifier; a
// missing one is answered not found, without a question.
func summarizeDeleteIntegrationSecret(d *Deps) func(context.Context, map[string]any) (string, error) {
	return func(ctx context.Context, args map[string]any) (string, error) {
		s, err := findIntegrationSecret(ctx, d, argID(args))
		if err != nil {
			return "", err
		}
		if s == nil {
			return fmt.Sprintf("Delete Telnyx integration secret id %s: integrations that refer to it stop authenticating", argID(args)), nil
		}
		return fmt.Sprintf("Delete Telnyx integration secret %q (id %s): integrations that refer to it stop authenticating", s.Identifier, s.ID), nil
	}
}
