package tools

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/telnyx"
)

const listAccessIPsTool = "telnyx_list_access_ip_addresses"

func telnyxAccessIPTools(d *Deps) []Tool {
	return []Tool{listAccessIPAddresses(d), createAccessIPAddress(d), retrieveAccessIPAddress(d), deleteAccessIPAddress(d)}
}

type listAccessIPAddressesInput struct {
	telnyx.AccessIPAddressFilter
	Paging
}

func listAccessIPAddresses(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: listAccessIPsTool, Title: "List access IP addresses",
		Description: "List the IP addresses allowed to call the Telnyx API with this account's keys, newest first; filter by IP, source or creation time.",
		ReadOnly:    true}, "",
		func(ctx context.Context, in *listAccessIPAddressesInput) (*listResult[telnyx.AccessIPAddress], error) {
			return list(ctx, in.Paging, "access IP addresses", func(ctx context.Context, p telnyx.PageParams) (*telnyx.Page[telnyx.AccessIPAddress], error) {
				return d.telnyx().ListAccessIPAddresses(ctx, &in.AccessIPAddressFilter, p)
			})
		})
}

func createAccessIPAddress(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: "telnyx_create_access_ip_address", Title: "Allow an access IP address",
		Description: "Allow an IPv4 or IPv6 address to call the Telnyx API with this account's keys; it is pending until Telnyx has applied it.",
		CheckWith:   listAccessIPsTool}, "",
		func(ctx context.Context, in *telnyx.CreateAccessIPAddressParams) (*allowedIP, error) {
			ip, err := d.telnyx().CreateAccessIPAddress(ctx, in)
			if err == nil {
				return &allowedIP{AccessIPAddress: *ip, Changed: true}, nil
			}
			// Telnyx answers an address already on the list with 422 "has
			// already been taken": the wanted state holds, so it is a no-op.
			var apiErr *telnyx.APIError
			if !errors.As(err, &apiErr) || !slices.Contains(apiErr.Taken(), "ip_address") {
				return nil, err
			}
			page, lerr := d.telnyx().ListAccessIPAddresses(ctx, &telnyx.AccessIPAddressFilter{IPAddress: in.IPAddress}, telnyx.PageParams{Number: 1, Size: 1})
			if lerr != nil || len(page.Data) == 0 {
				return nil, err
			}
			return &allowedIP{AccessIPAddress: page.Data[0], Changed: false,
				Note: fmt.Sprintf("%s is already allowed (id %s, status %s): nothing was changed; %s lists the allowed addresses",
					in.IPAddress, page.Data[0].ID, page.Data[0].Status, listAccessIPsTool)}, nil
		})
}

// allowedIP is the entry that allows the address: made now (changed true)
// or already there (changed false, with a note saying so).
type allowedIP struct {
	telnyx.AccessIPAddress
	Changed bool   `json:"changed" jsonschema_description:"false when the address was already allowed"`
	Note    string `json:"note,omitempty"`
}

func retrieveAccessIPAddress(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: "telnyx_retrieve_access_ip_address", Title: "Get an access IP address",
		Description: "Read one allowed IP address entry: address, status (pending/added), source and description.",
		ReadOnly:    true}, listAccessIPsTool,
		func(ctx context.Context, in *idInput) (*telnyx.AccessIPAddress, error) {
			return d.telnyx().GetAccessIPAddress(ctx, in.ID)
		})
}

func deleteAccessIPAddress(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: "telnyx_delete_access_ip_address", Title: "Remove an access IP address",
		Description: "Remove an allowed IP address: API calls from it are then refused. Returns the removed entry.",
		Destructive: true, Idempotent: true, CheckWith: listAccessIPsTool, Summarize: summarizeDeleteAccessIP(d)}, listAccessIPsTool,
		func(ctx context.Context, in *idInput) (*telnyx.AccessIPAddress, error) {
			return d.telnyx().DeleteAccessIPAddress(ctx, in.ID)
		})
}

func summarizeDeleteAccessIP(d *Deps) func(context.Context, map[string]any) (string, error) {
	return func(ctx context.Context, args map[string]any) (string, error) {
		a, err := d.telnyx().GetAccessIPAddress(ctx, argID(args))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("Remove access IP %s%s (%s): Telnyx API calls from it will be refused", a.IPAddress, quoted(a.Description), a.Status), nil
	}
}
