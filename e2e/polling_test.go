package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestPolling checks every answer a polling device can get (RFC 8628 §3.5), other than
// expired_token, which TestDeviceCodeExpiry covers.
func TestPolling(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, serverOptions{})
	b := signedInBrowser(t, g)

	t.Run("pacing", func(t *testing.T) {
		t.Parallel()
		da := g.authorizeDevice(t, cliClient, nil)

		// The first poll is on time however soon it comes.
		first := g.poll(t, cliClient, da.DeviceCode)
		wantError(t, "first poll, at once", first, http.StatusBadRequest, "authorization_pending")

		// One poll too early: slow_down, and the interval grows from 1 to 6 seconds.
		early := g.poll(t, cliClient, da.DeviceCode)
		wantError(t, "early poll", early, http.StatusBadRequest, "slow_down")
		if !strings.Contains(early.Description, "6 seconds") {
			t.Errorf("slow_down says %q, want the new interval of 6 seconds", early.Description)
		}

		// A client keeping the new interval, give or take half a second of jitter, is
		// never slowed down again, and gets the tokens once the code is approved. The
		// jitter counts from the previous answer, so that the server, which counts from
		// the previous request, sees at least as long a gap.
		last := early.At
		jitters := []time.Duration{-450 * time.Millisecond, 450 * time.Millisecond, -450 * time.Millisecond}
		for i, jitter := range jitters {
			approved := i == len(jitters)-1
			if approved {
				b.approve(t, da.UserCode, false)
			}
			time.Sleep(time.Until(last.Add(6*time.Second + jitter)))
			ta := g.poll(t, cliClient, da.DeviceCode)
			what := fmt.Sprintf("poll %d, %v off the 6 s interval", i+1, jitter)
			if ta.Error == "slow_down" {
				t.Fatalf("%s: slowed down again: %s", what, ta.Description)
			}
			if approved {
				wantTokens(t, what+", after approval", ta)
				break
			}
			wantError(t, what, ta, http.StatusBadRequest, "authorization_pending")
			last = ta.At
		}
	})

	t.Run("slow_down again", func(t *testing.T) {
		t.Parallel()
		da := g.authorizeDevice(t, cliClient, nil)
		g.poll(t, cliClient, da.DeviceCode)
		for _, want := range []string{"6 seconds", "11 seconds"} {
			ta := g.poll(t, cliClient, da.DeviceCode)
			wantError(t, "early poll", ta, http.StatusBadRequest, "slow_down")
			if !strings.Contains(ta.Description, want) {
				t.Errorf("slow_down says %q, want the interval of %s", ta.Description, want)
			}
		}
	})

	t.Run("denied", func(t *testing.T) {
		t.Parallel()
		da := g.authorizeDevice(t, cliClient, nil)
		wantError(t, "poll before the decision", g.poll(t, cliClient, da.DeviceCode),
			http.StatusBadRequest, "authorization_pending")
		b.deny(t, da.UserCode)
		for i := range 3 {
			wantError(t, fmt.Sprintf("poll %d after Deny", i+1), g.poll(t, cliClient, da.DeviceCode),
				http.StatusBadRequest, "access_denied")
		}
	})

	t.Run("unknown code", func(t *testing.T) {
		t.Parallel()
		wantError(t, "poll with a made-up code", g.poll(t, cliClient, "not-a-device-code-"+randomHex(16)),
			http.StatusBadRequest, "invalid_grant")
	})

	t.Run("another client's code", func(t *testing.T) {
		t.Parallel()
		other := g.registerPublicClient(t, "e2e-other-cli")
		da := g.authorizeDevice(t, cliClient, nil)
		b.approve(t, da.UserCode, false)

		// Neither another device client nor the tenant's client gets the tokens of an
		// approved code, and trying does not use the code up. The tenant's client may
		// not use the device grant at all (RFC 6749 §5.2 unauthorized_client).
		wantError(t, "poll by another public client", g.poll(t, other, da.DeviceCode),
			http.StatusBadRequest, "invalid_grant")
		wantError(t, "poll by the tenant's confidential client", g.poll(t, tenantClient, da.DeviceCode),
			http.StatusBadRequest, "unauthorized_client")
		wantTokens(t, "poll by the code's own client", g.poll(t, cliClient, da.DeviceCode))
	})

	t.Run("replayed code", func(t *testing.T) {
		t.Parallel()
		da, ta := g.connect(t, b, false, forTenant())

		// RFC 8628 §3.5 and RFC 6749 §4.1.2: a code works once; presenting it again
		// suggests it leaked, so the tokens it gave are revoked.
		wantError(t, "second exchange of the code", g.poll(t, cliClient, da.DeviceCode),
			http.StatusBadRequest, "invalid_grant")
		wantError(t, "refresh with the replayed code's refresh token", g.refresh(t, ta.RefreshToken),
			http.StatusBadRequest, "invalid_grant")
		for _, tok := range []struct{ name, value string }{
			{"access_token", ta.AccessToken}, {"refresh_token", ta.RefreshToken},
		} {
			if in := g.introspect(t, tok.value, tok.name); in.Active {
				t.Errorf("%s of the replayed code is still active: %+v", tok.name, in)
			}
		}
	})
}
