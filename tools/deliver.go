package tools

import (
	"context"
	"errors"
	"fmt"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/internal/secretfile"
)

// DeliverTo is the optional input field of tools whose answer holds a secret
// meant for the user (a new API key, a telephony token): embed it in the
// input struct and pass its value to Deliver.
type DeliverTo struct {
	DeliverTo string `json:"deliverTo,omitempty" jsonschema:"pattern=^[A-Za-z0-9][A-Za-z0-9._-]{0\\,127}$" jsonschema_description:"File in the server's secrets folder to write the secret to instead of showing it"`
}

// Deliver runs create, the cloud call whose answer holds a secret. When name
// is empty it only runs create. Otherwise the file is reserved first (so no
// secret is created that cannot be delivered), the secret that secret(answer)
// points to is written there, registered with the redactor and cleared from
// the answer: the caller returns the answer plus the *Delivery (path, key id,
// fingerprint) and the value never reaches a result, an error or a log.
func Deliver[T any](ctx context.Context, d *Deps, name string, create func(context.Context) (*T, error),
	secret func(answer *T) (value *string, keyID string)) (*T, *secretfile.Delivery, error) {
	if name == "" {
		out, err := create(ctx)
		return out, nil, err
	}
	if d.Secrets == nil {
		return nil, nil, Invalid("deliverTo: no secrets folder is available (no user config dir): the operator sets --secrets-dir")
	}
	if cloud.IsDryRun(ctx) {
		if err := d.Secrets.Check(name); err != nil {
			return nil, nil, deliverError(err)
		}
		out, err := create(ctx)
		return out, nil, err
	}
	res, err := d.Secrets.Reserve(name)
	if err != nil {
		return nil, nil, deliverError(err)
	}
	defer res.Abort() // removes the empty file unless the secret was committed
	out, err := create(ctx)
	if err != nil {
		return nil, nil, err
	}
	value, keyID := secret(out)
	if value == nil || *value == "" {
		return nil, nil, fmt.Errorf("deliverTo: the cloud created %s but its answer holds no secret to deliver", keyID)
	}
	d.redactor(ctx).AddSecret(*value) // masked in this call's answer, --reveal-secrets or not
	del, err := res.Commit(*value, keyID)
	*value = ""
	if err != nil {
		return nil, nil, fmt.Errorf("deliverTo: %s was created but writing it failed (%v); its value is lost: delete it and create a new one", keyID, err)
	}
	return out, del, nil
}

func deliverError(err error) error {
	if errors.Is(err, secretfile.ErrName) || errors.Is(err, secretfile.ErrExists) {
		return Invalid("deliverTo: %v", err)
	}
	return fmt.Errorf("deliverTo: %w", err)
}
