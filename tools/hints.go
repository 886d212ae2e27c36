package tools

import (
	"context"
	"errors"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
)

// Hints that lead somewhere: a "does not exist" from CloudBase names the tool
// that lists what does exist, or states the fact when no tool lists it.
// TestEveryHintNamesAToolThatExists holds every error text to this.

// listerOf maps a CloudBase tool to the tool that lists the ids it takes.
var listerOf = map[string]string{
	"cloudbase_add_provider":    "cloudbase_get_providers",
	"cloudbase_modify_provider": "cloudbase_get_providers",
	"cloudbase_delete_provider": "cloudbase_get_providers",
	"cloudbase_delete_api_key":  "cloudbase_describe_api_key_list",
	"cloudbase_get_user_key":    "cloudbase_list_user_keys",
	"cloudbase_update_user_key": "cloudbase_list_user_keys",
	"cloudbase_delete_user_key": "cloudbase_list_user_keys",
	"cloudbase_create_user_key": "cloudbase_list_templates",
}

// defineCloudBase is Define for a CloudBase tool: a ResourceNotFound the
// cloud answers gets advice naming what to do next (notFoundAdvice).
func defineCloudBase[In, Out any](d *Deps, s Spec, fn func(ctx context.Context, in *In) (*Out, error)) Tool {
	return Define(d, s, func(ctx context.Context, in *In) (*Out, error) {
		out, err := fn(ctx, in)
		return out, d.notFoundAdvice(ctx, s, err)
	})
}

// notFoundAdvice adds to a CloudBase ResourceNotFound what to do next.
func (d *Deps) notFoundAdvice(ctx context.Context, s Spec, err error) error {
	var apiErr *tcb.APIError
	var adv *adviceError
	if err == nil || !errors.As(err, &apiErr) || !strings.HasPrefix(apiErr.Code, "ResourceNotFound") || errors.As(err, &adv) {
		return err
	}
	env := ""
	if d.tcb() != nil {
		env = d.tcb().EnvID(ctx)
	}
	switch {
	case strings.Contains(apiErr.Message, "environment") || strings.Contains(apiErr.Message, "Environment"):
		return &adviceError{err, "The environment id is " + env + ": check TENCENTCLOUD_TCB_ENVID (or --env-id)."}
	case s.Name == "cloudbase_describe_client" || s.Name == "cloudbase_modify_client":
		return &adviceError{err, "The environment's client id is the env id, " + env + " (omit Id to use it)."}
	case listerOf[s.Name] != "":
		return &adviceError{err, listerOf[s.Name] + " lists what exists."}
	}
	return err
}
