package api

import (
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/gatehouse-auth/gatehouse/rbac"
)

// wantGrants is the permission table as the product defines it, written out again
// here so that a change to rbac's table has to be made twice: once on purpose.
// Columns: admin, editor, viewer.
var wantGrants = map[rbac.Permission][3]bool{
	rbac.PermViewOrg:       {true, true, true},
	rbac.PermTenantRead:    {true, true, true},
	rbac.PermTenantWrite:   {true, true, false},
	rbac.PermManageTenants: {true, true, false},
	rbac.PermManageMembers: {true, true, false},
	rbac.PermManageAdmins:  {true, false, false},
	rbac.PermBilling:       {true, false, false},
	rbac.PermDeleteOrg:     {true, false, false},
	rbac.PermManageDevices: {true, false, false},
}

// tenantSide are the permissions a tenant server checks, not the management API:
// they are tested through rbac only (TestPermissionTableMatchesRBAC).
var tenantSide = []rbac.Permission{rbac.PermTenantRead, rbac.PermTenantWrite}

// roleCase is who acts, by role, in the organizations the permission tests make.
var roleCase = []struct {
	role rbac.Role
	who  string
}{
	{rbac.RoleAdmin, "ada"},
	{rbac.RoleEditor, "eve"},
	{rbac.RoleViewer, "vic"},
}

func TestPermissionTableMatchesRBAC(t *testing.T) {
	t.Parallel()
	if got := len(rbac.AllPermissions()); got != len(wantGrants) {
		t.Fatalf("rbac has %d permissions, this test knows %d", got, len(wantGrants))
	}
	for _, perm := range rbac.AllPermissions() {
		row, ok := wantGrants[perm]
		if !ok {
			t.Errorf("rbac permission %s is not in this test's table", perm)
			continue
		}
		for i, role := range rbac.Roles() {
			if got := role.Can(perm); got != row[i] {
				t.Errorf("%s.Can(%s) = %v, want %v", role, perm, got, row[i])
			}
		}
	}
}

// TestPermissionTableThroughTheAPI checks every cell of the table, for the
// permissions the management API enforces, through one endpoint that needs it. An
// allowed cell succeeds; a refused one is 403 naming the permission and writes
// nothing.
func TestPermissionTableThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	endpoints := []struct {
		perm   rbac.Permission
		name   string
		do     func(who, org string) response
		status int
	}{
		{rbac.PermViewOrg, "GET org", func(who, org string) response {
			return f.call(who, http.MethodGet, "/api/v1/orgs/"+org, nil)
		}, http.StatusOK},
		{rbac.PermManageTenants, "POST tenant", func(who, org string) response {
			body := map[string]string{"name": "Notes", "url": "https://notes-" + org + ".example.com"}
			return f.call(who, http.MethodPost, "/api/v1/orgs/"+org+"/tenants", body)
		}, http.StatusCreated},
		{rbac.PermManageMembers, "invite an editor", func(who, org string) response {
			body := map[string]string{"email": "new-" + org + "@example.com", "role": "editor"}
			return f.call(who, http.MethodPost, "/api/v1/orgs/"+org+"/members", body)
		}, http.StatusCreated},
		{rbac.PermManageAdmins, "PATCH a viewer to admin", func(who, org string) response {
			path := "/api/v1/orgs/" + org + "/members/" + f.person("tom").user.ID
			return f.call(who, http.MethodPatch, path, map[string]string{"role": "admin"})
		}, http.StatusOK},
		{rbac.PermBilling, "GET billing", func(who, org string) response {
			return f.call(who, http.MethodGet, "/api/v1/orgs/"+org+"/billing", nil)
		}, http.StatusOK},
		{rbac.PermDeleteOrg, "DELETE org", func(who, org string) response {
			return f.call(who, http.MethodDelete, "/api/v1/orgs/"+org, nil)
		}, http.StatusNoContent},
		{rbac.PermManageDevices, "GET org devices", func(who, org string) response {
			return f.call(who, http.MethodGet, "/api/v1/orgs/"+org+"/devices", nil)
		}, http.StatusOK},
	}

	covered := slices.Clone(tenantSide)
	for _, ep := range endpoints {
		covered = append(covered, ep.perm)
	}
	for _, perm := range rbac.AllPermissions() {
		if !slices.Contains(covered, perm) {
			t.Errorf("permission %s has no endpoint in this test", perm)
		}
	}
	t.Logf("%v are enforced by tenant servers, not this API: checked through rbac only", tenantSide)

	for _, ep := range endpoints {
		for i, rc := range roleCase {
			allowed := wantGrants[ep.perm][i]
			t.Run(string(ep.perm)+"/"+string(rc.role), func(t *testing.T) {
				org := f.newOrg("Acme", map[string]rbac.Role{"ada": rbac.RoleAdmin,
					"eve": rbac.RoleEditor, "vic": rbac.RoleViewer, "tom": rbac.RoleViewer})
				before := f.snapshot()

				r := ep.do(rc.who, org)

				if allowed {
					r.want(t, ep.status, "")
					// The snapshot must see a write, or "unchanged" below proves nothing.
					if ep.status != http.StatusOK && maps.Equal(before, f.snapshot()) {
						t.Errorf("%s by %s succeeded but Redis looks unchanged", ep.name, rc.role)
					}
					return
				}
				r.want(t, http.StatusForbidden, "forbidden")
				if r.body["permission"] != string(ep.perm) {
					t.Errorf("%s by %s: permission = %v, want %s", ep.name, rc.role, r.body["permission"], ep.perm)
				}
				f.unchanged(t, before)
			})
		}
	}
}
