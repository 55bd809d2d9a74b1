package api

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"time"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/rbac"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// orgView is an organization with the caller's role in it.
type orgView struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

// orgDetail is the answer of GET /orgs/{org}.
type orgDetail struct {
	orgView
	MemberCount int `json:"member_count"`
	TenantCount int `json:"tenant_count"`
}

// createOrgRequest is the body of POST /orgs.
type createOrgRequest struct {
	Name string `json:"name"`
}

// createOrg serves POST /api/v1/orgs. Anyone signed in may create an organization;
// the store makes its creator the first admin in the same step.
func (a *API) createOrg(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()

	var in createOrgRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	name, err := parseName("name", in.Name)
	if err != nil {
		return err
	}

	o, err := a.store.CreateOrganization(ctx, name, c.userID)
	if err != nil {
		return err
	}

	a.auditOrg(r, c, storage.AuditOrgCreated, o.ID, o.ID, o.Name)
	a.log.InfoContext(ctx, "organization created", "org_id", o.ID, "user_id", c.userID,
		"role", string(rbac.RoleAdmin))
	writeJSON(w, http.StatusCreated, orgView{ID: o.ID, Name: o.Name, Role: string(rbac.RoleAdmin),
		CreatedAt: o.CreatedAt})
	return nil
}

// listOrgs serves GET /api/v1/orgs: the caller's organizations, by name.
func (a *API) listOrgs(w http.ResponseWriter, r *http.Request, c *caller) error {
	orgs, err := a.memberOrgs(r.Context(), c.userID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string][]orgView{"organizations": orgs})
	return nil
}

// memberOrgs loads the organizations userID belongs to, by name then id. A
// membership whose organization vanished meanwhile is left out.
func (a *API) memberOrgs(ctx context.Context, userID string) ([]orgView, error) {
	ms, err := a.store.UserOrganizations(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]orgView, 0, len(ms))
	for _, m := range ms {
		o, err := a.store.Organization(ctx, m.OrgID)
		if errors.Is(err, fosite.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, orgView{ID: o.ID, Name: o.Name, Role: string(m.Role), CreatedAt: o.CreatedAt})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// getOrg serves GET /api/v1/orgs/{org} (org:read).
func (a *API) getOrg(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()

	o, err := a.store.Organization(ctx, c.orgID)
	if err != nil {
		return err
	}
	members, err := a.store.Members(ctx, c.orgID)
	if err != nil {
		return err
	}
	tenants, err := a.store.Tenants(ctx, c.orgID)
	if err != nil {
		return err
	}

	writeJSON(w, http.StatusOK, orgDetail{
		orgView:     orgView{ID: o.ID, Name: o.Name, Role: string(c.role), CreatedAt: o.CreatedAt},
		MemberCount: len(members),
		TenantCount: len(tenants),
	})
	return nil
}

// deleteOrg serves DELETE /api/v1/orgs/{org} (org:delete): the organization goes with
// its memberships, tenants and their clients, invitations and billing, in one step.
// The audit trail keeps its org.deleted event, which the deleting admin finds among
// their own events (GET /audit without org), the organization being gone.
func (a *API) deleteOrg(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()

	o, err := a.store.Organization(ctx, c.orgID)
	if err != nil {
		return err
	}
	if err := a.store.DeleteOrganization(ctx, c.orgID); err != nil {
		return err
	}

	a.auditOrg(r, c, storage.AuditOrgDeleted, c.orgID, c.orgID, o.Name)

	a.log.InfoContext(ctx, "organization deleted", "org_id", c.orgID, "user_id", c.userID)
	writeNoContent(w)
	return nil
}
