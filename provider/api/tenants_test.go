package api

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/provider"
	"github.com/gatehouse-auth/gatehouse/rbac"
)

func TestTenantLifecycle(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	org := f.newOrg("Acme", acme)
	other := f.newOrg("Other", map[string]rbac.Role{"ada": rbac.RoleAdmin})
	tenants := "/api/v1/orgs/" + org + "/tenants"

	created := f.call("eve", http.MethodPost, tenants,
		map[string]string{"name": "Notes", "url": "https://notes.example.com/"})
	created.want(t, http.StatusCreated, "")
	id, _ := created.body["id"].(string)
	secret, _ := created.body["client_secret"].(string)
	clientID, _ := created.body["client_id"].(string)
	if id == "" || secret == "" || clientID == "" || created.body["url"] != "https://notes.example.com" ||
		created.body["name"] != "Notes" || created.body["created_at"] == nil {
		t.Fatalf("created = %s", created.raw)
	}
	if !f.clientAuthenticates(clientID, secret) {
		t.Error("the returned secret does not authenticate the tenant's client")
	}

	t.Run("list shows no secret", func(t *testing.T) {
		r := f.call("vic", http.MethodGet, tenants, nil)
		r.want(t, http.StatusOK, "")
		list := r.body["tenants"].([]any)
		if len(list) != 1 || list[0].(map[string]any)["id"] != id {
			t.Fatalf("tenants = %s", r.raw)
		}
		if _, ok := list[0].(map[string]any)["client_secret"]; ok {
			t.Error("the list shows the client secret")
		}
	})
	t.Run("refusals write nothing", func(t *testing.T) {
		tests := []struct {
			name   string
			method string
			path   string
			body   any
			status int
			code   string
			field  string
		}{
			{"duplicate url", http.MethodPost, tenants,
				map[string]string{"name": "Again", "url": "https://notes.example.com"}, 409, "conflict", ""},
			{"duplicate url, another organization", http.MethodPost, "/api/v1/orgs/" + other + "/tenants",
				map[string]string{"name": "Again", "url": "https://notes.example.com/"}, 409, "conflict", ""},
			{"relative url", http.MethodPost, tenants,
				map[string]string{"name": "X", "url": "notes.example.com"}, 400, "invalid_request", "url"},
			{"ftp url", http.MethodPost, tenants,
				map[string]string{"name": "X", "url": "ftp://x.example.com"}, 400, "invalid_request", "url"},
			{"url with a query", http.MethodPost, tenants,
				map[string]string{"name": "X", "url": "https://x.example.com/?a=b"}, 400, "invalid_request", "url"},
			{"url with a fragment", http.MethodPost, tenants,
				map[string]string{"name": "X", "url": "https://x.example.com/#top"}, 400, "invalid_request", "url"},
			{"url with an empty fragment", http.MethodPost, tenants,
				map[string]string{"name": "X", "url": "https://x.example.com/#"}, 400, "invalid_request", "url"},
			{"url with credentials", http.MethodPost, tenants,
				map[string]string{"name": "X", "url": "https://u:p@x.example.com"}, 400, "invalid_request", "url"},
			{"no url", http.MethodPost, tenants, map[string]string{"name": "X"}, 400, "invalid_request", "url"},
			{"no name", http.MethodPost, tenants,
				map[string]string{"name": "  ", "url": "https://x.example.com"}, 400, "invalid_request", "name"},
			{"rename to nothing", http.MethodPatch, tenants + "/" + id,
				map[string]string{"name": ""}, 400, "invalid_request", "name"},
			{"rename another organization's tenant", http.MethodPatch, "/api/v1/orgs/" + other + "/tenants/" + id,
				map[string]string{"name": "Mine"}, 404, "not_found", ""},
			{"delete another organization's tenant", http.MethodDelete, "/api/v1/orgs/" + other + "/tenants/" + id,
				nil, 404, "not_found", ""},
			{"rename an unknown tenant", http.MethodPatch, tenants + "/nope",
				map[string]string{"name": "Mine"}, 404, "not_found", ""},
			{"a viewer cannot rename", http.MethodPatch, tenants + "/" + id,
				map[string]string{"name": "Mine"}, 403, "forbidden", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				who := "ada"
				if tt.code == "forbidden" {
					who = "vic"
				}
				before := f.snapshot()
				r := f.call(who, tt.method, tt.path, tt.body)
				r.want(t, tt.status, tt.code)
				if r.body["field"] != nil || tt.field != "" {
					if r.body["field"] != tt.field {
						t.Errorf("field = %v, want %s", r.body["field"], tt.field)
					}
				}
				f.unchanged(t, before)
			})
		}
	})
	t.Run("rename", func(t *testing.T) {
		r := f.call("eve", http.MethodPatch, tenants+"/"+id, map[string]string{"name": "Team notes"})
		r.want(t, http.StatusOK, "")
		if r.body["name"] != "Team notes" || r.body["url"] != "https://notes.example.com" {
			t.Errorf("renamed = %s", r.raw)
		}
		if got, _ := f.store.Tenant(ctx, id); got == nil || got.Name != "Team notes" {
			t.Errorf("stored tenant = %+v", got)
		}
	})
	t.Run("delete", func(t *testing.T) {
		f.call("eve", http.MethodDelete, tenants+"/"+id, nil).want(t, http.StatusNoContent, "")
		if _, err := f.store.Tenant(ctx, id); err == nil {
			t.Error("the tenant is still there")
		}
		if f.clientAuthenticates(clientID, secret) {
			t.Error("the tenant's client still authenticates")
		}
		f.call("eve", http.MethodDelete, tenants+"/"+id, nil).want(t, http.StatusNotFound, "not_found")
	})
}

// clientAuthenticates reports whether the provider's introspection endpoint accepts
// id and secret (RFC 7662 §2.1 with RFC 6749 §2.3.1 client authentication).
func (f *fixture) clientAuthenticates(id, secret string) bool {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+provider.PathIntrospect,
		strings.NewReader("token=not-a-token"))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	r := f.send(req)
	if r.status != http.StatusOK && r.status != http.StatusUnauthorized {
		f.t.Fatalf("introspection: %d %s", r.status, r.raw)
	}
	return r.status == http.StatusOK
}

// TestTenantURLsHaveOneSpelling: a tenant's URL is the aud of its tokens and is
// compared exactly, so another spelling of an address, or Gatehouse's own, is refused.
func TestTenantURLsHaveOneSpelling(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	org := f.newOrg("Acme", acme)

	tests := []struct{ name, url string }{
		{"upper-case host", "https://Notes.Example.com"},
		{"default port", "https://notes.example.com:443"},
		{"leading zero in the port", "http://notes.example.com:08421"},
		{"dot segment", "https://notes.example.com/a/./b"},
		{"dot-dot segment", "https://notes.example.com/a/../b"},
		{"Gatehouse itself", f.srv.URL},
		{"under Gatehouse", f.srv.URL + "/api"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.call("eve", http.MethodPost, "/api/v1/orgs/"+org+"/tenants",
				map[string]string{"name": "notes", "url": tt.url}).want(t, http.StatusBadRequest, "invalid_request")
		})
	}

	// The canonical spelling, with a trailing slash, is accepted and stored without it.
	r := f.call("eve", http.MethodPost, "/api/v1/orgs/"+org+"/tenants",
		map[string]string{"name": "notes", "url": "https://notes.example.com:8443/app/"})
	r.want(t, http.StatusCreated, "")
	if r.body["url"] != "https://notes.example.com:8443/app" {
		t.Fatalf("stored url = %v", r.body["url"])
	}
}
