package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
)

// Lookups that let a change on a missing object answer "not found" at once,
// naming what exists, instead of asking the user about it first.

// NotFoundError is a call naming an object that does not exist: answered
// before anything is asked or sent, with what does exist.
type NotFoundError struct{ msg string }

func (e *NotFoundError) Error() string { return e.msg }

// NotFound implements cloud.NotFounder.
func (e *NotFoundError) NotFound() bool { return true }

func notFound(format string, a ...any) error { return &NotFoundError{fmt.Sprintf(format, a...)} }

// createdOnFirstUse: ModifyProvider creates these sources when they are missing (the @cloudbase/manager-node documentation).
func createdOnFirstUse(id string) bool { return id == "custom" || id == "email" }

// existingProvider returns the provider id, nil for a missing one that
// ModifyProvider creates on first use, or a not-found error naming the ids.
func existingProvider(ctx context.Context, d *Deps, id string) (*tcb.Provider, error) {
	list, err := d.tcb().GetProviders(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(list.Data))
	for i, p := range list.Data {
		if p.Id == id {
			return &list.Data[i], nil
		}
		ids = append(ids, p.Id)
	}
	if createdOnFirstUse(id) {
		return nil, nil
	}
	return nil, notFound("Id: no identity provider %q in env %s; the providers are: %s (cloudbase_add_provider adds one)",
		id, d.tcb().EnvID(ctx), orNone(ids))
}

// freeProviderID checks that an add's Id is free, before its secret is asked for.
func freeProviderID(d *Deps) func(ctx context.Context, args map[string]any) error {
	return func(ctx context.Context, args map[string]any) error {
		id, _ := args["Id"].(string)
		if id == "" {
			return nil // the cloud generates one
		}
		list, err := d.tcb().GetProviders(ctx)
		if err != nil {
			return err
		}
		for _, p := range list.Data {
			if p.Id == id {
				return Invalid("Id: provider %s exists already in env %s: change it with cloudbase_modify_provider", id, d.tcb().EnvID(ctx))
			}
		}
		return nil
	}
}

// addProviderAdvice points an Id that exists already at the modify tool.
func addProviderAdvice(id string, err error) error {
	var apiErr *tcb.APIError
	if errors.As(err, &apiErr) && strings.HasPrefix(apiErr.Code, "ResourceInUse") {
		return &adviceError{err, "Provider " + id + " exists already: change it with cloudbase_modify_provider"}
	}
	return err
}

type deleteAPIKeyInput struct {
	KeyId   string `json:"KeyId,omitempty" jsonschema:"minLength=1,maxLength=128" jsonschema_description:"Key id from the key list"`
	KeyName string `json:"KeyName,omitempty" jsonschema:"minLength=1,maxLength=64" jsonschema_description:"Or the key's name, when exactly one key has it"`
}

func (in *deleteAPIKeyInput) Validate() error {
	if (in.KeyId == "") == (in.KeyName == "") {
		return Invalid("KeyId: give exactly one of KeyId and KeyName")
	}
	return nil
}

// findAPIKey finds a key of either type by id or by unique name. Missing or
// ambiguous is an input error listing the keys.
func findAPIKey(ctx context.Context, d *Deps, id, name string) (*tcb.ApiKey, string, error) {
	type found struct {
		k   tcb.ApiKey
		typ string
	}
	var all, hits []found
	for _, typ := range []string{"api_key", "publish_key"} {
		for page := 1; page <= 10; page++ {
			list, err := d.tcb().DescribeApiKeyList(ctx, &tcb.DescribeApiKeyListRequest{KeyType: typ, PageNumber: page, PageSize: 100})
			if err != nil {
				return nil, "", err
			}
			for _, k := range list.Data {
				f := found{k, typ}
				all = append(all, f)
				if (id != "" && k.KeyId == id) || (id == "" && k.Name == name) {
					hits = append(hits, f)
				}
			}
			if page*100 >= list.Total {
				break
			}
		}
	}
	if len(hits) == 1 {
		return &hits[0].k, hits[0].typ, nil
	}
	keys := make([]string, 0, len(all))
	for _, f := range all {
		keys = append(keys, fmt.Sprintf("%q (%s, id %s)", f.k.Name, f.typ, f.k.KeyId))
	}
	field, what := "KeyId", id
	if id == "" {
		field, what = "KeyName", name
	}
	if len(hits) > 1 {
		return nil, "", Invalid("KeyName: %d keys are named %q: name one by KeyId; the keys are: %s", len(hits), name, orNone(keys))
	}
	return nil, "", notFound("%s: no API key %q in env %s (already revoked, or never there: nothing to revoke); the keys are: %s",
		field, what, d.tcb().EnvID(ctx), orNone(keys))
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "(none)"
	}
	return join(list)
}

// adviceError adds advice naming this server's tools to a cloud error; the
// error rendering keeps it after the cloud's code, message and request id.
type adviceError struct {
	err    error
	advice string
}

func (e *adviceError) Error() string { return e.err.Error() }
func (e *adviceError) Unwrap() error { return e.err }

// Hint implements cloud.Hinter: the cloud error's own hint, then the advice.
func (e *adviceError) Hint() string {
	var h cloud.Hinter
	if errors.As(e.err, &h) {
		if hint := h.Hint(); hint != "" {
			return strings.TrimSuffix(hint, ".") + ". " + e.advice
		}
	}
	return e.advice
}
