package telnyx

import "context"

// Billing groups organize resources for billing.

// BillingGroup is one billing group.
type BillingGroup struct {
	ID             string `json:"id,omitempty" jsonschema:"format=uuid"`
	Name           string `json:"name,omitempty"`
	OrganizationID string `json:"organization_id,omitempty" jsonschema:"format=uuid"`
	RecordType     string `json:"record_type,omitempty" jsonschema:"enum=billing_group"`
	CreatedAt      string `json:"created_at,omitempty"`
	UpdatedAt      string `json:"updated_at,omitempty"`
	// DeletedAt is null until the group is deleted.
	DeletedAt *string `json:"deleted_at,omitempty"`
}

// BillingGroupParams is the create and update body.
type BillingGroupParams struct {
	Name *string `json:"name,omitempty" jsonschema:"minLength=1,maxLength=255"`
}

// ListBillingGroups lists one page. GET /billing_groups
func (c *Client) ListBillingGroups(ctx context.Context, page PageParams) (*Page[BillingGroup], error) {
	return listPage[BillingGroup](ctx, c, "/billing_groups", nil, page)
}

// CreateBillingGroup creates a billing group. POST /billing_groups
func (c *Client) CreateBillingGroup(ctx context.Context, in *BillingGroupParams) (*BillingGroup, error) {
	var out BillingGroup
	return &out, c.record(ctx, &request{method: "POST", path: "/billing_groups", body: in, mutating: true}, &out)
}

// GetBillingGroup reads one billing group. GET /billing_groups/{id}
func (c *Client) GetBillingGroup(ctx context.Context, id string) (*BillingGroup, error) {
	var out BillingGroup
	return &out, c.record(ctx, &request{method: "GET", path: "/billing_groups/" + pathID(id)}, &out)
}

// UpdateBillingGroup renames a billing group. PATCH /billing_groups/{id}
func (c *Client) UpdateBillingGroup(ctx context.Context, id string, in *BillingGroupParams) (*BillingGroup, error) {
	var out BillingGroup
	return &out, c.record(ctx, &request{method: "PATCH", path: "/billing_groups/" + pathID(id), body: in, mutating: true}, &out)
}

// DeleteBillingGroup deletes a billing group and returns it. DELETE /billing_groups/{id}
func (c *Client) DeleteBillingGroup(ctx context.Context, id string) (*BillingGroup, error) {
	var out BillingGroup
	return &out, c.record(ctx, &request{method: "DELETE", path: "/billing_groups/" + pathID(id), mutating: true}, &out)
}
