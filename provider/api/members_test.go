package api

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/gatehouse-auth/gatehouse/rbac"
)

// acme is the organization most member tests start from.
var acme = map[string]rbac.Role{"ada": rbac.RoleAdmin, "eve": rbac.RoleEditor,
	"vic": rbac.RoleViewer, "tom": rbac.RoleViewer}

// withRoles returns acme with the given roles added or changed.
func withRoles(extra map[string]rbac.Role) map[string]rbac.Role {
	out := map[string]rbac.Role{}
	for k, v := range acme {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

func TestMemberRoleChanges(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		name       string
		roles      map[string]rbac.Role
		actor      string
		target     string
		body       any
		status     int
		code       string
		permission string
		field      string
	}{
		{name: "the last admin cannot demote themselves", roles: acme, actor: "ada", target: "ada",
			body: map[string]string{"role": "editor"}, status: 409, code: "last_admin"},
		{name: "an editor cannot raise their own role", roles: acme, actor: "eve", target: "eve",
			body: map[string]string{"role": "admin"}, status: 403, code: "forbidden"},
		{name: "a viewer cannot raise their own role", roles: acme, actor: "vic", target: "vic",
			body: map[string]string{"role": "editor"}, status: 403, code: "forbidden"},
		{name: "an admin cannot raise their own role either, being at the top", roles: acme,
			actor: "ada", target: "ada", body: map[string]string{"role": "admin"}, status: 200},
		{name: "an editor cannot demote an admin", roles: acme, actor: "eve", target: "ada",
			body: map[string]string{"role": "viewer"}, status: 403, code: "forbidden",
			permission: "admins:manage"},
		{name: "an editor cannot make an admin", roles: acme, actor: "eve", target: "vic",
			body: map[string]string{"role": "admin"}, status: 403, code: "forbidden",
			permission: "admins:manage"},
		{name: "a viewer cannot change roles", roles: acme, actor: "vic", target: "tom",
			body: map[string]string{"role": "editor"}, status: 403, code: "forbidden",
			permission: "members:manage"},
		{name: "an editor moves a viewer to editor", roles: acme, actor: "eve", target: "vic",
			body: map[string]string{"role": "editor"}, status: 200},
		{name: "an editor lowers their own role", roles: acme, actor: "eve", target: "eve",
			body: map[string]string{"role": "viewer"}, status: 200},
		{name: "one of two admins demotes the other", roles: withRoles(map[string]rbac.Role{"bob": rbac.RoleAdmin}),
			actor: "ada", target: "bob", body: map[string]string{"role": "viewer"}, status: 200},
		{name: "one of two admins steps down", roles: withRoles(map[string]rbac.Role{"bob": rbac.RoleAdmin}),
			actor: "bob", target: "bob", body: map[string]string{"role": "editor"}, status: 200},
		{name: "unknown member", roles: acme, actor: "ada", target: "nobody",
			body: map[string]string{"role": "viewer"}, status: 404, code: "not_found"},
		{name: "unknown role", roles: acme, actor: "ada", target: "vic",
			body: map[string]string{"role": "owner"}, status: 400, code: "invalid_request", field: "role"},
		{name: "role names are case-sensitive", roles: acme, actor: "ada", target: "vic",
			body: map[string]string{"role": "Editor"}, status: 400, code: "invalid_request", field: "role"},
		{name: "missing role", roles: acme, actor: "ada", target: "vic",
			body: map[string]string{}, status: 400, code: "invalid_request", field: "role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org := f.newOrg("Acme", tt.roles)
			target := tt.target
			if _, ok := tt.roles[target]; ok {
				target = f.person(target).user.ID
			}
			before := f.snapshot()

			r := f.call(tt.actor, http.MethodPatch, "/api/v1/orgs/"+org+"/members/"+target, tt.body)

			r.want(t, tt.status, tt.code)
			if r.status != http.StatusOK {
				f.unchanged(t, before)
				checkProblem(t, r, tt.permission, tt.field)
				return
			}
			wantRole := tt.body.(map[string]string)["role"]
			if r.body["role"] != wantRole || r.body["user_id"] != target ||
				r.body["email"] != tt.target+"@example.com" {
				t.Errorf("answer = %s, want %s as %s", r.raw, tt.target, wantRole)
			}
			if got, _ := f.store.Role(context.Background(), org, target); string(got) != wantRole {
				t.Errorf("stored role = %s, want %s", got, wantRole)
			}
		})
	}
}

