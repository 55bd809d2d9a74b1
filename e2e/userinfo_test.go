package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestUserinfo checks the OIDC UserInfo endpoint with bearer access tokens (RFC 6750).
func TestUserinfo(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, serverOptions{})
	b := signedInBrowser(t, g)
	_, ta := g.connect(t, b, false, nil)
	sub := verifyAccessToken(t, g, ta.AccessToken)["sub"]

	t.Run("GET and POST", func(t *testing.T) {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			a := userinfo(t, g, method, "Bearer "+ta.AccessToken)
			var claims map[string]any
			a.JSON(t, &claims)
			if a.Status != http.StatusOK || claims["sub"] != sub || claims["email"] != adminEmail {
				t.Errorf("%s userinfo: %d %s, want 200 with sub %v and email %s", method, a.Status, a.Body, sub, adminEmail)
			}
		}
	})

	t.Run("no openid scope", func(t *testing.T) {
		da := g.authorizeDevice(t, cliClient, url.Values{"scope": {"email offline_access"}})
		b.approve(t, da.UserCode, false)
		tok := g.poll(t, cliClient, da.DeviceCode)
		wantTokens(t, "poll", tok)
		a := userinfo(t, g, http.MethodGet, "Bearer "+tok.AccessToken)
		wantChallenge(t, a, http.StatusForbidden, "insufficient_scope")
	})

	t.Run("refused", func(t *testing.T) {
		for _, tt := range []struct {
			name, auth string
			code       string
		}{
			{name: "made-up token", auth: "Bearer made-up-" + randomHex(8), code: "invalid_token"},
			{name: "ID token", auth: "Bearer " + ta.IDToken, code: "invalid_token"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				wantChallenge(t, userinfo(t, g, http.MethodGet, tt.auth), http.StatusUnauthorized, tt.code)
			})
		}
	})

	// RFC 6750 §3.1: no credentials get a challenge without an error code.
	t.Run("no token", func(t *testing.T) {
		a := userinfo(t, g, http.MethodGet, "")
		challenge := a.Header.Get("WWW-Authenticate")
		if a.Status != http.StatusUnauthorized || !strings.HasPrefix(challenge, "Bearer ") ||
			strings.Contains(challenge, "error=") {
			t.Errorf("got %d with WWW-Authenticate %q, want 401 with a Bearer challenge and no error code",
				a.Status, challenge)
		}
	})

	t.Run("revoked token", func(t *testing.T) {
		_, ta := g.connect(t, b, false, nil)
		if a := g.revoke(t, ta.RefreshToken, "refresh_token"); a.Status != http.StatusOK {
			t.Fatalf("revoke: %d %s", a.Status, a.Body)
		}
		wantChallenge(t, userinfo(t, g, http.MethodGet, "Bearer "+ta.AccessToken), http.StatusUnauthorized, "invalid_token")
	})
}

// userinfo calls the UserInfo endpoint with the Authorization header auth, if any.
func userinfo(t testing.TB, g *gatehouse, method, auth string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, g.URL+pathUserinfo, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return do(t, req)
}

// wantChallenge fails the test unless a is status with a Bearer WWW-Authenticate
// challenge naming the error code (RFC 6750 §3).
func wantChallenge(t testing.TB, a answer, status int, code string) {
	t.Helper()
	challenge := a.Header.Get("WWW-Authenticate")
	if a.Status != status || !strings.HasPrefix(challenge, "Bearer ") || !strings.Contains(challenge, `error="`+code+`"`) {
		t.Errorf("got %d with WWW-Authenticate %q, want %d with a Bearer challenge for %s; body %s",
			a.Status, challenge, status, code, a.Body)
	}
}
