package api

import (
	"net/http"
	"testing"
)

func TestBilling(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	org := f.newOrg("Acme", acme)
	path := "/api/v1/orgs/" + org + "/billing"

	r := f.call("ada", http.MethodGet, path, nil)
	r.want(t, http.StatusOK, "")
	if r.body["plan"] != "free" || r.body["billing_email"] != "" {
		t.Errorf("a new organization's billing = %s", r.raw)
	}

	put := map[string]string{"plan": "team", "billing_email": "billing@acme.example"}
	f.call("ada", http.MethodPut, path, put).want(t, http.StatusOK, "")
	r = f.call("ada", http.MethodGet, path, nil)
	if r.body["plan"] != "team" || r.body["billing_email"] != "billing@acme.example" {
		t.Errorf("billing after PUT = %s", r.raw)
	}

	tests := []struct {
		name  string
		who   string
		body  any
		code  string
		field string
	}{
		{"unknown plan", "ada", map[string]string{"plan": "gold", "billing_email": ""}, "invalid_request", "plan"},
		{"no plan", "ada", map[string]string{"billing_email": ""}, "invalid_request", "plan"},
		{"bad email", "ada", map[string]string{"plan": "team", "billing_email": "nope"}, "invalid_request",
			"billing_email"},
		{"an editor", "eve", put, "forbidden", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.snapshot()
			r := f.call(tt.who, http.MethodPut, path, tt.body)
			r.want(t, map[string]int{"invalid_request": 400, "forbidden": 403}[tt.code], tt.code)
			perm := ""
			if tt.code == "forbidden" {
				perm = "billing:manage"
			}
			checkProblem(t, r, perm, tt.field)
			f.unchanged(t, before)
		})
	}
}
