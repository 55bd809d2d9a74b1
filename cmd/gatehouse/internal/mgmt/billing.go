package mgmt

import (
	"context"
	"net/http"
)

// Billing is an organization's billing record. Plan is free, team or enterprise; an
// empty BillingEmail means none.
type Billing struct {
	Plan         string `json:"plan"`
	BillingEmail string `json:"billing_email"`
}

// Billing returns org's billing record (billing:manage).
func (c *Client) Billing(ctx context.Context, org string) (*Billing, error) {
	var out Billing
	err := c.do(ctx, request{method: http.MethodGet, path: path("orgs", org, "billing"),
		kind: KindOrg, out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// SetBilling replaces org's billing record with b (billing:manage).
func (c *Client) SetBilling(ctx context.Context, org string, b Billing) (*Billing, error) {
	var out Billing
	err := c.do(ctx, request{method: http.MethodPut, path: path("orgs", org, "billing"),
		kind: KindOrg, in: b, out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
