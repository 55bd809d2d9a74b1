package api

import (
	"net/http"
	"strings"
	"testing"
)

// TestBadBodies checks that every way a body can be wrong is a 400 that names the
// problem, and the field when there is one, and that nothing is written.
func TestBadBodies(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	org := f.newOrg("Acme", acme)
	tests := []struct {
		name        string
		path        string
		contentType string
		body        string
		field       string
		says        string
	}{
		{name: "wrong content type", contentType: "text/plain", body: `{"name":"X"}`,
			says: "Content-Type: application/json"},
		{name: "form content type", contentType: "application/x-www-form-urlencoded", body: "name=X",
			says: "Content-Type: application/json"},
		{name: "no content type", contentType: "-", body: `{"name":"X"}`,
			says: "Content-Type: application/json"},
		{name: "content type with charset is fine but the JSON is bad",
			contentType: "application/json; charset=utf-8", body: `{"name":`, says: "not valid JSON"},
		{name: "malformed JSON", body: `{"name": "X",}`, says: "not valid JSON"},
		{name: "unknown field", body: `{"name":"X","colour":"red"}`, field: "colour",
			says: "colour is not known"},
		{name: "wrong type", body: `{"name":42}`, field: "name", says: "must be a JSON string"},
		{name: "not an object", body: `["X"]`, says: "must be a JSON object"},
		{name: "empty body", body: ``, says: "empty"},
		{name: "two objects", body: `{"name":"X"}{"name":"Y"}`, says: "single JSON object"},
		{name: "too large", body: `{"name":"` + strings.Repeat("x", 70<<10) + `"}`, says: "64 KiB"},
		{name: "too large after a valid object", body: `{"name":"X"}` + strings.Repeat(" ", 70<<10) + "{}",
			says: "64 KiB"},
		{name: "unknown field on PATCH member", path: "/members/" + f.person("vic").user.ID,
			body: `{"role":"editor","admin":true}`, field: "admin", says: "admin is not known"},
		{name: "unknown field on PUT billing", path: "/billing",
			body: `{"plan":"team","billing_email":"","card":"4242"}`, field: "card", says: "card is not known"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method, path := http.MethodPost, "/api/v1/orgs"
			switch {
			case strings.HasPrefix(tt.path, "/members"):
				method, path = http.MethodPatch, "/api/v1/orgs/"+org+tt.path
			case tt.path == "/billing":
				method, path = http.MethodPut, "/api/v1/orgs/"+org+tt.path
			}
			req, _ := http.NewRequest(method, f.srv.URL+path, strings.NewReader(tt.body))
			req.Header.Set("Authorization", "Bearer "+f.person("ada").token)
			switch tt.contentType {
			case "":
				req.Header.Set("Content-Type", "application/json")
			case "-":
			default:
				req.Header.Set("Content-Type", tt.contentType)
			}
			before := f.snapshot()

			r := f.send(req)

			r.want(t, http.StatusBadRequest, "invalid_request")
			if got, _ := r.body["field"].(string); got != tt.field {
				t.Errorf("field = %q, want %q", got, tt.field)
			}
			if d, _ := r.body["error_description"].(string); !strings.Contains(d, tt.says) {
				t.Errorf("error_description = %q, want it to say %q", d, tt.says)
			}
			f.unchanged(t, before)
		})
	}
}
