package api

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// tenantView is a tenant as the API shows it.
type tenantView struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	URL       string    `json:"url"`
	ClientID  string    `json:"client_id"`
	CreatedAt time.Time `json:"created_at"`
}

// createdTenant is the answer of POST /orgs/{org}/tenants: the one time the client
// secret is shown.
type createdTenant struct {
	tenantView
	ClientSecret string `json:"client_secret"`
}

// createTenantRequest is the body of POST /orgs/{org}/tenants.
type createTenantRequest struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// renameTenantRequest is the body of PATCH /orgs/{org}/tenants/{tenant}.
type renameTenantRequest struct {
	Name string `json:"name"`
}

func viewTenant(t *storage.Tenant) tenantView {
	return tenantView{ID: t.ID, Name: t.Name, URL: t.URL, ClientID: t.ClientID, CreatedAt: t.CreatedAt}
}

// listTenants serves GET /api/v1/orgs/{org}/tenants (org:read), by name.
func (a *API) listTenants(w http.ResponseWriter, r *http.Request, c *caller) error {
	ts, err := a.store.Tenants(r.Context(), c.orgID)
	if err != nil {
		return err
	}
	out := make([]tenantView, 0, len(ts))
	for _, t := range ts {
		out = append(out, viewTenant(t))
	}
	writeJSON(w, http.StatusOK, map[string][]tenantView{"tenants": out})
	return nil
}

// createTenant serves POST /api/v1/orgs/{org}/tenants (tenants:manage): the tenant
// and its confidential client, in one step. A URL already registered, by any
// organization, is a conflict.
func (a *API) createTenant(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()

	var in createTenantRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	name, err := parseName("name", in.Name)
	if err != nil {
		return err
	}
	u, err := parseTenantURL(in.URL)
	if err != nil {
		return err
	}
	// Gatehouse's own address is the audience of management tokens, not a tenant's.
	if u == a.issuer || strings.HasPrefix(u, a.issuer+"/") {
		return badRequest("url", "The url %s is Gatehouse's own address, not a tenant's.", u)
	}

	t, secret, err := a.store.CreateTenant(ctx, storage.TenantSpec{OrgID: c.orgID, Name: name, URL: u})
	if errors.Is(err, storage.ErrExists) {
		return conflict("A tenant with this url is already registered.")
	}
	if err != nil {
		return err
	}

	// The detail is the URL, never the client secret.
	a.auditOrg(r, c, storage.AuditTenantCreated, c.orgID, t.ID, t.URL)
	a.log.InfoContext(ctx, "tenant created", "org_id", c.orgID, "tenant_id", t.ID,
		"client_id", t.ClientID, "user_id", c.userID)
	writeJSON(w, http.StatusCreated, createdTenant{tenantView: viewTenant(t), ClientSecret: secret})
	return nil
}

// orgTenant loads the tenant the path names, which must belong to the path's
// organization: another organization's looks like none at all.
func (a *API) orgTenant(r *http.Request, c *caller) (*storage.Tenant, error) {
	t, err := a.store.Tenant(r.Context(), mux.Vars(r)["tenant"])
	return heldByOrg(c, "Tenant", t, err, func(t *storage.Tenant) string { return t.OrgID })
}

// renameTenant serves PATCH /api/v1/orgs/{org}/tenants/{tenant} (tenants:manage).
func (a *API) renameTenant(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()

	var in renameTenantRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	name, err := parseName("name", in.Name)
	if err != nil {
		return err
	}
	t, err := a.orgTenant(r, c)
	if err != nil {
		return err
	}

	if err := a.store.RenameTenant(ctx, t.ID, name); err != nil {
		return err
	}
	old := t.Name
	t.Name = name

	if old != name {
		a.auditOrg(r, c, storage.AuditTenantRenamed, c.orgID, t.ID, old+" -> "+name)
	}
	a.log.InfoContext(ctx, "tenant renamed", "org_id", c.orgID, "tenant_id", t.ID, "user_id", c.userID)
	writeJSON(w, http.StatusOK, viewTenant(t))
	return nil
}

// deleteTenant serves DELETE /api/v1/orgs/{org}/tenants/{tenant} (tenants:manage):
// the tenant, its URL and its client go in one step.
func (a *API) deleteTenant(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()

	t, err := a.orgTenant(r, c)
	if err != nil {
		return err
	}
	if err := a.store.DeleteTenant(ctx, t.ID); err != nil {
		return err
	}

	a.auditOrg(r, c, storage.AuditTenantDeleted, c.orgID, t.ID, t.URL)
	a.log.InfoContext(ctx, "tenant deleted", "org_id", c.orgID, "tenant_id", t.ID, "user_id", c.userID)
	writeNoContent(w)
	return nil
}
