package tools

import (
	"context"
	"fmt"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/telnyx"
)

const listAddressesTool = "telnyx_list_addresses"

func telnyxAddressTools(d *Deps) []Tool {
	return []Tool{listAddresses(d), createAddress(d), validateAddress(d), retrieveAddress(d), deleteAddress(d), acceptAddressSuggestions(d)}
}

type listAddressesInput struct {
	telnyx.AddressFilter
	Paging
}

func listAddresses(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: listAddressesTool, Title: "List addresses",
		Description: "List the account's emergency/regulatory addresses, filtered by customer reference, street, emergency use or address book, sorted.",
		ReadOnly:    true}, "",
		func(ctx context.Context, in *listAddressesInput) (*listResult[telnyx.Address], error) {
			return list(ctx, in.Paging, "addresses", func(ctx context.Context, p telnyx.PageParams) (*telnyx.Page[telnyx.Address], error) {
				return d.telnyx().ListAddresses(ctx, &in.AddressFilter, p)
			})
		})
}

func createAddress(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: "telnyx_create_address", Title: "Create an address",
		Description: "Create an address for emergency calling and compliance; it is validated for emergency use unless validate_address is false. Addresses cannot be edited later.",
		CheckWith:   listAddressesTool}, "",
		func(ctx context.Context, in *telnyx.CreateAddressParams) (*telnyx.Address, error) {
			return d.telnyx().CreateAddress(ctx, in)
		})
}

func validateAddress(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: "telnyx_validate_address", Title: "Validate an address",
		Description: "Check an address for emergency use without saving it: valid/invalid, the problems, and a normalized suggestion.",
		ReadOnly:    true}, "",
		func(ctx context.Context, in *telnyx.ValidateAddressParams) (*telnyx.AddressValidation, error) {
			return d.telnyx().ValidateAddress(ctx, in)
		})
}

func retrieveAddress(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: "telnyx_retrieve_address", Title: "Get an address",
		Description: "Read one address record by id.",
		ReadOnly:    true}, listAddressesTool,
		func(ctx context.Context, in *idInput) (*telnyx.Address, error) {
			return d.telnyx().GetAddress(ctx, in.ID)
		})
}

func deleteAddress(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: "telnyx_delete_address", Title: "Delete an address",
		Description: "Permanently delete an address. Returns the deleted record.",
		Destructive: true, Idempotent: true, CheckWith: listAddressesTool, Summarize: summarizeDeleteAddress(d)}, listAddressesTool,
		func(ctx context.Context, in *idInput) (*telnyx.Address, error) {
			return d.telnyx().DeleteAddress(ctx, in.ID)
		})
}

func acceptAddressSuggestions(d *Deps) Tool {
	return defineTelnyx(d, Spec{Name: "telnyx_accept_address_suggestions", Title: "Accept address suggestions",
		Description: "Replace an address with its validated suggestion and finish uploading its numbers to Microsoft Operator Connect.",
		Destructive: true, Idempotent: true, CheckWith: "telnyx_retrieve_address", Summarize: summarizeAcceptSuggestions(d)}, listAddressesTool,
		func(ctx context.Context, in *idInput) (*telnyx.SuggestionAcceptance, error) {
			return d.telnyx().AcceptAddressSuggestions(ctx, in.ID, nil)
		})
}

func summarizeDeleteAddress(d *Deps) func(context.Context, map[string]any) (string, error) {
	return func(ctx context.Context, args map[string]any) (string, error) {
		a, err := d.telnyx().GetAddress(ctx, argID(args))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("Permanently delete the address of %s, %s, %s %s %s (id %s)", a.BusinessName, a.StreetAddress, a.Locality,
			a.PostalCode, a.CountryCode, a.ID), nil
	}
}

func summarizeAcceptSuggestions(d *Deps) func(context.Context, map[string]any) (string, error) {
	return func(ctx context.Context, args map[string]any) (string, error) {
		a, err := d.telnyx().GetAddress(ctx, argID(args))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("Replace the address %s, %s with its validated suggestion and upload its numbers to Microsoft Operator Connect",
			a.StreetAddress, a.Locality), nil
	}
}
