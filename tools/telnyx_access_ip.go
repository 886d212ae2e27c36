package tools

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

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
			if ip, ok := canonicalIP(in.IPAddress); ok {
				in.IPAddress = ip.String() // the filter is exact: entries are made in canonical form
			}
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
			// One address has many spellings (2001:db8::1, 2001:0DB8:0:0::1,
			// ::ffff:192.0.2.1 for 192.0.2.1): compared and sent canonical.
			want, ok := canonicalIP(in.IPAddress)
			if !ok {
				return nil, Invalid("ip_address: %q is not an IPv4 or IPv6 address (one address, no prefix length or zone), e.g. 203.0.113.7 or 2001:db8::1", in.IPAddress)
			}
			allowedAlready := func() (*allowedIP, error) {
				a, err := findAccessIP(ctx, d, want)
				if err != nil || a == nil {
					return nil, err
				}
				spelled := ""
				if a.IPAddress != in.IPAddress {
					spelled = " (as " + a.IPAddress + ")"
				}
				note := fmt.Sprintf("%s is already allowed%s (id %s, status %s): nothing was changed; %s lists the allowed addresses",
					in.IPAddress, spelled, a.ID, a.Status, listAccessIPsTool)
				if in.Description != "" && in.Description != a.Description {
					// Telnyx has no update for an entry: a description given is not silently dropped.
					note += fmt.Sprintf(". The description given, %q, was NOT applied: the entry keeps %q, and Telnyx cannot change an entry's description. "+
						"To change it, remove the entry with telnyx_delete_access_ip_address (id %s) and allow the address again with the new description; "+
						"API calls from it are refused in between", in.Description, a.Description, a.ID)
				}
				return &allowedIP{AccessIPAddress: *a, Changed: false, Note: note}, nil
			}
			if out, err := allowedAlready(); out != nil {
				return out, nil
			} else if err != nil { // unknown: the create itself answers an address on the list (422)
				d.Log.Debug().Str("error", err.Error()).Msg("access IPs unreadable before a create")
			}
			params := *in
			params.IPAddress = want.String()
			ip, err := d.telnyx().CreateAccessIPAddress(ctx, &params)
			if err == nil {
				return &allowedIP{AccessIPAddress: *ip, Changed: true}, nil
			}
			// Telnyx answers an address already on the list with 422 "has
			// already been taken" (added meanwhile): the wanted state holds.
			var apiErr *telnyx.APIError
			if !errors.As(err, &apiErr) || !slices.Contains(apiErr.Taken(), "ip_address") {
				return nil, err
			}
			if out, lerr := allowedAlready(); out != nil && lerr == nil {
				return out, nil
			}
			return nil, err
		})
}

// maxAccessIPsWalked bounds the list read to find an allowed address.
const maxAccessIPsWalked = 1000

// canonicalIP parses an address; an IPv4-mapped IPv6 address is its IPv4
// address. A zone or a prefix length is not an address.
func canonicalIP(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// findAccessIP returns the entry allowing want, however it is spelled
// there, or nil.
func findAccessIP(ctx context.Context, d *Deps, want netip.Addr) (*telnyx.AccessIPAddress, error) {
	list := func(ctx context.Context, p telnyx.PageParams) (*telnyx.Page[telnyx.AccessIPAddress], error) {
		return d.telnyx().ListAccessIPAddresses(ctx, nil, p)
	}
	found, _, err := findListed(ctx, maxAccessIPsWalked, list, func(a *telnyx.AccessIPAddress) bool {
		got, ok := canonicalIP(a.IPAddress)
		return ok && got == want
	})
	return found, err
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
