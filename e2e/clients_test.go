package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"
)

// TestStandardClients logs in with the libraries a Go CLI or API would use: x/oauth2
// runs the device grant, go-oidc discovers the provider and verifies the ID token, and
// the access token verifies against the JWKS as an RFC 9068 JWT.
func TestStandardClients(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, serverOptions{})
	b := signedInBrowser(t, g)
	ctx := oidc.ClientContext(t.Context(), httpClient)
	ctx = context.WithValue(ctx, oauth2.HTTPClient, httpClient)

	// Discover: go-oidc checks that the document names this issuer.
	provider, err := oidc.NewProvider(ctx, g.URL)
	if err != nil {
		t.Fatalf("oidc.NewProvider: %v", err)
	}
	endpoint := provider.Endpoint()
	if endpoint.DeviceAuthURL != g.URL+pathDeviceAuthorization || endpoint.TokenURL != g.URL+pathToken {
		t.Fatalf("discovered endpoints %+v, want device %s and token %s",
			endpoint, g.URL+pathDeviceAuthorization, g.URL+pathToken)
	}

	// Log in with x/oauth2, approving in the browser before the first poll.
	endpoint.AuthStyle = oauth2.AuthStyleInParams // a public client (RFC 6749 §2.3.1)
	cfg := &oauth2.Config{ClientID: cliClientID, Endpoint: endpoint, Scopes: strings.Fields(allScopes)}
	da, err := cfg.DeviceAuth(ctx)
	if err != nil {
		t.Fatalf("DeviceAuth: %v", err)
	}
	if da.VerificationURI != g.URL+"/device" || da.Interval != 1 || da.Expiry.IsZero() {
		t.Errorf("device authorization = %+v, want verification_uri %s/device, interval 1, an expiry",
			da, g.URL)
	}
	b.approve(t, da.UserCode, false)
	tok, err := cfg.DeviceAccessToken(ctx, da)
	if err != nil {
		t.Fatalf("DeviceAccessToken: %v", err)
	}
	if tok.RefreshToken == "" || !strings.EqualFold(tok.TokenType, "bearer") || tok.Expiry.IsZero() {
		t.Errorf("token = type %q, refresh %t, expiry %v; want a Bearer token with refresh token and expiry",
			tok.TokenType, tok.RefreshToken != "", tok.Expiry)
	}

	t.Run("id token verifies with go-oidc", func(t *testing.T) {
		raw, _ := tok.Extra("id_token").(string)
		if raw == "" {
			t.Fatal("no id_token in the token response")
		}
		v := provider.Verifier(&oidc.Config{ClientID: cliClientID, SupportedSigningAlgs: []string{oidc.RS256}})
		idt, err := v.Verify(ctx, raw)
		if err != nil {
			t.Fatalf("verify ID token: %v", err)
		}
		var claims struct {
			Email string `json:"email"`
		}
		if err := idt.Claims(&claims); err != nil {
			t.Fatal(err)
		}
		if idt.Subject == "" || claims.Email != adminEmail {
			t.Errorf("ID token sub %q email %q, want a subject and %s", idt.Subject, claims.Email, adminEmail)
		}
	})

	t.Run("access token is an ES256 JWT of the JWKS", func(t *testing.T) {
		claims := verifyAccessToken(t, g, tok.AccessToken)
		for _, name := range []string{"iss", "sub", "aud", "exp", "iat", "jti", "client_id", "scope", "device_id"} {
			if _, ok := claims[name]; !ok {
				t.Errorf("access token lacks the %s claim; claims %v", name, claims)
			}
		}
		if claims["iss"] != g.URL || claims["client_id"] != cliClientID {
			t.Errorf("iss %v client_id %v, want %s and %s", claims["iss"], claims["client_id"], g.URL, cliClientID)
		}
		scope, ok := claims["scope"].(string)
		if !ok || !sameWords(scope, allScopes) {
			t.Errorf("scope claim %#v, want the string %q (RFC 9068 §2.2.3)", claims["scope"], allScopes)
		}
		if id, _ := claims["device_id"].(string); id == "" {
			t.Errorf("device_id claim %#v, want the device's id", claims["device_id"])
		}
	})

	t.Run("x/oauth2 token source refreshes", func(t *testing.T) {
		expired := *tok
		expired.Expiry = time.Now().Add(-time.Minute)
		next, err := cfg.TokenSource(ctx, &expired).Token()
		if err != nil {
			t.Fatalf("refresh through TokenSource: %v", err)
		}
		if next.AccessToken == tok.AccessToken || next.RefreshToken == "" || next.RefreshToken == tok.RefreshToken {
			t.Errorf("refresh gave the same access token or no rotated refresh token")
		}
		verifyAccessToken(t, g, next.AccessToken)
	})

	t.Run("RFC 8414 metadata", func(t *testing.T) {
		var md struct {
			Issuer              string   `json:"issuer"`
			DeviceAuthorization string   `json:"device_authorization_endpoint"`
			Token               string   `json:"token_endpoint"`
			GrantTypes          []string `json:"grant_types_supported"`
		}
		getJSON(t, g.URL+pathServerMetadata, &md)
		if md.Issuer != g.URL || md.DeviceAuthorization != g.URL+pathDeviceAuthorization ||
			md.Token != g.URL+pathToken {
			t.Errorf("metadata %+v, want issuer %s and its device and token endpoints", md, g.URL)
		}
		if !slices.Contains(md.GrantTypes, grantDeviceCode) {
			t.Errorf("grant_types_supported %v lacks %s", md.GrantTypes, grantDeviceCode)
		}
	})
}

