package e2e

import (
	"testing"
	"time"
)

// TestLifetimes checks that a device's authorization lasts --device-lifetime, or
// --trusted-device-lifetime when "Trust this device" is ticked; that the refresh token
// ends exactly then and refreshing never extends it; and that no access token outlives
// it. The harness's device lifetime (2m) is shorter than its access token lifetime
// (5m), so the untrusted device's access tokens must be cut short; the trusted
// device's (10m) are not.
func TestLifetimes(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, serverOptions{})
	b := signedInBrowser(t, g)

	// The lifetimes are whole seconds, so the sub-second part of the moment Approve is
	// pressed is the sub-second part of the authorization's end; the cases press it
	// early and late in a second, so that rounding the end either way would show.
	const accessLifetime = 5 * time.Minute
	tests := []struct {
		name     string
		trust    bool
		lifetime time.Duration
		pressAt  time.Duration // into the second
	}{
		{name: "untrusted", trust: false, lifetime: 2 * time.Minute, pressAt: 200 * time.Millisecond},
		{name: "untrusted, approved late in a second", trust: false, lifetime: 2 * time.Minute,
			pressAt: 700 * time.Millisecond},
		{name: "trusted", trust: true, lifetime: 10 * time.Minute, pressAt: 200 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			// Log in for the tenant, so that its client may introspect the tokens.
			da := g.authorizeDevice(t, cliClient, forTenant())
			confirm := b.confirm(t, da.UserCode)
			sleepUntilFraction(tt.pressAt)
			approveStart := time.Now()
			wantApproved(t, b.press(t, confirm, "approve", tt.trust))
			approveEnd := time.Now()
			ta := g.poll(t, cliClient, da.DeviceCode)
			wantTokens(t, "poll after approval", ta)

			// The authorization ends a lifetime after the approval; whole seconds, so
			// one second of slack each side.
			earliest := approveStart.Add(tt.lifetime).Unix() - 1
			latest := approveEnd.Add(tt.lifetime).Unix() + 1
			if got := ta.RefreshTokenExpiresIn; !within(got, int64(tt.lifetime.Seconds()), 2) {
				t.Errorf("refresh_token_expires_in = %d, want about %d", got, int64(tt.lifetime.Seconds()))
			}
			rt := g.introspect(t, ta.RefreshToken, "refresh_token")
			if !rt.Active || rt.Exp < earliest || rt.Exp > latest {
				t.Fatalf("refresh token: active %t exp %d, want active with exp in [%d, %d]",
					rt.Active, rt.Exp, earliest, latest)
			}
			end := rt.Exp

			checkAccess := func(t *testing.T, what string, tok tokenAnswer) {
				t.Helper()
				claims := verifyAccessTokenFor(t, g, tok.AccessToken, tenantURL)
				exp, authExp := numClaim(t, claims, "exp"), numClaim(t, claims, "auth_exp")
				if authExp != end {
					t.Errorf("%s: access token auth_exp %d, want the authorization's end %d", what, authExp, end)
				}
				if exp > end {
					t.Errorf("%s: access token exp %d is past the authorization's end %d (its auth_exp %d)",
						what, exp, end, authExp)
				}
				want := min(tok.At.Add(accessLifetime).Unix(), end)
				if !within(exp, want, 2) {
					t.Errorf("%s: access token exp %d, want about %d (the sooner of %v and the authorization's end)",
						what, exp, want, accessLifetime)
				}
				if in := g.introspect(t, tok.AccessToken, "access_token"); !in.Active || in.Exp != exp {
					t.Errorf("%s: introspected access token active %t exp %d, want active with exp %d",
						what, in.Active, in.Exp, exp)
				}
				if !within(tok.ExpiresIn, exp-tok.At.Unix(), 2) {
					t.Errorf("%s: expires_in %d does not match exp %d", what, tok.ExpiresIn, exp)
				}
			}
			checkAccess(t, "first access token", ta)

			// exp has whole seconds: let one pass, so that a refresh that restarted the
			// authorization's clock would show.
			time.Sleep(time.Until(approveEnd.Add(1200 * time.Millisecond)))
			next := g.refresh(t, ta.RefreshToken)
			wantTokens(t, "refresh", next)
			if in := g.introspect(t, next.RefreshToken, "refresh_token"); !in.Active || in.Exp != end {
				t.Errorf("rotated refresh token: active %t exp %d, want active with the same exp %d",
					in.Active, in.Exp, end)
			}
			if want := end - next.At.Unix(); !within(next.RefreshTokenExpiresIn, want, 2) {
				t.Errorf("refresh_token_expires_in after refresh = %d, want about %d",
					next.RefreshTokenExpiresIn, want)
			}
			checkAccess(t, "refreshed access token", next)
		})
	}
}

// sleepUntilFraction sleeps until the wall clock is at d into a second.
func sleepUntilFraction(d time.Duration) {
	now := time.Now()
	into := time.Duration(now.Nanosecond())
	wait := d - into
	if wait < 0 {
		wait += time.Second
	}
	time.Sleep(wait)
}

// within reports whether got is want give or take slack.
func within(got, want, slack int64) bool {
	return got >= want-slack && got <= want+slack
}
