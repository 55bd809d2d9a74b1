package api

import (
	"context"
	"net/http"
	"net/url"

	"github.com/gatehouse-auth/gatehouse/provider/mail"
	"github.com/gatehouse-auth/gatehouse/rbac"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// inviteRequest is the body of POST /orgs/{org}/members.
type inviteRequest struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

// inviteMember serves POST /api/v1/orgs/{org}/members: adding a member invites them
// by email, as rbac.CheckInvite allows (members:manage; admins:manage for an admin).
// A current member or a live invitation for the same email is a conflict.
func (a *API) inviteMember(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()

	var in inviteRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	email, err := parseEmail("email", in.Email, false)
	if err != nil {
		return err
	}
	role, err := parseRole(in.Role)
	if err != nil {
		return err
	}
	if err := rbac.CheckInvite(c.role, role); err != nil {
		return err
	}
	if err := a.allowMail(ctx, c); err != nil {
		return err
	}

	org, err := a.store.Organization(ctx, c.orgID)
	if err != nil {
		return err
	}
	inv, token, err := a.store.CreateInvitation(ctx, c.orgID, email, role, c.userID, a.ttl)
	if err != nil {
		return err
	}
	if err := a.sendInvitation(ctx, c, org.Name, inv, token); err != nil {
		// Nobody holds the link: revoke it, so that the caller can simply retry.
		if rerr := a.store.RevokeInvitation(context.WithoutCancel(ctx), inv.ID); rerr != nil {
			a.log.ErrorContext(ctx, "could not revoke an invitation whose email failed",
				"org_id", c.orgID, "invitation_id", inv.ID, "cause", rerr.Error())
		}
		return err
	}

	a.spendMail(ctx, c)
	a.auditInvitation(r, c, storage.AuditInvitationCreated, inv)
	a.log.InfoContext(ctx, "member invited", "org_id", c.orgID, "invitation_id", inv.ID,
		"role", string(role), "user_id", c.userID)
	writeJSON(w, http.StatusCreated, a.viewInvitation(inv))
	return nil
}

// resendInvitation serves POST /api/v1/orgs/{org}/invitations/{id}/resend
// (members:manage, and admins:manage for an admin's invitation, as for inviting): a
// new link and expiry, emailed again; the old link stops working.
func (a *API) resendInvitation(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()

	inv, err := a.orgInvitation(r, c)
	if err != nil {
		return err
	}
	if err := rbac.CheckInvite(c.role, inv.Role); err != nil {
		return err
	}
	if err := a.allowMail(ctx, c); err != nil {
		return err
	}
	org, err := a.store.Organization(ctx, c.orgID)
	if err != nil {
		return err
	}

	inv, token, err := a.store.ResendInvitation(ctx, inv.ID, a.ttl)
	if err != nil {
		return err
	}
	if err := a.sendInvitation(ctx, c, org.Name, inv, token); err != nil {
		return err
	}

	a.spendMail(ctx, c)
	a.auditInvitation(r, c, storage.AuditInvitationResent, inv)
	a.log.InfoContext(ctx, "invitation resent", "org_id", c.orgID, "invitation_id", inv.ID,
		"role", string(inv.Role), "user_id", c.userID)
	writeJSON(w, http.StatusOK, a.viewInvitation(inv))
	return nil
}

// sendInvitation emails the accept link, which carries token. The token goes into
// the email and nowhere else: not the answer, not the log.
func (a *API) sendInvitation(ctx context.Context, c *caller, orgName string,
	inv *storage.Invitation, token string) error {
	by := c.sess.Name
	if by == "" {
		by = c.sess.Email
	}
	msg := mail.Invitation{
		To:        inv.Email,
		OrgName:   orgName,
		Role:      string(inv.Role),
		InvitedBy: by,
		AcceptURL: a.issuer + PathAcceptInvitation + "?token=" + url.QueryEscape(token),
		ExpiresAt: inv.ExpiresAt,
	}
	if err := a.mailer.SendInvitation(ctx, msg); err != nil {
		return &problem{rfc: errUnavailable.WithDescription(
			"The invitation email could not be sent; retry shortly.").WithWrap(err)}
	}
	return nil
}
