package mgmt

import (
	"context"
	"net/http"
)

// Member is one member of an organization. Email and Name are empty for an account
// that was deleted but whose membership remains.
type Member struct {
	UserID string `json:"user_id"`
	Email  string `json:"email"`
	Name   string `json:"name"`
	Role   string `json:"role"`
}

// Members returns the members of org (org:read).
func (c *Client) Members(ctx context.Context, org string) ([]Member, error) {
	var out struct {
		Members []Member `json:"members"`
	}
	err := c.do(ctx, request{method: http.MethodGet, path: path("orgs", org, "members"),
		kind: KindOrg, out: &out})
	if err != nil {
		return nil, err
	}
	return nonNil(out.Members), nil
}

// AddMember invites email into org with role (members:manage; admins:manage too for the
// admin role). The person becomes a member once they accept the emailed invitation.
func (c *Client) AddMember(ctx context.Context, org, email, role string) (*Invitation, error) {
	var out Invitation
	err := c.do(ctx, request{method: http.MethodPost, path: path("orgs", org, "members"),
		kind: KindOrg, in: map[string]string{"email": email, "role": role}, out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// SetMemberRole gives the member userID of org the role role.
func (c *Client) SetMemberRole(ctx context.Context, org, userID, role string) (*Member, error) {
	var out Member
	err := c.do(ctx, request{method: http.MethodPatch, path: path("orgs", org, "members", userID),
		kind: KindMember, in: map[string]string{"role": role}, out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// RemoveMember removes the member userID from org.
func (c *Client) RemoveMember(ctx context.Context, org, userID string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: path("orgs", org, "members", userID),
		kind: KindMember})
}
