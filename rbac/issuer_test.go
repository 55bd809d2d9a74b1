package rbac

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Test credentials of the tenant's confidential client. The secret holds characters
// that RFC 6749 §2.3.1 form-encoding changes, so a missing encoding step fails.
const (
	testClientID     = "demo tenant"
	testClientSecret = "s3cr:t/+%&x"
	testResource     = "https://tenant.example"
)

// fakeIssuer serves a discovery document, a JWKS and a revocation list from httptest,
// and mints tokens with keys made for the test.
type fakeIssuer struct {
	t   *testing.T
	srv *httptest.Server
	ec  *ecdsa.PrivateKey
	rsa *rsa.PrivateKey

	// noRevocation leaves revoked_devices_endpoint out of discovery.
	noRevocation bool

	mu      sync.Mutex
	revoked []string
	down    bool          // the revocation list answers 503
	hits    int           // revocation list requests, good or not
	hitCh   chan struct{} // gets a value after each good revocation list answer
}

func newFakeIssuer(t *testing.T) *fakeIssuer {
	t.Helper()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	fi := &fakeIssuer{t: t, ec: ec, rsa: rk, revoked: []string{}, hitCh: make(chan struct{}, 64)}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", fi.discovery)
	mux.HandleFunc("GET /jwks", fi.jwks)
	mux.HandleFunc("GET /revoked-devices", fi.revokedDevices)
	fi.srv = httptest.NewServer(mux)
	t.Cleanup(fi.srv.Close)
	return fi
}

func (fi *fakeIssuer) issuer() string { return fi.srv.URL }

func (fi *fakeIssuer) discovery(w http.ResponseWriter, r *http.Request) {
	doc := map[string]any{
		"issuer":                 fi.issuer(),
		"authorization_endpoint": fi.issuer() + "/oauth2/auth",
		"token_endpoint":         fi.issuer() + "/oauth2/token",
		"jwks_uri":               fi.issuer() + "/jwks",
	}
	if !fi.noRevocation {
		doc["revoked_devices_endpoint"] = fi.issuer() + "/revoked-devices"
	}
	writeJSON(w, doc)
}

func (fi *fakeIssuer) jwks(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &fi.ec.PublicKey, KeyID: "ec-1", Algorithm: "ES256", Use: "sig"},
		{Key: &fi.rsa.PublicKey, KeyID: "rsa-1", Algorithm: "RS256", Use: "sig"},
	}})
}

func (fi *fakeIssuer) revokedDevices(w http.ResponseWriter, r *http.Request) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.hits++

	// RFC 6749 §2.3.1: the Basic credentials are form-encoded.
	id, secret, ok := r.BasicAuth()
	id, _ = url.QueryUnescape(id)
	secret, _ = url.QueryUnescape(secret)
	if !ok || id != testClientID || secret != testClientSecret {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if fi.down {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	writeJSON(w, map[string]any{"revoked_device_ids": fi.revoked})
	select {
	case fi.hitCh <- struct{}{}:
	default:
	}
}

// setRevoked replaces the revocation list the issuer serves.
func (fi *fakeIssuer) setRevoked(ids ...string) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.revoked = append([]string{}, ids...)
}

// setDown makes the revocation list answer 503 (true) or work again (false).
func (fi *fakeIssuer) setDown(down bool) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.down = down
}

func (fi *fakeIssuer) hitCount() int {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.hits
}

// tokenOpts shape one minted token. The zero value mints a valid ES256 token for the
// test resource, issued at now.
type tokenOpts struct {
	alg    jose.SignatureAlgorithm // ES256 when empty
	key    any                     // the issuer's key for alg when nil
	kid    string                  // the issuer's kid for alg when empty
	typ    string                  // "at+jwt" when empty; "-" leaves typ out
	claims func(c map[string]any)  // edits the claims before signing
}

// mint signs a token with claims valid at now.
func (fi *fakeIssuer) mint(now time.Time, o tokenOpts) string {
	fi.t.Helper()
	c := map[string]any{
		"iss":       fi.issuer(),
		"sub":       "user-1",
		"aud":       testResource,
		"exp":       now.Add(24 * time.Hour).Unix(),
		"iat":       now.Unix(),
		"jti":       "jti-1",
		"client_id": "cli",
		"scope":     "openid offline_access",
		"org_id":    "org-1",
		"org_role":  "viewer",
		"tenant_id": "tenant-1",
		"device_id": "device-1",
	}
	if o.claims != nil {
		o.claims(c)
	}
	payload, err := json.Marshal(c)
	if err != nil {
		fi.t.Fatal(err)
	}
	return fi.sign(payload, o)
}

func (fi *fakeIssuer) sign(payload []byte, o tokenOpts) string {
	fi.t.Helper()
	if o.alg == "" {
		o.alg = jose.ES256
	}
	if o.key == nil {
		o.key, o.kid = fi.ec, "ec-1"
		if o.alg == jose.RS256 {
			o.key, o.kid = fi.rsa, "rsa-1"
		}
	}
	opts := &jose.SignerOptions{}
	switch o.typ {
	case "":
		opts = opts.WithType("at+jwt")
	case "-":
	default:
		opts = opts.WithType(jose.ContentType(o.typ))
	}
	key := jose.JSONWebKey{Key: o.key, KeyID: o.kid}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: o.alg, Key: key}, opts)
	if err != nil {
		fi.t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		fi.t.Fatal(err)
	}
	raw, err := jws.CompactSerialize()
	if err != nil {
		fi.t.Fatal(err)
	}
	return raw
}

// fakeClock is a settable clock for VerifierConfig.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newTestVerifier builds a Verifier against fi with a fake clock and a refresh
// interval long enough that the background refresh never fires during the test;
// edit may change the config first.
func newTestVerifier(t *testing.T, fi *fakeIssuer, clock *fakeClock,
	edit func(*VerifierConfig)) *Verifier {
	t.Helper()
	cfg := VerifierConfig{
		Issuer:            fi.issuer(),
		Resource:          testResource,
		HTTPClient:        fi.srv.Client(),
		RevocationRefresh: time.Hour,
		ClientID:          testClientID,
		ClientSecret:      testClientSecret,
		Now:               clock.Now,
	}
	if edit != nil {
		edit(&cfg)
	}
	v, err := NewVerifier(context.Background(), cfg)
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	t.Cleanup(v.Close)
	return v
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
