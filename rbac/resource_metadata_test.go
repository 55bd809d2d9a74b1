package rbac

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

func TestResourceMetadataURL(t *testing.T) {
	tests := []struct {
		name, resource, want string
	}{
		{name: "host only", resource: "https://t.example",
			want: "https://t.example/.well-known/oauth-protected-resource"},
		{name: "host with slash", resource: "https://t.example/",
			want: "https://t.example/.well-known/oauth-protected-resource"},
		{name: "host and port", resource: "http://127.0.0.1:8421",
			want: "http://127.0.0.1:8421/.well-known/oauth-protected-resource"},
		{name: "path", resource: "https://t.example/notes/",
			want: "https://t.example/.well-known/oauth-protected-resource/notes"},
		{name: "not a URL", resource: "tenant",
			want: "tenant/.well-known/oauth-protected-resource"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ResourceMetadataURL(tt.resource); got != tt.want {
				t.Fatalf("ResourceMetadataURL(%q) = %q, want %q", tt.resource, got, tt.want)
			}
		})
	}
}

func TestProtectedResourceMetadata(t *testing.T) {
	h := ProtectedResourceMetadata(testResource, []string{"https://auth.example"})

	tests := []struct {
		name       string
		method     string
		wantStatus int
	}{
		{name: "GET", method: http.MethodGet, wantStatus: http.StatusOK},
		{name: "HEAD", method: http.MethodHead, wantStatus: http.StatusOK},
		{name: "POST", method: http.MethodPost, wantStatus: http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, ResourceMetadataPath, nil))
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if tt.method != http.MethodGet {
				return
			}

			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Fatalf("Content-Type = %q", ct)
			}
			var got map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got["resource"] != testResource {
				t.Fatalf("resource = %v", got["resource"])
			}
			if !slices.Equal(toStrings(got["authorization_servers"]),
				[]string{"https://auth.example"}) {
				t.Fatalf("authorization_servers = %v", got["authorization_servers"])
			}
			if !slices.Equal(toStrings(got["bearer_methods_supported"]), []string{"header"}) {
				t.Fatalf("bearer_methods_supported = %v", got["bearer_methods_supported"])
			}
			if _, ok := got["resource_name"]; ok {
				t.Fatal("empty resource_name was sent")
			}
		})
	}
}

func toStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, s := range list {
		str, _ := s.(string)
		out = append(out, str)
	}
	return out
}
