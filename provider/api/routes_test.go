package api

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		method, path, allow string
	}{
		{http.MethodPut, "/api/v1/orgs", "GET, POST"},
		{http.MethodPost, "/api/v1/me", "GET"},
		{http.MethodPost, "/api/v1/orgs/x/billing", "GET, PUT"},
		{http.MethodGet, "/api/v1/orgs/x/invitations/y/resend", "POST"},
		{http.MethodPut, "/api/v1/orgs/x/members/y", "PATCH, DELETE"},
		{http.MethodPatch, "/api/v1/devices/x", "GET, DELETE"},
		{http.MethodGet, "/api/v1/devices/x/lock", "POST"},
		{http.MethodDelete, "/api/v1/orgs/x/devices/y/unlock", "POST"},
		{http.MethodPost, "/api/v1/audit", "GET"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := f.call("ada", tt.method, tt.path, nil)
			r.want(t, http.StatusMethodNotAllowed, "invalid_request")
			if got := r.header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
		})
	}
}

func TestUnknownEndpointIsJSON404(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.call("ada", http.MethodGet, "/api/v1/organisations", nil)
	r.want(t, http.StatusNotFound, "not_found")
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
}

// TestOpenAPIMatchesRoutes parses the served OpenAPI document and checks that it
// describes exactly the routes the API registers, no more and no fewer.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.call("", http.MethodGet, PathOpenAPI, nil)
	r.want(t, http.StatusOK, "")
	if ct := r.header.Get("Content-Type"); ct != "application/yaml" {
		t.Errorf("Content-Type = %q", ct)
	}

	var doc struct {
		OpenAPI string                    `yaml:"openapi"`
		Paths   map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal([]byte(r.raw), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0.") {
		t.Errorf("openapi = %q, want 3.0.x", doc.OpenAPI)
	}

	var documented, served []string
	for path, ops := range doc.Paths {
		for method := range ops {
			if method != "parameters" {
				documented = append(documented, strings.ToUpper(method)+" "+path)
			}
		}
	}
	for _, rt := range f.api.routes() {
		served = append(served, rt.method+" "+rt.path)
	}
	slices.Sort(documented)
	slices.Sort(served)
	if !slices.Equal(documented, served) {
		t.Errorf("OpenAPI paths differ from the routes:\n documented %v\n served     %v", documented, served)
	}

	// Every $ref points at something the document defines.
	var whole map[string]any
	if err := yaml.Unmarshal([]byte(r.raw), &whole); err != nil {
		t.Fatal(err)
	}
	all := refs(whole)
	if len(all) == 0 {
		t.Fatal("found no $ref at all; the walk is broken")
	}
	for _, ref := range all {
		var node any = whole
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			m, _ := node.(map[string]any)
			node = m[part]
		}
		if node == nil {
			t.Errorf("$ref %s points at nothing", ref)
		}
	}
}

// refs collects every $ref value under v.
func refs(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if s, ok := e.(string); ok && k == "$ref" {
				out = append(out, s)
			}
			out = append(out, refs(e)...)
		}
	case []any:
		for _, e := range v {
			out = append(out, refs(e)...)
		}
	}
	return out
}
