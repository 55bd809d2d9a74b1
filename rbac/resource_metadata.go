package rbac

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// ResourceMetadataPath is the well-known path of protected resource metadata
// (RFC 9728 §3).
const ResourceMetadataPath = "/.well-known/oauth-protected-resource"

// ResourceMetadataURL returns where the metadata of resource is served (RFC 9728 §3.1):
// the well-known path goes between the host and any path, so "https://t.example" gives
// "https://t.example/.well-known/oauth-protected-resource" and "https://t.example/notes"
// gives "https://t.example/.well-known/oauth-protected-resource/notes". A resource that
// does not parse as an absolute URL just gets the path appended.
func ResourceMetadataURL(resource string) string {
	u, err := url.Parse(resource)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return strings.TrimSuffix(resource, "/") + ResourceMetadataPath
	}
	// RFC 9728 §3.1: drop a terminating slash of the path before inserting.
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	out := url.URL{Scheme: u.Scheme, Host: u.Host, RawQuery: u.RawQuery}
	return out.String() + ResourceMetadataPath + path
}

// ResourceMetadata is an OAuth 2.0 Protected Resource Metadata document (RFC 9728 §2).
// It is an http.Handler serving itself as JSON on GET and HEAD. Do not change it while
// it is serving.
type ResourceMetadata struct {
	// Resource is the resource identifier: the tenant's own URL. Required.
	Resource string `json:"resource"`
	// AuthorizationServers lists the issuer URLs whose tokens the resource accepts.
	AuthorizationServers []string `json:"authorization_servers,omitempty"`
	// BearerMethodsSupported lists how tokens may be sent; Require reads only the
	// "header" method.
	BearerMethodsSupported []string `json:"bearer_methods_supported,omitempty"`
	// ScopesSupported optionally lists scope values used at this resource.
	ScopesSupported []string `json:"scopes_supported,omitempty"`
	// ResourceName optionally names the resource for people.
	ResourceName string `json:"resource_name,omitempty"`
}

// ProtectedResourceMetadata returns a handler serving the RFC 9728 §2 metadata of
// resource: its authorization servers and the one bearer method Require accepts,
// "header". Mount it at the path of ResourceMetadataURL(resource).
func ProtectedResourceMetadata(resource string, authServers []string) http.Handler {
	return &ResourceMetadata{
		Resource:               resource,
		AuthorizationServers:   authServers,
		BearerMethodsSupported: []string{"header"},
	}
}

// ServeHTTP answers GET and HEAD with the metadata as JSON (RFC 9728 §3.2), and any
// other method with 405.
func (m *ResourceMetadata) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}

	body, err := json.Marshal(m)
	if err != nil {
		http.Error(w, "metadata unavailable", http.StatusInternalServerError)
		return
	}

	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}
