package rbac

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestRequire(t *testing.T) {
	fi := newFakeIssuer(t)
	fi.SetRevoked("lost-laptop")
	clock := newFakeClock()
	v := newTestVerifier(t, fi, clock, nil)
	now := clock.Now()

	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, found := ClaimsFromContext(r.Context())
		if !found {
			t.Error("ClaimsFromContext found no claims")
			return
		}
		_, _ = w.Write([]byte(c.Subject))
	})
	mux := http.NewServeMux()
	mux.Handle("GET /notes", v.Require(PermTenantRead, ok))
	mux.Handle("POST /notes", v.Require(PermTenantWrite, ok))

	role := func(r string) func(map[string]any) {
		return func(c map[string]any) { c["org_role"] = r }
	}
	viewer := "Bearer " + mint(fi, now, tokenOpts{})
	editor := "Bearer " + mint(fi, now, tokenOpts{claims: role("editor")})
	metadata := `resource_metadata="` + testResource + `/.well-known/oauth-protected-resource"`

	tests := []struct {
		name       string
		method     string
		auth       []string
		wantStatus int
		wantError  string   // body "error"
		wantHeader []string // parts WWW-Authenticate must contain
		noHeader   []string // parts WWW-Authenticate must not contain
	}{
		{name: "viewer reads", method: "GET", auth: []string{viewer}, wantStatus: 200},
		{name: "editor writes", method: "POST", auth: []string{editor}, wantStatus: 200},
		{name: "lowercase scheme", method: "GET", wantStatus: 200,
			auth: []string{"bearer " + strings.TrimPrefix(viewer, "Bearer ")}},
		{name: "viewer refused write", method: "POST", auth: []string{viewer},
			wantStatus: 403, wantError: "insufficient_scope",
			wantHeader: []string{`error="insufficient_scope"`,
				`error_description="missing permission tenant:write"`}},
		{name: "unknown role refused read", method: "GET", wantStatus: 403,
			auth:       []string{"Bearer " + mint(fi, now, tokenOpts{claims: role("owner")})},
			wantError:  "insufficient_scope",
			wantHeader: []string{`missing permission tenant:read`}},
		{name: "missing token", method: "GET", wantStatus: 401, wantError: "invalid_token",
			wantHeader: []string{`Bearer realm="` + testResource + `"`, metadata},
			noHeader:   []string{"error="}},
		{name: "basic scheme", method: "GET", auth: []string{"Basic dXNlcjpwYXNz"},
			wantStatus: 401, wantError: "invalid_token", wantHeader: []string{metadata},
			noHeader: []string{"error="}},
		{name: "expired token", method: "GET", wantStatus: 401, wantError: "invalid_token",
			auth: []string{"Bearer " + mint(fi, now.Add(-48*time.Hour), tokenOpts{})},
			wantHeader: []string{`error="invalid_token"`,
				`error_description="token expired"`, metadata}},
		{name: "revoked device", method: "GET", wantStatus: 401, wantError: "invalid_token",
			auth: []string{"Bearer " + mint(fi, now, tokenOpts{claims: func(c map[string]any) {
				c["device_id"] = "lost-laptop"
			}})},
			wantHeader: []string{`error_description="device revoked"`}},
		{name: "empty bearer", method: "GET", auth: []string{"Bearer "}, wantStatus: 400,
			wantError: "invalid_request", wantHeader: []string{`error="invalid_request"`}},
		{name: "token with a space", method: "GET", auth: []string{viewer + " x"},
			wantStatus: 400, wantError: "invalid_request"},
		{name: "two Authorization headers", method: "GET", auth: []string{viewer, viewer},
			wantStatus: 400, wantError: "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "/notes", nil)
			for _, a := range tt.auth {
				req.Header.Add("Authorization", a)
			}
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)

			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if tt.wantStatus == 200 {
				if rec.Body.String() != "user-1" {
					t.Fatalf("body = %q, want the subject", rec.Body)
				}
				return
			}

			var body struct {
				Error       string `json:"error"`
				Description string `json:"error_description"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			if body.Error != tt.wantError || body.Description == "" {
				t.Fatalf("body = %+v, want error %q with a description", body, tt.wantError)
			}
			h := rec.Header().Get("WWW-Authenticate")
			if !strings.HasPrefix(h, "Bearer ") {
				t.Fatalf("WWW-Authenticate = %q, want a Bearer challenge", h)
			}
			for _, part := range tt.wantHeader {
				if !strings.Contains(h, part) {
					t.Errorf("WWW-Authenticate = %q, want it to contain %s", h, part)
				}
			}
			for _, part := range tt.noHeader {
				if strings.Contains(h, part) {
					t.Errorf("WWW-Authenticate = %q, want no %s", h, part)
				}
			}
		})
	}
}

func TestRequireRevocationUnavailable(t *testing.T) {
	fi := newFakeIssuer(t)
	fi.SetRevocationDown(true)
	clock := newFakeClock()
	v := newTestVerifier(t, fi, clock, nil)

	h := v.Require(PermTenantRead, http.NotFoundHandler())
	req := httptest.NewRequest("GET", "/notes", nil)
	req.Header.Set("Authorization", "Bearer "+mint(fi, clock.Now(), tokenOpts{}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)

	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, want 503", rec.Code)
	}
	if rec.Header().Get("Retry-After") == "" {
		t.Fatal("no Retry-After on 503")
	}
}

func TestClaimsFromContextEmpty(t *testing.T) {
	req := httptest.NewRequest("GET", "/", nil)
	if c, ok := ClaimsFromContext(req.Context()); ok || c != nil {
		t.Fatalf("ClaimsFromContext = %v, %v on a bare context", c, ok)
	}
}

func TestQuote(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "plain", in: "token expired", want: `"token expired"`},
		{name: "quote and backslash dropped", in: `a"b\c`, want: `"abc"`},
		{name: "control and non-ASCII dropped", in: "a\nb\u00e9", want: `"ab"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := quote(tt.in); got != tt.want {
				t.Fatalf("quote(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}
