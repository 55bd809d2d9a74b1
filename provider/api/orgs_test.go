package api

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/rbac"
)

func TestOrganizations(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()

	created := f.call("ada", http.MethodPost, "/api/v1/orgs", map[string]string{"name": "  Zeta Corp "})
	created.want(t, http.StatusCreated, "")
	org, _ := created.body["id"].(string)
	if org == "" || created.body["name"] != "Zeta Corp" || created.body["role"] != "admin" ||
		created.body["created_at"] == nil {
		t.Fatalf("created = %s", created.raw)
	}
	if role, err := f.store.Role(ctx, org, f.person("ada").user.ID); err != nil || role != rbac.RoleAdmin {
		t.Fatalf("creator's role = %v, %v", role, err)
	}
	acmeID := f.newOrg("Acme", map[string]rbac.Role{"ada": rbac.RoleViewer, "bob": rbac.RoleAdmin})
	f.call("bob", http.MethodPost, "/api/v1/orgs/"+acmeID+"/tenants",
		map[string]string{"name": "Notes", "url": "https://notes.example.com"}).want(t, 201, "")

	t.Run("list, by name", func(t *testing.T) {
		r := f.call("ada", http.MethodGet, "/api/v1/orgs", nil)
		r.want(t, http.StatusOK, "")
		orgs := r.body["organizations"].([]any)
		if len(orgs) != 2 {
			t.Fatalf("organizations = %s", r.raw)
		}
		first, second := orgs[0].(map[string]any), orgs[1].(map[string]any)
		if first["id"] != acmeID || first["role"] != "viewer" || second["id"] != org ||
			second["role"] != "admin" || second["created_at"] == nil {
			t.Errorf("organizations = %s", r.raw)
		}
	})
	t.Run("me", func(t *testing.T) {
		r := f.call("ada", http.MethodGet, "/api/v1/me", nil)
		r.want(t, http.StatusOK, "")
		u := r.body["user"].(map[string]any)
		if u["id"] != f.person("ada").user.ID || u["email"] != "ada@example.com" || u["name"] != "Ada" {
			t.Errorf("user = %v", u)
		}
		orgs := r.body["organizations"].([]any)
		if len(orgs) != 2 || orgs[0].(map[string]any)["name"] != "Acme" ||
			orgs[1].(map[string]any)["role"] != "admin" {
			t.Errorf("organizations = %v", orgs)
		}
	})
	t.Run("me without organizations", func(t *testing.T) {
		r := f.call("nia", http.MethodGet, "/api/v1/me", nil)
		r.want(t, http.StatusOK, "")
		if orgs, ok := r.body["organizations"].([]any); !ok || len(orgs) != 0 {
			t.Errorf("organizations = %v, want []", r.body["organizations"])
		}
	})
	t.Run("one, with counts", func(t *testing.T) {
		r := f.call("ada", http.MethodGet, "/api/v1/orgs/"+acmeID, nil)
		r.want(t, http.StatusOK, "")
		if r.body["name"] != "Acme" || r.body["role"] != "viewer" || r.body["member_count"] != 2.0 ||
			r.body["tenant_count"] != 1.0 || r.body["created_at"] == nil {
			t.Errorf("organization = %s", r.raw)
		}
	})
	t.Run("a bad name writes nothing", func(t *testing.T) {
		before := f.snapshot()
		for _, name := range []string{"", "   ", "tab\there", strings.Repeat("a", 101)} {
			r := f.call("ada", http.MethodPost, "/api/v1/orgs", map[string]string{"name": name})
			r.want(t, http.StatusBadRequest, "invalid_request")
			checkProblem(t, r, "", "name")
		}
		f.unchanged(t, before)
	})
	t.Run("delete", func(t *testing.T) {
		f.call("ada", http.MethodDelete, "/api/v1/orgs/"+org, nil).want(t, http.StatusNoContent, "")
		f.call("ada", http.MethodGet, "/api/v1/orgs/"+org, nil).want(t, http.StatusNotFound, "not_found")
		orgs, err := f.store.UserOrganizations(ctx, f.person("ada").user.ID)
		if err != nil || len(orgs) != 1 || orgs[0].OrgID != acmeID {
			t.Errorf("ada's organizations after delete = %v, %v", orgs, err)
		}
	})
}

// TestNonMemberSeesNotFound checks that an organization one is not a member of
// answers exactly like one that does not exist, on every organization route, and
// that nothing is written.
func TestNonMemberSeesNotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	org := f.newOrg("Acme", acme)
	f.person("out")
	routes := []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, "", nil},
		{http.MethodDelete, "", nil},
		{http.MethodGet, "/members", nil},
		{http.MethodPost, "/members", map[string]string{"email": "x@example.com", "role": "viewer"}},
		{http.MethodPatch, "/members/" + f.person("vic").user.ID, map[string]string{"role": "editor"}},
		{http.MethodDelete, "/members/" + f.person("vic").user.ID, nil},
		{http.MethodGet, "/invitations", nil},
		{http.MethodPost, "/invitations/x/resend", nil},
		{http.MethodDelete, "/invitations/x", nil},
		{http.MethodGet, "/tenants", nil},
		{http.MethodPost, "/tenants", map[string]string{"name": "X", "url": "https://x.example.com"}},
		{http.MethodPatch, "/tenants/x", map[string]string{"name": "X"}},
		{http.MethodDelete, "/tenants/x", nil},
		{http.MethodGet, "/billing", nil},
		{http.MethodPut, "/billing", map[string]string{"plan": "team", "billing_email": ""}},
	}
	for _, rt := range routes {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			before := f.snapshot()
			member := f.call("out", rt.method, "/api/v1/orgs/"+org+rt.path, rt.body)
			unknown := f.call("out", rt.method, "/api/v1/orgs/no-such-org"+rt.path, rt.body)

			member.want(t, http.StatusNotFound, "not_found")
			if member.raw != unknown.raw {
				t.Errorf("a real organization answers %s, an unknown one %s", member.raw, unknown.raw)
			}
			f.unchanged(t, before)
		})
	}
}
