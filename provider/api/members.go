package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/rbac"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// memberView is one member of an organization.
type memberView struct {
	UserID string `json:"user_id"`
	Email  string `json:"email"`
	Name   string `json:"name"`
	Role   string `json:"role"`
}

// listMembers serves GET /api/v1/orgs/{org}/members (org:read), by user id.
func (a *API) listMembers(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()

	ms, err := a.store.Members(ctx, c.orgID)
	if err != nil {
		return err
	}
	out := make([]memberView, 0, len(ms))
	for _, m := range ms {
		v, err := a.memberView(ctx, m.UserID, m.Role)
		if err != nil {
			return err
		}
		out = append(out, v)
	}

	writeJSON(w, http.StatusOK, map[string][]memberView{"members": out})
	return nil
}

// memberView loads the person behind a membership. A deleted account still shows,
// by id, so that its membership can be seen and removed.
func (a *API) memberView(ctx context.Context, userID string, role rbac.Role) (memberView, error) {
	v := memberView{UserID: userID, Role: string(role)}
	u, err := a.store.User(ctx, userID)
	if errors.Is(err, fosite.ErrNotFound) {
		return v, nil
	}
	if err != nil {
		return memberView{}, err
	}
	v.Email, v.Name = u.Email, u.Name
	return v, nil
}

// targetRole loads the role of the member a path names, with the organization's
// admin count, which rbac's rules need.
func (a *API) targetRole(ctx context.Context, orgID, userID string) (rbac.Role, int, error) {
	role, err := a.store.Role(ctx, orgID, userID)
	if errors.Is(err, storage.ErrNotMember) {
		return "", 0, notFound("Member")
	}
	if err != nil {
		return "", 0, err
	}
	admins, err := a.store.AdminCount(ctx, orgID)
	if err != nil {
		return "", 0, err
	}
	return role, admins, nil
}

// memberChange is the store change for a decision rbac allowed: the store applies it
// only if the caller's role, the target's role and the last-admin rule still hold, so
// concurrent changes cannot leave the organization without an admin.
func memberChange(c *caller, userID string, from, to rbac.Role) storage.MemberChange {
	return storage.MemberChange{OrgID: c.orgID, UserID: userID, From: from, To: to,
		ActorID: c.userID, ActorRole: c.role}
}
