package e2e

import (
	"net/http"
	"testing"
	"time"
)

// TestDeviceCodeExpiry checks that once --device-code-lifetime has passed, every poll
// of the code gets expired_token (RFC 8628 §3.5), whatever state the code was left in,
// and that the consent pages say the code expired.
func TestDeviceCodeExpiry(t *testing.T) {
	t.Parallel()
	const lifetime = 3 * time.Second
	g := startGatehouse(t, serverOptions{Flags: map[string]string{"device-code-lifetime": lifetime.String()}})
	b := signedInBrowser(t, g)

	// Leave one code in each state, all within the lifetime.
	states := []struct {
		name  string
		setUp func(t *testing.T, da deviceAuth)
	}{
		{name: "never polled", setUp: func(*testing.T, deviceAuth) {}},
		{name: "pending", setUp: func(t *testing.T, da deviceAuth) {
			wantError(t, "poll", g.poll(t, cliClient, da.DeviceCode), http.StatusBadRequest, "authorization_pending")
		}},
		{name: "slowed down", setUp: func(t *testing.T, da deviceAuth) {
			g.poll(t, cliClient, da.DeviceCode)
			wantError(t, "early poll", g.poll(t, cliClient, da.DeviceCode), http.StatusBadRequest, "slow_down")
		}},
		{name: "approved", setUp: func(t *testing.T, da deviceAuth) { b.approve(t, da.UserCode, false) }},
		{name: "denied", setUp: func(t *testing.T, da deviceAuth) { b.deny(t, da.UserCode) }},
		{name: "exchanged", setUp: func(t *testing.T, da deviceAuth) {
			b.approve(t, da.UserCode, false)
			wantTokens(t, "poll", g.poll(t, cliClient, da.DeviceCode))
		}},
	}
	codes := make([]deviceAuth, len(states))
	var deadline time.Time
	for i, s := range states {
		start := time.Now()
		codes[i] = g.authorizeDevice(t, cliClient, nil)
		if codes[i].ExpiresIn != int64(lifetime.Seconds()) {
			t.Errorf("expires_in = %d, want %d", codes[i].ExpiresIn, int64(lifetime.Seconds()))
		}
		s.setUp(t, codes[i])
		deadline = start.Add(lifetime)
	}
	if t.Failed() {
		t.FailNow()
	}
	if time.Now().After(deadline) {
		t.Fatalf("setting the codes up took longer than their %v lifetime", lifetime)
	}
	time.Sleep(time.Until(deadline.Add(250 * time.Millisecond)))

	for i, s := range states {
		t.Run(s.name, func(t *testing.T) {
			for n := range 2 {
				ta := g.poll(t, cliClient, codes[i].DeviceCode)
				wantError(t, []string{"poll after expiry", "later poll"}[n], ta, http.StatusBadRequest, "expired_token")
			}
		})
	}

	t.Run("consent page", func(t *testing.T) {
		p := b.enterCode(t, codes[0].UserCode)
		if p.Status != http.StatusOK || !p.Has("That code has expired") {
			t.Errorf("enter an expired code: got %d, want the entry page saying it expired:\n%s", p.Status, p.HTML)
		}
	})
}