func TestMemberRemoval(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	twoAdmins := withRoles(map[string]rbac.Role{"bob": rbac.RoleAdmin})
	tests := []struct {
		name       string
		roles      map[string]rbac.Role
		actor      string
		target     string
		status     int
		code       string
		permission string
	}{
		{name: "the last admin cannot leave", roles: acme, actor: "ada", target: "ada",
			status: 409, code: "last_admin"},
		{name: "a viewer leaves without members:manage", roles: acme, actor: "vic", target: "vic",
			status: 204},
		{name: "an editor leaves", roles: acme, actor: "eve", target: "eve", status: 204},
		{name: "one of two admins leaves", roles: twoAdmins, actor: "bob", target: "bob", status: 204},
		{name: "an editor removes a viewer", roles: acme, actor: "eve", target: "vic", status: 204},
		{name: "an admin removes another admin", roles: twoAdmins, actor: "ada", target: "bob",
			status: 204},
		{name: "an editor cannot remove an admin", roles: acme, actor: "eve", target: "ada",
			status: 403, code: "forbidden", permission: "admins:manage"},
		{name: "a viewer cannot remove anyone", roles: acme, actor: "vic", target: "tom",
			status: 403, code: "forbidden", permission: "members:manage"},
		{name: "unknown member", roles: acme, actor: "ada", target: "nobody", status: 404,
			code: "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			org := f.newOrg("Acme", tt.roles)
			target := tt.target
			if _, ok := tt.roles[target]; ok {
				target = f.person(target).user.ID
			}
			before := f.snapshot()

			r := f.call(tt.actor, http.MethodDelete, "/api/v1/orgs/"+org+"/members/"+target, nil)

			r.want(t, tt.status, tt.code)
			if r.status != http.StatusNoContent {
				f.unchanged(t, before)
				checkProblem(t, r, tt.permission, "")
				return
			}
			if _, err := f.store.Role(ctx, org, target); err == nil {
				t.Errorf("%s is still a member", tt.target)
			}
			orgs, err := f.store.UserOrganizations(ctx, target)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range orgs {
				if m.OrgID == org {
					t.Errorf("%s still lists the organization", tt.target)
				}
			}
		})
	}
}

func TestListMembers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	org := f.newOrg("Acme", acme)

	r := f.call("vic", http.MethodGet, "/api/v1/orgs/"+org+"/members", nil)

	r.want(t, http.StatusOK, "")
	members, _ := r.body["members"].([]any)
	if len(members) != len(acme) {
		t.Fatalf("members = %s, want %d", r.raw, len(acme))
	}
	for _, m := range members {
		m := m.(map[string]any)
		name := m["email"].(string)
		name = name[:len(name)-len("@example.com")]
		if m["user_id"] != f.person(name).user.ID || m["role"] != string(acme[name]) ||
			m["name"] != f.person(name).user.Name {
			t.Errorf("member %v, want %s as %s", m, name, acme[name])
		}
	}
}

// TestConcurrentDemotionsKeepAnAdmin sends 50 PATCH requests at once in which two
// admins demote each other and themselves. Each one alone is allowed; together they
// must leave at least one admin, and every refusal is a clean 403 or 409.
func TestConcurrentDemotionsKeepAnAdmin(t *testing.T) {
	t.Parallel()
	const requests = 50
	f := newFixture(t)
	ada, bob := f.person("ada"), f.person("bob")

	for round := range 5 {
		org := f.newOrg("Acme", map[string]rbac.Role{"ada": rbac.RoleAdmin, "bob": rbac.RoleAdmin,
			"eve": rbac.RoleEditor})

		statuses := make([]int, requests)
		var start, done sync.WaitGroup
		start.Add(1)
		for i := range requests {
			actor, target := "ada", bob
			if i%2 == 1 {
				actor, target = "bob", ada
			}
			if i%4 >= 2 { // half of them step down instead
				target = f.person(actor)
			}
			done.Add(1)
			go func() {
				defer done.Done()
				start.Wait()
				path := "/api/v1/orgs/" + org + "/members/" + target.user.ID
				statuses[i] = f.callNoFatal(actor, http.MethodPatch, path, `{"role":"editor"}`)
			}()
		}
		start.Done()
		done.Wait()

		ok := 0
		for i, s := range statuses {
			switch s {
			case http.StatusOK:
				ok++
			case http.StatusForbidden, http.StatusConflict:
			default:
				t.Errorf("round %d, request %d: status %d", round, i, s)
			}
		}
		admins, err := f.store.AdminCount(context.Background(), org)
		if err != nil {
			t.Fatal(err)
		}
		if admins < 1 {
			t.Fatalf("round %d: %d admins left after concurrent demotions", round, admins)
		}
		if ok == 0 {
			t.Errorf("round %d: no demotion succeeded", round)
		}
		t.Logf("round %d: %d of %d succeeded, %d admins left; statuses %v", round, ok, requests, admins, statuses)
		checkMembershipIndexes(t, f, org)
	}
}

// checkMembershipIndexes fails unless the organization's member list and every
// member's own list of organizations agree.
func checkMembershipIndexes(t *testing.T, f *fixture, org string) {
	t.Helper()
	ctx := context.Background()
	members, err := f.store.Members(ctx, org)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		orgs, err := f.store.UserOrganizations(ctx, m.UserID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, o := range orgs {
			found = found || (o.OrgID == org && o.Role == m.Role)
		}
		if !found {
			t.Errorf("user %s is %s in the organization, but their own index disagrees: %v",
				m.UserID, m.Role, orgs)
		}
	}
}

// checkProblem checks the extra members of an error answer.
func checkProblem(t *testing.T, r response, permission, field string) {
	t.Helper()
	if got, _ := r.body["permission"].(string); got != permission {
		t.Errorf("permission = %q, want %q; body %s", got, permission, r.raw)
	}
	if got, _ := r.body["field"].(string); got != field {
		t.Errorf("field = %q, want %q; body %s", got, field, r.raw)
	}
	if d, _ := r.body["error_description"].(string); d == "" {
		t.Errorf("no error_description; body %s", r.raw)
	}
}
