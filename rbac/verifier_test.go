package rbac

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

func TestVerify(t *testing.T) {
	fi := newFakeIssuer(t)
	clock := newFakeClock()
	v := newTestVerifier(t, fi, clock, nil)
	now := clock.Now()

	otherEC, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	otherRSA, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	set := func(k string, val any) func(map[string]any) {
		return func(c map[string]any) { c[k] = val }
	}
	del := func(k string) func(map[string]any) {
		return func(c map[string]any) { delete(c, k) }
	}

	tests := []struct {
		name    string
		token   string
		wantErr error
	}{
		{name: "ES256 valid", token: mint(fi, now, tokenOpts{})},
		{name: "RS256 valid", token: mint(fi, now, tokenOpts{alg: jose.RS256})},
		{name: "typ application/at+jwt", token: mint(fi, now, tokenOpts{typ: "application/at+jwt"})},
		{name: "typ in capitals", token: mint(fi, now, tokenOpts{typ: "AT+JWT"})},
		{name: "aud array containing resource", token: mint(fi, now, tokenOpts{
			claims: set("aud", []string{"https://other.example", testResource})})},
		{name: "fractional exp", token: mint(fi, now, tokenOpts{
			claims: set("exp", float64(now.Add(time.Hour).Unix())+0.5)})},
		{name: "no device_id", token: mint(fi, now, tokenOpts{claims: del("device_id")})},

		{name: "wrong aud", wantErr: ErrWrongAudience, token: mint(fi, now, tokenOpts{
			claims: set("aud", "https://other.example")})},
		{name: "aud array without resource", wantErr: ErrWrongAudience, token: mint(fi, now,
			tokenOpts{claims: set("aud", []string{"https://other.example"})})},
		{name: "aud with trailing slash", wantErr: ErrWrongAudience, token: mint(fi, now,
			tokenOpts{claims: set("aud", testResource+"/")})},
		{name: "no aud", wantErr: ErrWrongAudience, token: mint(fi, now,
			tokenOpts{claims: del("aud")})},
		{name: "wrong iss", wantErr: ErrWrongIssuer, token: mint(fi, now, tokenOpts{
			claims: set("iss", "https://evil.example")})},
		{name: "iss with trailing slash", wantErr: ErrWrongIssuer, token: mint(fi, now,
			tokenOpts{claims: set("iss", fi.URL+"/")})},
		{name: "expired", wantErr: ErrTokenExpired, token: mint(fi, now, tokenOpts{
			claims: set("exp", now.Add(-time.Second).Unix())})},
		{name: "expires this second", wantErr: ErrTokenExpired, token: mint(fi, now,
			tokenOpts{claims: set("exp", now.Unix())})},
		{name: "not valid yet", wantErr: ErrTokenNotYetValid, token: mint(fi, now, tokenOpts{
			claims: set("nbf", now.Add(time.Minute).Unix())})},
		{name: "no exp", wantErr: ErrMissingClaim, token: mint(fi, now,
			tokenOpts{claims: del("exp")})},
		{name: "no sub", wantErr: ErrMissingClaim, token: mint(fi, now,
			tokenOpts{claims: del("sub")})},
		{name: "aud of wrong type", wantErr: ErrMalformedToken, token: mint(fi, now,
			tokenOpts{claims: set("aud", 42)})},

		{name: "typ JWT", wantErr: ErrWrongTokenType, token: mint(fi, now,
			tokenOpts{typ: "JWT"})},
		{name: "no typ", wantErr: ErrWrongTokenType, token: mint(fi, now,
			tokenOpts{typ: "-"})},
		{name: "alg none", wantErr: ErrUnsupportedAlg, token: unsigned(t, mint(fi, now,
			tokenOpts{}))},
		{name: "alg HS256", wantErr: ErrUnsupportedAlg, token: mint(fi, now, tokenOpts{
			alg: jose.HS256, key: []byte("0123456789abcdef0123456789abcdef"), kid: "ec-1"})},
		{name: "alg ES384", wantErr: ErrUnsupportedAlg, token: mint(fi, now, tokenOpts{
			alg: jose.ES384, key: mustP384(t), kid: "ec-1"})},

		{name: "unknown kid", wantErr: ErrBadSignature, token: mint(fi, now, tokenOpts{
			key: otherEC, kid: "ec-2"})},
		{name: "known kid, other key", wantErr: ErrBadSignature, token: mint(fi, now,
			tokenOpts{key: otherEC, kid: "ec-1"})},
		{name: "no kid, other key", wantErr: ErrBadSignature, token: mint(fi, now,
			tokenOpts{alg: jose.RS256, key: otherRSA, kid: ""})},
		{name: "RS256 under the EC kid", wantErr: ErrBadSignature, token: mint(fi, now,
			tokenOpts{alg: jose.RS256, key: fi.RSAKey, kid: "ec-1"})},
		{name: "payload swapped", wantErr: ErrBadSignature, token: swapPayload(t,
			mint(fi, now, tokenOpts{}), mint(fi, now, tokenOpts{claims: set("org_role", "admin")}))},
		{name: "signature flipped", wantErr: ErrBadSignature, token: flipSignature(t,
			mint(fi, now, tokenOpts{}))},

		{name: "empty", wantErr: ErrMalformedToken, token: ""},
		{name: "garbage", wantErr: ErrMalformedToken, token: "not.a.jwt"},
		{name: "two segments", wantErr: ErrMalformedToken, token: "eyJhbGciOiJFUzI1NiJ9.e30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims, err := v.Verify(context.Background(), tt.token)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if claims.Subject != "user-1" || claims.Role() != RoleViewer {
					t.Fatalf("claims = %+v", claims)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify error = %v, want %v", err, tt.wantErr)
			}
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("errors.Is(%v, ErrInvalidToken) = false", err)
			}
			if claims != nil {
				t.Fatalf("Verify returned claims with error %v", err)
			}
		})
	}
}

