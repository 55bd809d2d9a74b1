package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// testDevice is the DeviceInfo sent by tests.
var testDevice = DeviceInfo{
	Hostname: "build-box", OS: "linux/amd64", ClientName: ClientName, ClientVersion: "v9.9.9",
}

// connect runs discovery, the device authorization and the wait against serverURL.
func connect(ctx context.Context, t *testing.T, opts Options, serverURL string,
) (*DeviceAuth, *Entry, error) {
	t.Helper()
	srv, err := Discover(ctx, opts, serverURL)
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	auth, err := StartDeviceAuth(ctx, opts, srv, testDevice)
	if err != nil {
		t.Fatalf("StartDeviceAuth: %v", err)
	}
	e, err := auth.Wait(ctx)
	return auth, e, err
}

// TestConnectToIssuer drives the whole flow against an issuer over real HTTP.
func TestConnectToIssuer(t *testing.T) {
	t.Parallel()
	p := newFakeProvider(t)
	p.polls = []string{"authorization_pending"}
	issuer := p.start()

	auth, e, err := connect(t.Context(), t, Options{}, issuer+"/")
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}

	// What the user is shown.
	if auth.UserCode != "BCDF-GHJK" || auth.VerificationURI != issuer+"/device" ||
		auth.VerificationURIComplete != issuer+"/device?user_code=BCDF-GHJK" {
		t.Errorf("DeviceAuth = %+v", auth)
	}

	// RFC 8628 §3.1 request with Gatehouse's device details and no resource.
	dev := p.requests("device")
	if len(dev) != 1 {
		t.Fatalf("device authorization requests = %d, want 1", len(dev))
	}
	wantForm(t, "device authorization", dev[0], map[string]string{
		"client_id":             "gatehouse-cli",
		"scope":                 "openid profile email offline_access",
		"device_hostname":       "build-box",
		"device_os":             "linux/amd64",
		"device_client_name":    "gatehouse-cli",
		"device_client_version": "v9.9.9",
		"resource":              "",
	})

	// RFC 8628 §3.4 polls: one pending, one success.
	polls := p.requests("token")
	if len(polls) != 2 {
		t.Fatalf("token requests = %d, want 2", len(polls))
	}
	wantForm(t, "token", polls[1], map[string]string{
		"grant_type":  "urn:ietf:params:oauth:grant-type:device_code",
		"device_code": "device-code-1",
		"client_id":   "gatehouse-cli",
		"resource":    "",
	})
	for _, ua := range p.userAgents {
		if !strings.HasPrefix(ua, "gatehouse-cli/"+Version+" (") {
			t.Errorf("User-Agent = %q", ua)
		}
	}

	// The entry that would be stored.
	if e.URL != issuer || e.Issuer != issuer || e.Resource != "" || e.ClientID != ClientID {
		t.Errorf("entry identity = %v resource=%q client_id=%q", e, e.Resource, e.ClientID)
	}
	if e.TokenEndpoint != issuer+"/oauth2/token" || e.RevocationEndpoint != issuer+"/oauth2/revoke" ||
		e.UserinfoEndpoint != issuer+"/userinfo" {
		t.Errorf("entry endpoints = %q %q %q", e.TokenEndpoint, e.RevocationEndpoint,
			e.UserinfoEndpoint)
	}
	if e.RefreshToken != "refresh-1" || e.IDToken == "" || e.AccessToken == "" {
		t.Errorf("entry tokens missing: refresh=%q", e.RefreshToken)
	}
	wantNear(t, "Expiry", e.Expiry, time.Now().Add(300*time.Second))
	wantNear(t, "RefreshExpiry", e.RefreshExpiry, time.Now().Add(86400*time.Second))
	wantNear(t, "ObtainedAt", e.ObtainedAt, time.Now())
}

// TestConnectToTenant checks the RFC 9728 path: the tenant names the issuer, and the
// tenant URL is sent as the RFC 8707 resource on both requests.
func TestConnectToTenant(t *testing.T) {
	t.Parallel()
	p := newFakeProvider(t)
	issuer := p.start()
	tenant := startTenant(t, issuer, func(self string) string { return self + "/" })

	_, e, err := connect(t.Context(), t, Options{}, strings.ToUpper(tenant[:4])+tenant[4:])
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}

	// The resource is sent exactly as the tenant publishes it, trailing slash included:
	// the tenant compares aud with that string.
	resource := tenant + "/"
	if e.URL != tenant || e.Issuer != issuer || e.Resource != resource {
		t.Errorf("entry = %v resource=%q, want url %s issuer %s", e, e.Resource, tenant, issuer)
	}
	wantForm(t, "device authorization", p.requests("device")[0],
		map[string]string{"resource": resource, "client_id": ClientID})
	wantForm(t, "token", p.requests("token")[0],
		map[string]string{"resource": resource, "client_id": ClientID})
}

