package mgmt

import (
	"context"
	"net/http"
	"time"
)

// User is a person as the API shows them.
type User struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// MeOrg is one of the caller's organizations in [Me].
type MeOrg struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

// Me is the answer of GET /me: who the token is for and where they are a member.
type Me struct {
	User          User    `json:"user"`
	Organizations []MeOrg `json:"organizations"`
}

// Org is an organization with the caller's role in it (admin, editor or viewer).
type Org struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

// OrgDetail is an organization with its counts, the answer of GET /orgs/{org}.
type OrgDetail struct {
	Org
	MemberCount int `json:"member_count"`
	TenantCount int `json:"tenant_count"`
}

// Me returns the signed-in person and their organizations.
func (c *Client) Me(ctx context.Context) (*Me, error) {
	var out Me
	if err := c.do(ctx, request{method: http.MethodGet, path: "/me", out: &out}); err != nil {
		return nil, err
	}
	out.Organizations = nonNil(out.Organizations)
	return &out, nil
}

// Orgs returns the caller's organizations, by name.
func (c *Client) Orgs(ctx context.Context) ([]Org, error) {
	var out struct {
		Organizations []Org `json:"organizations"`
	}
	if err := c.do(ctx, request{method: http.MethodGet, path: "/orgs", out: &out}); err != nil {
		return nil, err
	}
	return nonNil(out.Organizations), nil
}

// CreateOrg creates an organization named name whose first admin is the caller.
func (c *Client) CreateOrg(ctx context.Context, name string) (*Org, error) {
	var out Org
	err := c.do(ctx, request{method: http.MethodPost, path: "/orgs",
		in: map[string]string{"name": name}, out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Org returns the organization with id org (org:read).
func (c *Client) Org(ctx context.Context, org string) (*OrgDetail, error) {
	var out OrgDetail
	err := c.do(ctx, request{method: http.MethodGet, path: path("orgs", org), kind: KindOrg, out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteOrg deletes the organization with id org, with its memberships, tenants,
// invitations and billing (org:delete).
func (c *Client) DeleteOrg(ctx context.Context, org string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: path("orgs", org), kind: KindOrg})
}