func TestVerifyClaims(t *testing.T) {
	fi := newFakeIssuer(t)
	clock := newFakeClock()
	v := newTestVerifier(t, fi, clock, nil)

	raw := mint(fi, clock.Now(), tokenOpts{claims: func(c map[string]any) {
		c["org_role"] = "editor"
		c["scope"] = "openid tenant"
	}})
	c, err := v.Verify(context.Background(), raw)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}

	checks := []struct {
		name      string
		got, want any
	}{
		{name: "iss", got: c.Issuer, want: fi.URL},
		{name: "sub", got: c.Subject, want: "user-1"},
		{name: "aud", got: strings.Join(c.Audience, " "), want: testResource},
		{name: "exp", got: c.Expiry.Time(), want: clock.Now().Add(24 * time.Hour)},
		{name: "iat", got: c.IssuedAt.Time(), want: clock.Now()},
		{name: "jti", got: c.JWTID, want: "jti-1"},
		{name: "client_id", got: c.ClientID, want: "cli"},
		{name: "org_id", got: c.OrgID, want: "org-1"},
		{name: "org_role", got: c.Role(), want: RoleEditor},
		{name: "tenant_id", got: c.TenantID, want: "tenant-1"},
		{name: "device_id", got: c.DeviceID, want: "device-1"},
		{name: "scope", got: c.HasScope("tenant"), want: true},
		{name: "can write", got: c.Can(PermTenantWrite), want: true},
	}
	for _, ck := range checks {
		t.Run(ck.name, func(t *testing.T) {
			if g, ok := ck.got.(time.Time); ok {
				if !g.Equal(ck.want.(time.Time)) {
					t.Fatalf("%s = %v, want %v", ck.name, g, ck.want)
				}
				return
			}
			if ck.got != ck.want {
				t.Fatalf("%s = %v, want %v", ck.name, ck.got, ck.want)
			}
		})
	}
}

func TestNewVerifierConfig(t *testing.T) {
	fi := newFakeIssuer(t)
	tests := []struct {
		name string
		edit func(*VerifierConfig)
	}{
		{name: "no issuer", edit: func(c *VerifierConfig) { c.Issuer = "" }},
		{name: "no resource", edit: func(c *VerifierConfig) { c.Resource = "" }},
		{name: "id without secret", edit: func(c *VerifierConfig) { c.ClientSecret = "" }},
		{name: "negative refresh", edit: func(c *VerifierConfig) { c.RevocationRefresh = -1 }},
		{name: "issuer mismatch", edit: func(c *VerifierConfig) { c.Issuer += "/" }},
		{name: "issuer unreachable", edit: func(c *VerifierConfig) {
			c.Issuer = "http://127.0.0.1:1"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := VerifierConfig{
				Issuer: fi.URL, Resource: testResource, HTTPClient: fi.Client(),
				ClientID: testClientID, ClientSecret: testClientSecret,
			}
			tt.edit(&cfg)
			v, err := NewVerifier(context.Background(), cfg)
			if err == nil {
				v.Close()
				t.Fatal("NewVerifier succeeded, want an error")
			}
		})
	}
}

// unsigned turns a signed token into an alg "none" token with an empty signature.
func unsigned(t *testing.T, raw string) string {
	t.Helper()
	parts := strings.Split(raw, ".")
	head := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"at+jwt"}`))
	return head + "." + parts[1] + "."
}

// swapPayload puts the payload of donor under the header and signature of raw.
func swapPayload(t *testing.T, raw, donor string) string {
	t.Helper()
	p, d := strings.Split(raw, "."), strings.Split(donor, ".")
	return p[0] + "." + d[1] + "." + p[2]
}

// flipSignature changes one bit in the middle of the signature.
func flipSignature(t *testing.T, raw string) string {
	t.Helper()
	p := strings.Split(raw, ".")
	sig, err := base64.RawURLEncoding.DecodeString(p[2])
	if err != nil {
		t.Fatal(err)
	}
	sig[len(sig)/2] ^= 0x01
	return p[0] + "." + p[1] + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func mustP384(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
