package api

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/gatehouse-auth/gatehouse/rbac"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// changeMemberRequest is the body of PATCH /orgs/{org}/members/{user_id}.
type changeMemberRequest struct {
	Role string `json:"role"`
}

// changeMember serves PATCH /api/v1/orgs/{org}/members/{user_id}: a new role, as
// rbac.CheckRoleChange allows (members:manage, admins:manage to or from admin, nobody
// raises their own role, the last admin stays).
func (a *API) changeMember(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()
	userID := mux.Vars(r)["user_id"]

	var in changeMemberRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	to, err := parseRole(in.Role)
	if err != nil {
		return err
	}

	from, admins, err := a.targetRole(ctx, c.orgID, userID)
	if err != nil {
		return err
	}
	if err := rbac.CheckRoleChange(c.role, userID == c.userID, from, to, admins); err != nil {
		return err
	}

	if err := a.store.ChangeMember(ctx, memberChange(c, userID, from, to)); err != nil {
		return err
	}
	if from != to {
		a.auditOrg(r, c, storage.AuditRoleChanged, c.orgID, userID, string(from)+" -> "+string(to))
	}
	v, err := a.memberView(ctx, userID, to)
	if err != nil {
		return err
	}

	a.log.InfoContext(ctx, "member role changed", "org_id", c.orgID, "user_id", userID,
		"role", string(to), "previous_role", string(from), "actor_id", c.userID)
	writeJSON(w, http.StatusOK, v)
	return nil
}

// removeMember serves DELETE /api/v1/orgs/{org}/members/{user_id}: removing someone
// else as rbac.CheckRemoval allows, or leaving, which any member may do unless they
// are the last admin.
func (a *API) removeMember(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()
	userID := mux.Vars(r)["user_id"]

	role, admins, err := a.targetRole(ctx, c.orgID, userID)
	if err != nil {
		return err
	}
	leaving := userID == c.userID
	switch {
	case leaving && role == rbac.RoleAdmin && admins <= 1:
		return rbac.ErrLastAdmin
	case !leaving:
		if err := rbac.CheckRemoval(c.role, role, admins); err != nil {
			return err
		}
	}

	if err := a.store.ChangeMember(ctx, memberChange(c, userID, role, "")); err != nil {
		return err
	}

	msg, detail := "member removed", "removed; was "+string(role)
	if leaving {
		msg, detail = "member left the organization", "left; was "+string(role)
	}
	a.auditOrg(r, c, storage.AuditMemberRemoved, c.orgID, userID, detail)
	a.log.InfoContext(ctx, msg, "org_id", c.orgID, "user_id", userID, "role", string(role),
		"actor_id", c.userID)
	writeNoContent(w)
	return nil
}
