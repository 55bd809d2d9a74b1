package api

import (
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// invitationView is an invitation as the API shows it: never with its token, which
// only the emailed link carries.
type invitationView struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	Status    string    `json:"status"`
	InvitedBy string    `json:"invited_by"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// viewInvitation shows inv with the status it has now: pending past its expiry is
// expired.
func (a *API) viewInvitation(inv *storage.Invitation) invitationView {
	return invitationView{ID: inv.ID, Email: inv.Email, Role: string(inv.Role),
		Status: inv.EffectiveStatus(a.now()), InvitedBy: inv.InvitedBy,
		CreatedAt: inv.CreatedAt, ExpiresAt: inv.ExpiresAt}
}

// listInvitations serves GET /api/v1/orgs/{org}/invitations (members:manage), newest
// first.
func (a *API) listInvitations(w http.ResponseWriter, r *http.Request, c *caller) error {
	invs, err := a.store.Invitations(r.Context(), c.orgID)
	if err != nil {
		return err
	}
	out := make([]invitationView, 0, len(invs))
	for _, inv := range invs {
		out = append(out, a.viewInvitation(inv))
	}
	writeJSON(w, http.StatusOK, map[string][]invitationView{"invitations": out})
	return nil
}

// orgInvitation loads the invitation the path names, which must belong to the path's
// organization: another organization's looks like none at all.
func (a *API) orgInvitation(r *http.Request, c *caller) (*storage.Invitation, error) {
	inv, err := a.store.Invitation(r.Context(), mux.Vars(r)["id"])
	return heldByOrg(c, "Invitation", inv, err, func(inv *storage.Invitation) string { return inv.OrgID })
}

// revokeInvitation serves DELETE /api/v1/orgs/{org}/invitations/{id}
// (members:manage): the link stops working; the record stays, marked revoked.
func (a *API) revokeInvitation(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()

	inv, err := a.orgInvitation(r, c)
	if err != nil {
		return err
	}
	if err := a.store.RevokeInvitation(ctx, inv.ID); err != nil {
		return err
	}

	a.auditInvitation(r, c, storage.AuditInvitationRevoked, inv)
	a.log.InfoContext(ctx, "invitation revoked", "org_id", c.orgID, "invitation_id", inv.ID,
		"user_id", c.userID)
	writeNoContent(w)
	return nil
}

// auditInvitation records a change the caller made to inv: its email and role, never
// its token.
func (a *API) auditInvitation(r *http.Request, c *caller, typ string, inv *storage.Invitation) {
	a.auditOrg(r, c, typ, c.orgID, inv.ID, inv.Email+" as "+string(inv.Role))
}
