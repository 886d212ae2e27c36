package telnyx

import (
	"context"
	"net/url"

	"github.com/invopop/jsonschema"
)

// Access IP addresses: the IPs allowed to call the API with this account's
// keys. Their single-record answers are bare (no "data" wrapper).

// AccessIPAddress is one allowed IP.
type AccessIPAddress struct {
	ID          string `json:"id"`
	IPAddress   string `json:"ip_address"`
	Source      string `json:"source"`
	Status      string `json:"status" jsonschema:"enum=pending,enum=added"`
	UserID      string `json:"user_id"`
	Description string `json:"description,omitempty"`
	CreatedAt   string `json:"created_at,omitempty" jsonschema:"format=date-time"`
	UpdatedAt   string `json:"updated_at,omitempty" jsonschema:"format=date-time"`
}

// AccessIPAddressFilter narrows the list.
type AccessIPAddressFilter struct {
	IPAddress    string `json:"ip_address,omitempty" jsonschema:"maxLength=64" jsonschema_description:"Exact IP"`
	IPSource     string `json:"ip_source,omitempty" jsonschema:"maxLength=64" jsonschema_description:"Exact source"`
	CreatedAt    string `json:"created_at,omitempty" jsonschema:"format=date-time"`
	CreatedAtGT  string `json:"created_at_gt,omitempty" jsonschema:"format=date-time"`
	CreatedAtGTE string `json:"created_at_gte,omitempty" jsonschema:"format=date-time"`
	CreatedAtLT  string `json:"created_at_lt,omitempty" jsonschema:"format=date-time"`
	CreatedAtLTE string `json:"created_at_lte,omitempty" jsonschema:"format=date-time"`
}

func (f *AccessIPAddressFilter) query() url.Values {
	q := url.Values{}
	if f == nil {
		return q
	}
	set(q, "filter[ip_address]", f.IPAddress)
	set(q, "filter[ip_source]", f.IPSource)
	set(q, "filter[created_at]", f.CreatedAt)
	set(q, "filter[created_at][gt]", f.CreatedAtGT)
	set(q, "filter[created_at][gte]", f.CreatedAtGTE)
	set(q, "filter[created_at][lt]", f.CreatedAtLT)
	set(q, "filter[created_at][lte]", f.CreatedAtLTE)
	return q
}

// CreateAccessIPAddressParams is the create body.
type CreateAccessIPAddressParams struct {
	IPAddress   string `json:"ip_address" jsonschema_description:"IPv4 or IPv6"`
	Description string `json:"description,omitempty" jsonschema:"maxLength=255" jsonschema_description:"Shown in the portal"`
}

// JSONSchemaExtend states the IP format: either family.
func (CreateAccessIPAddressParams) JSONSchemaExtend(s *jsonschema.Schema) {
	if p, ok := s.Properties.Get("ip_address"); ok {
		p.AnyOf = []*jsonschema.Schema{{Format: "ipv4"}, {Format: "ipv6"}}
	}
}

// ListAccessIPAddresses lists one page. GET /access_ip_address
func (c *Client) ListAccessIPAddresses(ctx context.Context, f *AccessIPAddressFilter, page PageParams) (*Page[AccessIPAddress], error) {
	return listPage[AccessIPAddress](ctx, c, "/access_ip_address", f.query(), page)
}

// CreateAccessIPAddress allows an IP. POST /access_ip_address
func (c *Client) CreateAccessIPAddress(ctx context.Context, in *CreateAccessIPAddressParams) (*AccessIPAddress, error) {
	var out AccessIPAddress
	return &out, c.record(ctx, &request{method: "POST", path: "/access_ip_address", body: in, mutating: true}, &out)
}

// GetAccessIPAddress reads one entry. GET /access_ip_address/{access_ip_address_id}
func (c *Client) GetAccessIPAddress(ctx context.Context, id string) (*AccessIPAddress, error) {
	var out AccessIPAddress
	return &out, c.record(ctx, &request{method: "GET", path: "/access_ip_address/" + pathID(id)}, &out)
}

// DeleteAccessIPAddress removes an entry and returns it. DELETE /access_ip_address/{access_ip_address_id}
func (c *Client) DeleteAccessIPAddress(ctx context.Context, id string) (*AccessIPAddress, error) {
	var out AccessIPAddress
	return &out, c.record(ctx, &request{method: "DELETE", path: "/access_ip_address/" + pathID(id), mutating: true}, &out)
}

func set(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}
