package tools

import (
	"context"
	"fmt"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/telnyx"
)

const listBillingGroupsTool = "telnyx_list_billing_groups"

func telnyxBillingGroupTools(d *Deps) []Tool {
	return []Tool{listBillingGroups(d), createBillingGroup(d), retrieveBillingGroup(d), updateBillingGroup(d), deleteBillingGroup(d)}
}

func listBillingGroups(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: listBillingGroupsTool, Title: "List billing groups",
		Description: "List the account's billing groups, newest first.",
		ReadOnly:    true}, "",
		func(ctx context.Context, in *Paging) (*listResult[telnyx.BillingGroup], error) {
			return list(ctx, *in, "billing groups", d.telnyx().ListBillingGroups)
		})
}

func createBillingGroup(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: "telnyx_create_billing_group", Title: "Create a billing group",
		Description: "Create a billing group to organize resources for billing.",
		CheckWith:   listBillingGroupsTool}, "",
		func(ctx context.Context, in *telnyx.BillingGroupParams) (*telnyx.BillingGroup, error) {
			return d.telnyx().CreateBillingGroup(ctx, in)
		})
}

func retrieveBillingGroup(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: "telnyx_retrieve_billing_group", Title: "Get a billing group",
		Description: "Read one billing group by id.",
		ReadOnly:    true}, listBillingGroupsTool,
		func(ctx context.Context, in *uuidInput) (*telnyx.BillingGroup, error) {
			return d.telnyx().GetBillingGroup(ctx, in.ID)
		})
}

type updateBillingGroupInput struct {
	uuidInput
	// Optional in Telnyx's API reference, like every field of the update body; a call
	// that changes nothing is refused rather than sent.
	Name *string `json:"name,omitempty" jsonschema:"minLength=1,maxLength=255" jsonschema_description:"New name (the only field an update can change)"`
}

func updateBillingGroup(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: "telnyx_update_billing_group", Title: "Rename a billing group",
		Description: "Rename a billing group (its name is the only field that can change).",
		Idempotent:  true, CheckWith: "telnyx_retrieve_billing_group"}, listBillingGroupsTool,
		func(ctx context.Context, in *updateBillingGroupInput) (*beforeAfter[telnyx.BillingGroup], error) {
			if in.Name == nil {
				return nil, Invalid("name: nothing to change; give the new name (the only field a billing group update can change)")
			}
			before, err := d.telnyx().GetBillingGroup(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			if before.Name == *in.Name {
				return &beforeAfter[telnyx.BillingGroup]{Before: before, After: before}, nil
			}
			after, err := d.telnyx().UpdateBillingGroup(ctx, in.ID, &telnyx.BillingGroupParams{Name: in.Name})
			if err != nil {
				return nil, err
			}
			return &beforeAfter[telnyx.BillingGroup]{Before: before, After: after, Changed: true}, nil
		})
}

func deleteBillingGroup(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: "telnyx_delete_billing_group", Title: "Delete a billing group",
		Description: "Delete a billing group. Returns it with deleted_at set.",
		Destructive: true, Idempotent: true, CheckWith: listBillingGroupsTool, Summarize: summarizeDeleteBillingGroup(d)}, listBillingGroupsTool,
		func(ctx context.Context, in *uuidInput) (*telnyx.BillingGroup, error) {
			return d.telnyx().DeleteBillingGroup(ctx, in.ID)
		})
}

func summarizeDeleteBillingGroup(d *Deps) func(context.Context, map[string]any) (string, error) {
	return func(ctx context.Context, args map[string]any) (string, error) {
		g, err := d.telnyx().GetBillingGroup(ctx, argID(args))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("Delete billing group %q (id %s)", g.Name, g.ID), nil
	}
}
