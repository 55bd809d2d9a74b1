package mgmt

import (
	"context"
	"net/http"
	"time"
)

// Tenant is a server that takes Gatehouse tokens: its URL is its RFC 8707 resource
// identifier, and ClientID its confidential client for introspection.
type Tenant struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	URL       string    `json:"url"`
	ClientID  string    `json:"client_id"`
	CreatedAt time.Time `json:"created_at"`
}

// NewTenant is a tenant just created, with its client secret: the only time the API
// shows it.
type NewTenant struct {
	Tenant
	ClientSecret string `json:"client_secret"`
}

// Tenants returns org's tenants, by name (org:read).
func (c *Client) Tenants(ctx context.Context, org string) ([]Tenant, error) {
	var out struct {
		Tenants []Tenant `json:"tenants"`
	}
	err := c.do(ctx, request{method: http.MethodGet, path: path("orgs", org, "tenants"),
		kind: KindOrg, out: &out})
	if err != nil {
		return nil, err
	}
	return nonNil(out.Tenants), nil
}

// CreateTenant registers a tenant named name at url in org (tenants:manage).
func (c *Client) CreateTenant(ctx context.Context, org, name, url string) (*NewTenant, error) {
	var out NewTenant
	err := c.do(ctx, request{method: http.MethodPost, path: path("orgs", org, "tenants"),
		kind: KindOrg, in: map[string]string{"name": name, "url": url}, out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// RenameTenant renames the tenant id of org (tenants:manage).
func (c *Client) RenameTenant(ctx context.Context, org, id, name string) (*Tenant, error) {
	var out Tenant
	err := c.do(ctx, request{method: http.MethodPatch, path: path("orgs", org, "tenants", id),
		kind: KindTenant, in: map[string]string{"name": name}, out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteTenant deletes the tenant id of org with its client (tenants:manage).
func (c *Client) DeleteTenant(ctx context.Context, org, id string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: path("orgs", org, "tenants", id),
		kind: KindTenant})
}
