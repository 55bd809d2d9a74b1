package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// TestIntrospection checks token introspection (RFC 7662) as a tenant server uses it:
// only confidential clients may ask, a tenant learns about its own tokens, and any
// token that is not valid for it is just inactive, with nothing else said.
func TestIntrospection(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, serverOptions{})
	b := signedInBrowser(t, g)
	_, tenantTokens := g.connect(t, b, true, forTenant())
	_, ownTokens := g.connect(t, b, false, nil)
	sub := verifyAccessTokenFor(t, g, tenantTokens.AccessToken, tenantURL)["sub"]

	t.Run("active", func(t *testing.T) {
		for _, tok := range []struct{ name, value string }{
			{"access_token", tenantTokens.AccessToken}, {"refresh_token", tenantTokens.RefreshToken},
		} {
			in := g.introspect(t, tok.value, tok.name)
			if !in.Active || in.Sub != sub || in.ClientID != cliClientID || in.Exp == 0 ||
				!sameWords(in.Scope, allScopes) || !slices.Contains(in.Aud, tenantURL) {
				t.Errorf("%s: introspection %+v, want active, sub %v, client_id %s, an exp, scope %q, aud %s",
					tok.name, in, sub, cliClientID, allScopes, tenantURL)
			}
		}
	})

	inactive := []struct {
		name  string
		token string
	}{
		{name: "made-up token", token: "made-up-" + randomHex(16)},
		{name: "empty-looking JWT", token: "e30.e30.e30"},
		// RFC 7662 §4: a tenant must not learn about tokens that are not its own.
		{name: "token for Gatehouse itself", token: ownTokens.AccessToken},
		{name: "refresh token for Gatehouse itself", token: ownTokens.RefreshToken},
	}
	for _, tt := range inactive {
		t.Run("inactive "+tt.name, func(t *testing.T) {
			a := g.postForm(t, pathIntrospect, tenantClient, url.Values{"token": {tt.token}})
			var body map[string]any
			a.JSON(t, &body)
			// RFC 7662 §2.2: nothing beyond active=false about an inactive token.
			if a.Status != http.StatusOK || body["active"] != false || len(body) != 1 {
				t.Errorf("introspect %s: %d %s, want 200 with only active=false", tt.name, a.Status, a.Body)
			}
		})
	}

	refusals := []struct {
		name   string
		client oauthClient
		form   url.Values
		status int
		code   string
	}{
		{name: "public client", client: cliClient, form: url.Values{"token": {tenantTokens.AccessToken}},
			status: http.StatusUnauthorized, code: "invalid_client"},
		{name: "wrong secret", client: oauthClient{ID: tenantClientID, Secret: "wrong-secret"},
			form: url.Values{"token": {tenantTokens.AccessToken}}, status: http.StatusUnauthorized, code: "invalid_client"},
		// RFC 6749 §5.2: invalid_client covers "no client authentication included";
		// RFC 7662 §2.1 requires authentication at this endpoint.
		{name: "no client", form: url.Values{"token": {tenantTokens.AccessToken}},
			status: http.StatusUnauthorized, code: "invalid_client"},
		{name: "no token", client: tenantClient, status: http.StatusBadRequest, code: "invalid_request"},
	}
	for _, tt := range refusals {
		t.Run("refused "+tt.name, func(t *testing.T) {
			a := g.postForm(t, pathIntrospect, tt.client, tt.form)
			var e oauthErr
			if err := json.Unmarshal(a.Body, &e); err != nil || a.Status != tt.status || e.Error != tt.code {
				t.Errorf("introspect as %s: %d %s, want %d %s", tt.name, a.Status, a.Body, tt.status, tt.code)
			}
			if a.Status == http.StatusUnauthorized && a.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("401 without WWW-Authenticate (RFC 6749 §5.2)")
			}
		})
	}
}
