package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

// TestRevocation checks token revocation (RFC 7009) as `gatehouse logout` uses it: the
// public CLI client revokes with its client_id alone, revoking either token ends the
// whole grant, and an unknown token is still a 200 (§2.2).
func TestRevocation(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, serverOptions{})
	b := signedInBrowser(t, g)

	tests := []struct {
		name string
		// revoke picks the token to revoke and the hint to send with it.
		revoke func(ta tokenAnswer) (token, hint string)
	}{
		{name: "refresh token", revoke: func(ta tokenAnswer) (string, string) { return ta.RefreshToken, "refresh_token" }},
		{name: "access token", revoke: func(ta tokenAnswer) (string, string) { return ta.AccessToken, "access_token" }},
		{name: "refresh token without hint", revoke: func(ta tokenAnswer) (string, string) { return ta.RefreshToken, "" }},
		// RFC 7009 §2.1: a wrong hint only makes the server look further.
		{name: "refresh token with the wrong hint", revoke: func(ta tokenAnswer) (string, string) {
			return ta.RefreshToken, "access_token"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, ta := g.connect(t, b, false, forTenant())
			token, hint := tt.revoke(ta)

			a := g.revoke(t, token, hint)
			if a.Status != http.StatusOK {
				t.Fatalf("revoke: %d %s, want 200", a.Status, a.Body)
			}
			wantError(t, "refresh after revocation", g.refresh(t, ta.RefreshToken),
				http.StatusBadRequest, "invalid_grant")
			for _, tok := range []struct{ name, value string }{
				{"access_token", ta.AccessToken}, {"refresh_token", ta.RefreshToken},
			} {
				if in := g.introspect(t, tok.value, tok.name); in.Active {
					t.Errorf("%s still active after revocation", tok.name)
				}
			}
		})
	}

	t.Run("unknown token", func(t *testing.T) {
		t.Parallel()
		if a := g.revoke(t, "no-such-token-"+randomHex(16), "refresh_token"); a.Status != http.StatusOK {
			t.Errorf("revoke an unknown token: %d %s, want 200 (RFC 7009 §2.2)", a.Status, a.Body)
		}
	})

	t.Run("another client's token", func(t *testing.T) {
		t.Parallel()
		other := g.registerPublicClient(t, "e2e-revoking-cli")
		_, ta := g.connect(t, b, false, forTenant())

		// RFC 7009 §2.1: the server checks that the token was issued to the client
		// asking, and refuses otherwise; the token keeps working.
		a := g.postForm(t, pathRevoke, other, url.Values{"token": {ta.RefreshToken}})
		if a.Status < 400 || a.Status >= 500 {
			t.Errorf("revoke another client's token: %d %s, want a 4xx refusal", a.Status, a.Body)
		}
		if in := g.introspect(t, ta.RefreshToken, "refresh_token"); !in.Active {
			t.Errorf("another client revoked gatehouse-cli's refresh token")
		}
		wantTokens(t, "refresh after the refused revocation", g.refresh(t, ta.RefreshToken))
	})

	t.Run("missing token", func(t *testing.T) {
		t.Parallel()
		// RFC 7009 §2.1: token is REQUIRED; a request without one is malformed
		// (RFC 6749 §5.2 invalid_request), not a revocation of nothing.
		a := g.postForm(t, pathRevoke, cliClient, nil)
		var e oauthErr
		_ = json.Unmarshal(a.Body, &e)
		if a.Status != http.StatusBadRequest || e.Error != "invalid_request" {
			t.Errorf("revoke without a token: %d %q, want 400 invalid_request", a.Status, a.Body)
		}
	})
}
