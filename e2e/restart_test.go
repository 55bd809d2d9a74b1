package e2e

import (
	"net/http"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/testenv"
)

// TestRestart restarts gatehouse, and then Redis too, in the middle of things: a
// device flow started before a restart completes after it, the browser stays signed
// in, and tokens issued before it still verify, introspect and refresh, since the
// signing keys and every grant live in Redis.
func TestRestart(t *testing.T) {
	t.Parallel()
	addr, _, restartRedis := testenv.StartRedis(t)
	g := startGatehouse(t, serverOptions{RedisAddr: addr})
	b := signedInBrowser(t, g)

	_, before := g.connect(t, b, false, forTenant())
	pending := g.authorizeDevice(t, cliClient, forTenant())
	wantError(t, "poll before the restart", g.poll(t, cliClient, pending.DeviceCode),
		http.StatusBadRequest, "authorization_pending")

	g.restart(t)

	t.Run("device flow started before", func(t *testing.T) {
		b.approve(t, pending.UserCode, false)
		ta := g.poll(t, cliClient, pending.DeviceCode)
		wantTokens(t, "poll after the restart", ta)
		verifyAccessTokenFor(t, g, ta.AccessToken, tenantURL)
	})

	t.Run("tokens issued before", func(t *testing.T) {
		verifyAccessTokenFor(t, g, before.AccessToken, tenantURL)
		if in := g.introspect(t, before.AccessToken, "access_token"); !in.Active {
			t.Errorf("an access token issued before the restart is inactive")
		}
		next := g.refresh(t, before.RefreshToken)
		wantTokens(t, "refresh after the restart", next)
		before = next
	})
	if t.Failed() {
		t.FailNow()
	}

	// Both down, Redis back first from its append-only file, then gatehouse.
	if err := g.stop(); err != nil {
		t.Errorf("stop gatehouse: %v", err)
	}
	restartRedis()
	g.restart(t)

	t.Run("after Redis restarted too", func(t *testing.T) {
		verifyAccessTokenFor(t, g, before.AccessToken, tenantURL)
		wantTokens(t, "refresh after Redis restarted", g.refresh(t, before.RefreshToken))
		_, ta := g.connect(t, b, true, nil)
		verifyAccessToken(t, g, ta.AccessToken)
	})
}