// TestPollSlowDown checks, on a fake clock, that polling starts at the server's
// interval and grows by 5 seconds after slow_down (RFC 8628 §3.5).
func TestPollSlowDown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newFakeProvider(t)
		p.issuer = "https://idp.example"
		p.polls = []string{"authorization_pending", "slow_down", "authorization_pending"}
		opts := Options{HTTPClient: memClient(p)}

		start := time.Now()
		_, e, err := connect(t.Context(), t, opts, p.issuer)
		if err != nil {
			t.Fatalf("Wait: %v", err)
		}
		if e.AccessToken == "" {
			t.Fatal("no access token")
		}

		// Polls at +1 s (pending), +2 s (slow_down), then every 6 s.
		want := []time.Duration{1 * time.Second, 2 * time.Second, 8 * time.Second,
			14 * time.Second}
		if len(p.pollTimes) != len(want) {
			t.Fatalf("polls = %d, want %d", len(p.pollTimes), len(want))
		}
		for i, at := range p.pollTimes {
			if got := at.Sub(start); got != want[i] {
				t.Errorf("poll %d at +%v, want +%v", i+1, got, want[i])
			}
		}
	})
}

// TestPollOutcomes checks the errors a waiting user can meet, on a fake clock.
func TestPollOutcomes(t *testing.T) {
	tests := []struct {
		name      string
		polls     []string
		expiresIn int
		cancelAt  time.Duration // cancel the context after this long; 0 never
		want      error
		wantText  string
	}{
		{name: "denied", polls: []string{"authorization_pending", "access_denied"},
			want: ErrDenied},
		{name: "expired_token", polls: []string{"expired_token"}, want: ErrExpired},
		{name: "expires_in elapses", polls: pending(20), expiresIn: 5, want: ErrExpired},
		{name: "cancelled", polls: pending(20), cancelAt: 3500 * time.Millisecond,
			want: context.Canceled},
		{name: "other error", polls: []string{"invalid_grant"},
			wantText: "the server refused the token request: invalid_grant (scripted answer)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := newFakeProvider(t)
				p.issuer = "https://idp.example"
				p.polls = tt.polls
				if tt.expiresIn > 0 {
					p.expiresIn = tt.expiresIn
				}
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				if tt.cancelAt > 0 {
					time.AfterFunc(tt.cancelAt, cancel)
				}

				_, _, err := connect(ctx, t, Options{HTTPClient: memClient(p)}, p.issuer)
				if tt.want != nil && !errors.Is(err, tt.want) {
					t.Errorf("err = %v, want %v", err, tt.want)
				}
				if tt.want != context.Canceled && errors.Is(err, context.Canceled) {
					t.Errorf("err = %v, should not look like a cancellation", err)
				}
				if tt.wantText != "" && (err == nil || !strings.Contains(err.Error(), tt.wantText)) {
					t.Errorf("err = %v, want it to contain %q", err, tt.wantText)
				}
			})
		})
	}
}

// TestDeviceAuthRefused checks that an RFC 6749 §5.2 error from the device
// authorization endpoint becomes one sentence.
func TestDeviceAuthRefused(t *testing.T) {
	p := newFakeProvider(t)
	issuer := p.start()
	srv, err := Discover(t.Context(), Options{}, issuer)
	if err != nil {
		t.Fatal(err)
	}

	cfg := *srv
	cfg.DeviceAuthorizationEndpoint = issuer + "/nowhere"
	_, err = StartDeviceAuth(t.Context(), Options{}, &cfg, testDevice)
	if err == nil || !strings.Contains(err.Error(), "device authorization request") {
		t.Errorf("err = %v", err)
	}
}

// pending returns n authorization_pending answers.
func pending(n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = "authorization_pending"
	}
	return s
}

// memClient returns an HTTP client that serves p in memory and sets the User-Agent.
func memClient(p *fakeProvider) *http.Client {
	return &http.Client{Transport: &userAgentTransport{base: memTransport{h: p}}}
}

// wantForm checks form parameters; an empty wanted value means "absent".
func wantForm(t *testing.T, what string, got url.Values, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if v == "" && got.Has(k) {
			t.Errorf("%s request: %s = %q, want it absent", what, k, got.Get(k))
		}
		if v != "" && got.Get(k) != v {
			t.Errorf("%s request: %s = %q, want %q", what, k, got.Get(k), v)
		}
	}
}

// wantNear checks that got is within 5 seconds of want.
func wantNear(t *testing.T, name string, got, want time.Time) {
	t.Helper()
	if d := got.Sub(want); d < -5*time.Second || d > 5*time.Second {
		t.Errorf("%s = %v, want about %v", name, got, want)
	}
}
