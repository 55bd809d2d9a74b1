package client

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// TestDiscoverRefusals checks the metadata that must stop a sign-in.
func TestDiscoverRefusals(t *testing.T) {
	p := newFakeProvider(t)
	issuer := p.start()

	tests := []struct {
		name  string
		setup func(t *testing.T) string // returns the URL to discover
		want  string
	}{
		{
			// RFC 9728 §3.3: metadata for another resource must not be used.
			name: "resource mismatch",
			setup: func(t *testing.T) string {
				return startTenant(t, issuer, func(string) string { return "https://evil.example" })
			},
			want: "RFC 9728 §3.3",
		},
		{
			name: "no authorization server",
			setup: func(t *testing.T) string {
				return startTenant(t, "", func(self string) string { return self })
			},
			want: "names no authorization server",
		},
		{
			// OpenID Connect Discovery §4.3: the document must be for the issuer asked.
			name: "issuer mismatch",
			setup: func(t *testing.T) string {
				q := newFakeProvider(t)
				q.metadataIssuer = "https://other.example"
				return q.start()
			},
			want: "is for issuer",
		},
		{
			name: "not an issuer",
			setup: func(t *testing.T) string {
				srv := httptest.NewServer(http.NotFoundHandler())
				t.Cleanup(srv.Close)
				return srv.URL
			},
			want: "is not a Gatehouse server",
		},
		{
			name:  "plain http to a remote host",
			setup: func(*testing.T) string { return "http://gatehouse.example" },
			want:  "plain http",
		},
		{
			name:  "not a URL",
			setup: func(*testing.T) string { return "gatehouse.example" },
			want:  "not a server URL",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Discover(t.Context(), Options{}, tt.setup(t))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestDiscoverIgnoresHTMLMetadata checks that a web app answering every path with an
// HTML page is taken to be the issuer, not a protected resource.
func TestDiscoverIgnoresHTMLMetadata(t *testing.T) {
	p := newFakeProvider(t)
	mux := http.NewServeMux()
	mux.Handle("/.well-known/openid-configuration", p)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!doctype html><title>app</title>"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p.issuer = srv.URL

	got, err := Discover(t.Context(), Options{}, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if got.Issuer != srv.URL || got.Resource != "" {
		t.Errorf("Server = %+v, want the issuer itself", got)
	}
}

// TestDiscoverTenantWithPath checks that the RFC 9728 §3.1 address (well-known segment
// before the path) is where a tenant with a path is looked up.
func TestDiscoverTenantWithPath(t *testing.T) {
	p := newFakeProvider(t)
	issuer := p.start()

	var self string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/oauth-protected-resource/tenants/acme",
		func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, map[string]any{
				"resource": self + "/tenants/acme", "authorization_servers": []string{issuer}})
		})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	self = srv.URL

	got, err := Discover(t.Context(), Options{}, srv.URL+"/tenants/acme/")
	if err != nil {
		t.Fatal(err)
	}
	if got.URL != srv.URL+"/tenants/acme" || got.Resource != srv.URL+"/tenants/acme" ||
		got.Issuer != issuer {
		t.Errorf("Server = %+v", got)
	}
	if got.JWKSURI != issuer+"/.well-known/jwks.json" {
		t.Errorf("JWKSURI = %q", got.JWKSURI)
	}
}

// TestResourceMetadataURLs checks the candidate addresses of RFC 9728 metadata.
func TestResourceMetadataURLs(t *testing.T) {
	tests := []struct {
		name     string
		resource string
		want     []string
	}{
		{name: "host only", resource: "https://t.example",
			want: []string{"https://t.example/.well-known/oauth-protected-resource"}},
		{name: "with path", resource: "https://t.example/a/b",
			want: []string{
				"https://t.example/.well-known/oauth-protected-resource/a/b",
				"https://t.example/a/b/.well-known/oauth-protected-resource",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := resourceMetadataURLs(tt.resource); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