// verifyAccessToken checks an access token the way a resource server would (RFC 9068):
// an ES256 JWS with typ at+jwt and a kid, signed by a key of the JWKS, from this
// issuer, for Gatehouse itself, unexpired. It returns the claims.
func verifyAccessToken(t testing.TB, g *gatehouse, raw string) map[string]any {
	t.Helper()
	return verifyAccessTokenFor(t, g, raw, g.URL)
}

// verifyAccessTokenFor is verifyAccessToken for a token whose aud is audience.
func verifyAccessTokenFor(t testing.TB, g *gatehouse, raw, audience string) map[string]any {
	t.Helper()
	jws, err := jose.ParseSigned(raw, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatalf("access token is not an ES256 JWS: %v", err)
	}
	h := jws.Signatures[0].Header
	if typ, _ := h.ExtraHeaders["typ"].(string); !strings.EqualFold(typ, "at+jwt") || h.KeyID == "" {
		t.Errorf("access token header typ %q kid %q, want typ at+jwt (RFC 9068 §2.1) and a kid", typ, h.KeyID)
	}

	ctx := oidc.ClientContext(t.Context(), httpClient)
	keys := oidc.NewRemoteKeySet(ctx, g.URL+pathJWKS)
	v := oidc.NewVerifier(g.URL, keys, &oidc.Config{ClientID: audience, SupportedSigningAlgs: []string{oidc.ES256}})
	tok, err := v.Verify(ctx, raw)
	if err != nil {
		t.Fatalf("verify access token against the JWKS: %v", err)
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

// getJSON GETs url, wanting 200 with a JSON body, and decodes it into v.
func getJSON(t testing.TB, url string, v any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := do(t, req)
	if a.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, a.Status, a.Body)
	}
	if err := json.Unmarshal(a.Body, v); err != nil {
		t.Fatalf("GET %s: not JSON: %v", url, err)
	}
}

// sameWords reports whether two space-separated lists hold the same words.
func sameWords(a, b string) bool {
	x, y := strings.Fields(a), strings.Fields(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// numClaim reads a numeric JWT claim as whole seconds.
func numClaim(t testing.TB, claims map[string]any, name string) int64 {
	t.Helper()
	f, ok := claims[name].(float64)
	if !ok {
		t.Fatalf("claim %s = %#v, want a number", name, claims[name])
	}
	return int64(f)
}
