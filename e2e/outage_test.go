package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/testenv"
)

// recoveryTimeout bounds how long gatehouse may take to serve again once Redis is back.
const recoveryTimeout = 15 * time.Second

// TestRedisOutage takes Redis away from a running gatehouse: what needs Redis answers
// 503 temporarily_unavailable with Retry-After, so that clients wait and retry rather
// than give up or throw their credentials away; /readyz says not ready while /healthz
// stays up; and once Redis is back the same process serves again.
func TestRedisOutage(t *testing.T) {
	t.Parallel()
	addr, stopRedis, restartRedis := testenv.StartRedis(t)
	g := startGatehouse(t, serverOptions{RedisAddr: addr})
	b := signedInBrowser(t, g)
	_, ta := g.connect(t, b, false, forTenant())
	pending := g.authorizeDevice(t, cliClient, nil)

	stopRedis()

	oauthCalls := []struct {
		name   string
		path   string
		client oauthClient
		form   url.Values
	}{
		{name: "device authorization", path: pathDeviceAuthorization, client: cliClient,
			form: url.Values{"scope": {allScopes}}},
		{name: "device code poll", path: pathToken, client: cliClient,
			form: url.Values{"grant_type": {grantDeviceCode}, "device_code": {pending.DeviceCode}}},
		{name: "refresh", path: pathToken, client: cliClient,
			form: url.Values{"grant_type": {"refresh_token"}, "refresh_token": {ta.RefreshToken}}},
		{name: "introspection", path: pathIntrospect, client: tenantClient,
			form: url.Values{"token": {ta.AccessToken}}},
		{name: "revocation", path: pathRevoke, client: cliClient,
			form: url.Values{"token": {ta.RefreshToken}}},
	}
	for _, tt := range oauthCalls {
		t.Run("down/"+tt.name, func(t *testing.T) {
			a := g.postForm(t, tt.path, tt.client, tt.form)
			wantUnavailable(t, a)
		})
	}
	t.Run("down/userinfo", func(t *testing.T) {
		wantUnavailable(t, userinfo(t, g, http.MethodGet, "Bearer "+ta.AccessToken))
	})
	t.Run("down/readyz and healthz", func(t *testing.T) {
		a := get(t, g.URL+pathReadyz)
		if a.Status != http.StatusServiceUnavailable || !json.Valid(a.Body) {
			t.Errorf("/readyz while Redis is down: %d %s, want 503 with a JSON body", a.Status, a.Body)
		}
		if a := get(t, g.URL+"/healthz"); a.Status != http.StatusOK {
			t.Errorf("/healthz while Redis is down: %d %s, want 200: the process is alive", a.Status, a.Body)
		}
	})
	t.Run("down/consent page", func(t *testing.T) {
		p := b.get(t, "/device")
		if p.Status != http.StatusServiceUnavailable || !p.Has("temporarily unavailable") {
			t.Errorf("GET /device while Redis is down: %d, want the 503 page:\n%s", p.Status, p.HTML)
		}
	})

	// Back: the same process serves again within a bounded time.
	restartRedis()
	deadline := time.Now().Add(recoveryTimeout)
	for {
		a := get(t, g.URL+pathReadyz)
		if a.Status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz still %d %s %v after Redis came back", a.Status, a.Body, recoveryTimeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Run("back", func(t *testing.T) {
		next := g.refresh(t, ta.RefreshToken)
		wantTokens(t, "refresh with the token from before the outage", next)
		b.approve(t, pending.UserCode, false)
		wantTokens(t, "poll of the code from before the outage", g.poll(t, cliClient, pending.DeviceCode))
		g.connect(t, b, false, nil)
	})
}

// wantUnavailable fails the test unless a is 503 temporarily_unavailable, in JSON, with
// Retry-After.
func wantUnavailable(t testing.TB, a answer) {
	t.Helper()
	var e oauthErr
	_ = json.Unmarshal(a.Body, &e)
	if a.Status != http.StatusServiceUnavailable || e.Error != "temporarily_unavailable" {
		t.Errorf("got %d %s, want 503 temporarily_unavailable", a.Status, strings.TrimSpace(string(a.Body)))
		return
	}
	if a.Header.Get("Retry-After") == "" {
		t.Errorf("503 without Retry-After")
	}
}

// get GETs url.
func get(t testing.TB, url string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, req)
}
