package mgmt

import (
	"context"
	"net/http"
	"time"
)

// Invitation is an invitation to join an organization. Status is pending, accepted,
// revoked or expired; InvitedBy is the inviting user's id.
type Invitation struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	Status    string    `json:"status"`
	InvitedBy string    `json:"invited_by"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Invitations returns org's invitations (members:manage).
func (c *Client) Invitations(ctx context.Context, org string) ([]Invitation, error) {
	var out struct {
		Invitations []Invitation `json:"invitations"`
	}
	err := c.do(ctx, request{method: http.MethodGet, path: path("orgs", org, "invitations"),
		kind: KindOrg, out: &out})
	if err != nil {
		return nil, err
	}
	return nonNil(out.Invitations), nil
}

// ResendInvitation emails the invitation id of org again, with a new link.
func (c *Client) ResendInvitation(ctx context.Context, org, id string) (*Invitation, error) {
	var out Invitation
	err := c.do(ctx, request{method: http.MethodPost,
		path: path("orgs", org, "invitations", id, "resend"), kind: KindInvitation, out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// RevokeInvitation revokes the invitation id of org: its link stops working.
func (c *Client) RevokeInvitation(ctx context.Context, org, id string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: path("orgs", org, "invitations", id),
		kind: KindInvitation})
}
