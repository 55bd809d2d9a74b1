package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/rbac/rbactest"
)

// TestDemoTenant drives the real routes, verifier and HTTP stack against a fake issuer.
func TestDemoTenant(t *testing.T) {
	iss := rbactest.NewIssuer(t, rbactest.Options{
		ClientID: defaultClientID, ClientSecret: defaultClientSecret,
	})
	iss.SetRevoked("lost-laptop")

	ts := httptest.NewUnstartedServer(nil)
	cfg := config{
		listen: ts.Listener.Addr().String(), url: "http://" + ts.Listener.Addr().String(),
		issuer: iss.URL, clientID: defaultClientID, clientSecret: defaultClientSecret,
	}
	log := slog.New(slog.DiscardHandler)
	v, err := waitForIssuer(context.Background(), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	ts.Config.Handler = routes(cfg, v, newNoteStore(), log)
	ts.Start()
	t.Cleanup(ts.Close)

	token := func(role, device string) string {
		c := iss.Claims(cfg.url, time.Now())
		c["org_role"], c["device_id"] = role, device
		return iss.Mint(c)
	}
	viewer, editor := token("viewer", "d1"), token("editor", "d2")

	tests := []struct {
		name       string
		method     string
		path       string
		token      string
		body       string
		wantStatus int
		wantBody   []string // substrings of the body
		wantAuth   []string // substrings of WWW-Authenticate
	}{
		{name: "health", method: "GET", path: "/healthz", wantStatus: 200,
			wantBody: []string{`"ok"`}},
		{name: "metadata", method: "GET", path: "/.well-known/oauth-protected-resource",
			wantStatus: 200, wantBody: []string{`"resource":"` + cfg.url + `"`,
				`"authorization_servers":["` + iss.URL + `"]`}},
		{name: "editor adds", method: "POST", path: "/api/notes", token: editor,
			body: `{"text":"first"}`, wantStatus: 201, wantBody: []string{`"text":"first"`}},
		{name: "viewer lists", method: "GET", path: "/api/notes", token: viewer,
			wantStatus: 200, wantBody: []string{`"text":"first"`, `"sub":"user-1"`,
				`"org_role":"viewer"`}},
		{name: "viewer cannot add", method: "POST", path: "/api/notes", token: viewer,
			body: `{"text":"x"}`, wantStatus: 403, wantBody: []string{"tenant:write"},
			wantAuth: []string{`error="insufficient_scope"`}},
		{name: "no token", method: "GET", path: "/api/notes", wantStatus: 401,
			wantAuth: []string{`resource_metadata="` + cfg.url +
				`/.well-known/oauth-protected-resource"`}},
		{name: "revoked device", method: "GET", path: "/api/notes",
			token: token("admin", "lost-laptop"), wantStatus: 401,
			wantAuth: []string{`error_description="device revoked"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, ts.URL+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)

			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, tt.wantStatus, body)
			}
			if !json.Valid(body) {
				t.Fatalf("body is not JSON: %s", body)
			}
			for _, s := range tt.wantBody {
				if !strings.Contains(string(body), s) {
					t.Errorf("body %s does not contain %s", body, s)
				}
			}
			auth := resp.Header.Get("WWW-Authenticate")
			for _, s := range tt.wantAuth {
				if !strings.Contains(auth, s) {
					t.Errorf("WWW-Authenticate %q does not contain %s", auth, s)
				}
			}
		})
	}
}
