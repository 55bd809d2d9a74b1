package e2e

import (
	"net/http"
	"sync"
	"testing"
)

// TestRefresh checks refresh token rotation (RFC 6749 §6) and reuse detection (RFC 9700
// §4.14.2): every refresh gives a new access token and a new refresh token, and
// presenting a rotated refresh token again revokes the whole grant.
func TestRefresh(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, serverOptions{})
	b := signedInBrowser(t, g)

	t.Run("rotation and reuse", func(t *testing.T) {
		t.Parallel()
		_, first := g.connect(t, b, false, forTenant())

		second := g.refresh(t, first.RefreshToken)
		wantTokens(t, "refresh", second)
		if second.AccessToken == first.AccessToken || second.RefreshToken == "" ||
			second.RefreshToken == first.RefreshToken {
			t.Fatalf("refresh did not give a new access token and a rotated refresh token")
		}
		if !sameWords(second.Scope, allScopes) {
			t.Errorf("refreshed scope %q, want %q", second.Scope, allScopes)
		}
		claims := verifyAccessTokenFor(t, g, second.AccessToken, tenantURL)
		if claims["device_id"] == nil || claims["jti"] == verifyAccessTokenFor(t, g, first.AccessToken, tenantURL)["jti"] {
			t.Errorf("refreshed access token claims %v, want its own jti and the device_id", claims)
		}
		// The newer refresh token works until the old one is used again.
		if in := g.introspect(t, second.RefreshToken, "refresh_token"); !in.Active {
			t.Fatalf("the newer refresh token is not active")
		}

		// The old refresh token again: refused, and the new one dies with it.
		wantError(t, "replay of the rotated refresh token", g.refresh(t, first.RefreshToken),
			http.StatusBadRequest, "invalid_grant")
		wantError(t, "refresh with the newer token after the replay", g.refresh(t, second.RefreshToken),
			http.StatusBadRequest, "invalid_grant")
		for _, tok := range []struct{ name, value string }{
			{"access_token", second.AccessToken}, {"refresh_token", second.RefreshToken},
		} {
			if in := g.introspect(t, tok.value, tok.name); in.Active {
				t.Errorf("newer %s still active after the replay", tok.name)
			}
		}
	})

	t.Run("looking at a rotated token is not reuse", func(t *testing.T) {
		t.Parallel()
		_, first := g.connect(t, b, false, forTenant())
		second := g.refresh(t, first.RefreshToken)
		wantTokens(t, "refresh", second)

		// Introspection only asks about a token (RFC 7662 §2): the rotated one is
		// inactive, and asking must not count as using it, which would revoke the
		// grant its newer token belongs to.
		if in := g.introspect(t, first.RefreshToken, "refresh_token"); in.Active {
			t.Errorf("the rotated refresh token is still active")
		}
		if in := g.introspect(t, second.RefreshToken, "refresh_token"); !in.Active {
			t.Errorf("introspecting the rotated refresh token revoked the newer one")
		}
		wantTokens(t, "refresh with the newer token after introspecting the rotated one",
			g.refresh(t, second.RefreshToken))
	})

	t.Run("many rotations", func(t *testing.T) {
		t.Parallel()
		_, ta := g.connect(t, b, false, nil)
		seen := map[string]bool{ta.RefreshToken: true}
		for range 5 {
			ta = g.refresh(t, ta.RefreshToken)
			wantTokens(t, "refresh", ta)
			if seen[ta.RefreshToken] {
				t.Fatalf("a refresh token came back twice")
			}
			seen[ta.RefreshToken] = true
			verifyAccessToken(t, g, ta.AccessToken)
		}
	})

	t.Run("concurrent refreshes", func(t *testing.T) {
		t.Parallel()
		_, ta := g.connect(t, b, false, nil)

		// Of refreshes racing with one token exactly one wins; the others are clear
		// client errors, never a server error.
		const n = 10
		answers := make([]tokenAnswer, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				answers[i] = g.refresh(t, ta.RefreshToken)
			})
		}
		close(start)
		wg.Wait()

		won := 0
		for _, a := range answers {
			switch {
			case a.Status == http.StatusOK:
				won++
			case a.Status != http.StatusBadRequest || (a.Error != "invalid_grant" && a.Error != "invalid_request"):
				t.Errorf("a racing refresh got %d %s (%s), want 400 invalid_grant or invalid_request",
					a.Status, a.Error, a.Description)
			}
		}
		if won != 1 {
			t.Errorf("%d of %d racing refreshes with one token succeeded, want exactly 1", won, n)
		}
	})
}
