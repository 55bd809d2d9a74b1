package api

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/storage"
)

func TestBearerAuthentication(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	org := f.newOrg("Acme", acme)
	tenant, _, err := f.store.CreateTenant(ctx, storage.TenantSpec{OrgID: org, Name: "Notes",
		URL: "https://notes.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	tenantToken := f.deviceToken(f.person("ada").user, tenant.URL)

	tests := []struct {
		name      string
		header    string
		desc      string
		challenge string
	}{
		{name: "no token", header: "",
			challenge: `Bearer realm="gatehouse"`},
		{name: "not a bearer token", header: "Basic YWRhOnB3",
			challenge: `Bearer realm="gatehouse"`},
		{name: "garbage", header: "Bearer not-a-token",
			challenge: `Bearer realm="gatehouse", error="invalid_token"`},
		{name: "a tenant's token", header: "Bearer " + tenantToken, desc: descTenantToken,
			challenge: `Bearer realm="gatehouse", error="invalid_token", error_description="` + descTenantToken + `"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.snapshot()
			req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/orgs", strings.NewReader(`{"name":"X"}`))
			req.Header.Set("Content-Type", "application/json")
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}

			r := f.send(req)

			r.want(t, http.StatusUnauthorized, "invalid_token")
			if got := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, tt.challenge) {
				t.Errorf("WWW-Authenticate = %q, want %q...", got, tt.challenge)
			}
			if tt.desc != "" && r.body["error_description"] != tt.desc {
				t.Errorf("error_description = %v, want %q", r.body["error_description"], tt.desc)
			}
			f.unchanged(t, before)
		})
	}
}

func TestLockedDeviceTokenIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	ada := f.person("ada")
	f.call("ada", http.MethodGet, "/api/v1/me", nil).want(t, http.StatusOK, "")

	devices, err := f.store.UserDevices(ctx, ada.user.ID)
	if err != nil || len(devices) != 1 {
		t.Fatalf("devices = %v, %v", devices, err)
	}
	if err := f.store.LockDevice(ctx, devices[0].ID); err != nil {
		t.Fatal(err)
	}

	f.call("ada", http.MethodGet, "/api/v1/me", nil).want(t, http.StatusUnauthorized, "invalid_token")
}

func TestRedisDownIsUnavailable(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.person("ada")
	f.mr.Close()

	r := f.call("ada", http.MethodGet, "/api/v1/me", nil)

	r.want(t, http.StatusServiceUnavailable, "temporarily_unavailable")
	if r.header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	if !strings.Contains(f.logs.String(), `"level":"ERROR"`) {
		t.Errorf("the outage is not logged as an error:\n%s", f.logs.String())
	}
}
