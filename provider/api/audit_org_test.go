package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// TestAuditOrganizationChanges changes an organization, its tenants, invitations and
// billing through the API, with refused requests in between, then reads the trail:
// one event per successful change, none per refusal, no secret anywhere.
func TestAuditOrganizationChanges(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	org := f.newOrg("Acme", acme)
	ada, eve := f.person("ada").user.ID, f.person("eve").user.ID
	orgPath := "/api/v1/orgs/" + org
	var secrets []string

	// Tenants, by the editor; the viewer's create is refused.
	created := f.call("eve", http.MethodPost, orgPath+"/tenants",
		map[string]string{"name": "Notes", "url": "https://notes.example.com"})
	created.want(t, http.StatusCreated, "")
	tenant, _ := created.body["id"].(string)
	secrets = append(secrets, created.body["client_secret"].(string))
	f.call("vic", http.MethodPost, orgPath+"/tenants",
		map[string]string{"name": "Wiki", "url": "https://wiki.example.com"}).want(t, http.StatusForbidden, "")
	f.call("eve", http.MethodPost, orgPath+"/tenants",
		map[string]string{"name": "Again", "url": "https://notes.example.com"}).want(t, http.StatusConflict, "")
	f.call("eve", http.MethodPatch, orgPath+"/tenants/"+tenant,
		map[string]string{"name": "Journal"}).want(t, http.StatusOK, "")
	f.call("vic", http.MethodPatch, orgPath+"/tenants/"+tenant,
		map[string]string{"name": "Mine"}).want(t, http.StatusForbidden, "")
	f.call("eve", http.MethodDelete, orgPath+"/tenants/nope", nil).want(t, http.StatusNotFound, "")
	f.call("eve", http.MethodDelete, orgPath+"/tenants/"+tenant, nil).want(t, http.StatusNoContent, "")

	// An invitation, by the admin; the editor may not invite an admin.
	invited := f.call("ada", http.MethodPost, orgPath+"/members",
		map[string]string{"email": "new@example.com", "role": "editor"})
	invited.want(t, http.StatusCreated, "")
	inv, _ := invited.body["id"].(string)
	f.call("eve", http.MethodPost, orgPath+"/members",
		map[string]string{"email": "boss@example.com", "role": "admin"}).want(t, http.StatusForbidden, "")
	f.call("ada", http.MethodPost, orgPath+"/invitations/"+inv+"/resend", nil).want(t, http.StatusOK, "")
	f.call("vic", http.MethodDelete, orgPath+"/invitations/"+inv, nil).want(t, http.StatusForbidden, "")
	f.call("ada", http.MethodDelete, orgPath+"/invitations/"+inv, nil).want(t, http.StatusNoContent, "")
	for _, m := range f.mailer.all() {
		secrets = append(secrets, tokenOf(t, m.AcceptURL))
	}
	if len(secrets) != 3 {
		t.Fatalf("%d secrets collected, want the client secret and two invitation tokens", len(secrets))
	}

	// Billing, by the admin; the editor's change is refused. The email stays out.
	billing := map[string]string{"plan": "team", "billing_email": "pay@acme.example"}
	f.call("eve", http.MethodPut, orgPath+"/billing", billing).want(t, http.StatusForbidden, "")
	f.call("ada", http.MethodPut, orgPath+"/billing", billing).want(t, http.StatusOK, "")
	secrets = append(secrets, "pay@acme.example")

	// An organization made and deleted through the API; the editor's delete is refused.
	made := f.call("ada", http.MethodPost, "/api/v1/orgs", map[string]string{"name": "Scratch"})
	made.want(t, http.StatusCreated, "")
	scratch, _ := made.body["id"].(string)
	f.call("eve", http.MethodDelete, orgPath, nil).want(t, http.StatusForbidden, "")
	f.call("ada", http.MethodDelete, "/api/v1/orgs/"+scratch, nil).want(t, http.StatusNoContent, "")

	type event struct{ typ, actor, org, target, detail string }
	tenantCreated := event{storage.AuditTenantCreated, eve, org, tenant, "https://notes.example.com"}
	tenantRenamed := event{storage.AuditTenantRenamed, eve, org, tenant, "Notes -> Journal"}
	tenantDeleted := event{storage.AuditTenantDeleted, eve, org, tenant, "https://notes.example.com"}
	invCreated := event{storage.AuditInvitationCreated, ada, org, inv, "new@example.com as editor"}
	invResent := event{storage.AuditInvitationResent, ada, org, inv, "new@example.com as editor"}
	invRevoked := event{storage.AuditInvitationRevoked, ada, org, inv, "new@example.com as editor"}
	billed := event{storage.AuditBillingChanged, ada, org, org, "team"}
	orgCreated := event{storage.AuditOrgCreated, ada, scratch, scratch, "Scratch"}
	orgDeleted := event{storage.AuditOrgDeleted, ada, scratch, scratch, "Scratch"}

	tests := []struct {
		name  string
		who   string
		query string
		want  []event
	}{
		{"the organization's, for its admin", "ada", "?org=" + org,
			[]event{billed, invRevoked, invResent, invCreated, tenantDeleted, tenantRenamed, tenantCreated}},
		// The deleted organization cannot be named any more: its events are the admin's own.
		{"the admin's own, with the deleted organization's", "ada", "",
			[]event{orgDeleted, orgCreated, billed, invRevoked, invResent, invCreated}},
		{"the editor's own", "eve", "", []event{tenantDeleted, tenantRenamed, tenantCreated}},
		{"the viewer, refused every time, has none", "vic", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.call(tt.who, http.MethodGet, "/api/v1/audit"+tt.query, nil)
			got := auditEvents(t, r)

			if len(got) != len(tt.want) {
				t.Fatalf("%d events, want %d: %v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				g := got[i]
				have := event{g["type"].(string), g["actor_id"].(string), g["org_id"].(string),
					g["target_id"].(string), g["detail"].(string)}
				if have != w {
					t.Errorf("event %d = %+v, want %+v", i, have, w)
				}
				if g["ip_address"] != "127.0.0.1" || g["device_id"] != "" {
					t.Errorf("event %d: ip_address %v, device_id %v", i, g["ip_address"], g["device_id"])
				}
			}
			for _, s := range secrets {
				if strings.Contains(r.raw, s) {
					t.Errorf("the trail shows the secret %q", s)
				}
			}
		})
	}

	t.Run("no secret is stored in the trail", func(t *testing.T) {
		entries, err := f.mr.Stream("gh:audit")
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 9 {
			t.Errorf("%d events stored, want 9", len(entries))
		}
		for _, e := range entries {
			all := strings.Join(e.Values, "\n")
			for _, s := range secrets {
				if strings.Contains(all, s) {
					t.Errorf("event %s stores the secret %q", e.ID, s)
				}
			}
		}
	})
}
