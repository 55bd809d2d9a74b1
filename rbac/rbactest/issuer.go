// Package rbactest provides a fake Gatehouse issuer for the tests of tenant servers:
// it serves discovery, a JWKS and the device revocation list from httptest, and mints
// access tokens with keys made for the test.
package rbactest

import (
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

// Key ids the issuer publishes its keys under.
const (
	ECKeyID  = "ec-1"
	RSAKeyID = "rsa-1"
)

// Paths the issuer serves.
const (
	JWKSPath           = "/jwks"
	RevokedDevicesPath = "/revoked-devices"
)

// Options configure NewIssuer. The zero value serves the revocation list to any
// client credentials.
type Options struct {
	// NoRevocation leaves revoked_devices_endpoint out of discovery.
	NoRevocation bool
	// ClientID and ClientSecret, when set, are the only HTTP Basic credentials the
	// revocation list accepts, form-encoded as RFC 6749 §2.3.1 asks.
	ClientID     string
	ClientSecret string
}

// Issuer is a fake Gatehouse issuer. Its methods are safe for concurrent use.
type Issuer struct {
	// URL is the issuer URL, as discovery reports it and tokens carry it in iss.
	URL string
	// ECKey signs ES256 tokens, published as ECKeyID.
	ECKey *ecdsa.PrivateKey
	// RSAKey signs RS256 tokens, published as RSAKeyID.
	RSAKey *rsa.PrivateKey

	t    testing.TB
	opts Options
	srv  *httptest.Server

	mu      sync.Mutex
	revoked []string
	down    bool
	hits    int
	served  chan struct{}
}

// NewIssuer starts a fake issuer, closed when the test ends.
func NewIssuer(t testing.TB, opts Options) *Issuer {
	t.Helper()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	iss := &Issuer{ECKey: ec, RSAKey: rk, t: t, opts: opts, revoked: []string{},
		served: make(chan struct{}, 64)}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", iss.discovery)
	mux.HandleFunc("GET "+JWKSPath, iss.jwks)
	mux.HandleFunc("GET "+RevokedDevicesPath, iss.revokedDevices)
	iss.srv = httptest.NewServer(mux)
	iss.URL = iss.srv.URL
	t.Cleanup(iss.srv.Close)
	return iss
}

// Client returns an HTTP client for talking to the issuer.
func (iss *Issuer) Client() *http.Client {
	return iss.srv.Client()
}

func (iss *Issuer) discovery(w http.ResponseWriter, r *http.Request) {
	doc := map[string]any{
		"issuer":                 iss.URL,
		"authorization_endpoint": iss.URL + "/oauth2/auth",
		"token_endpoint":         iss.URL + "/oauth2/token",
		"jwks_uri":               iss.URL + JWKSPath,
	}
	if !iss.opts.NoRevocation {
		doc["revoked_devices_endpoint"] = iss.URL + RevokedDevicesPath
	}
	writeJSON(w, doc)
}

func (iss *Issuer) jwks(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &iss.ECKey.PublicKey, KeyID: ECKeyID, Algorithm: "ES256", Use: "sig"},
		{Key: &iss.RSAKey.PublicKey, KeyID: RSAKeyID, Algorithm: "RS256", Use: "sig"},
	}})
}

func (iss *Issuer) revokedDevices(w http.ResponseWriter, r *http.Request) {
	iss.mu.Lock()
	defer iss.mu.Unlock()
	iss.hits++

	// RFC 6749 §2.3.1: the Basic credentials are form-encoded.
	id, secret, ok := r.BasicAuth()
	id, _ = url.QueryUnescape(id)
	secret, _ = url.QueryUnescape(secret)
	if !ok || iss.opts.ClientID != "" &&
		(id != iss.opts.ClientID || secret != iss.opts.ClientSecret) {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if iss.down {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	writeJSON(w, map[string]any{"revoked_device_ids": iss.revoked})
	select {
	case iss.served <- struct{}{}:
	default:
	}
}

// SetRevoked replaces the list of revoked device ids the issuer serves.
func (iss *Issuer) SetRevoked(ids ...string) {
	iss.mu.Lock()
	defer iss.mu.Unlock()
	iss.revoked = append([]string{}, ids...)
}

// SetRevocationDown makes the revocation list answer 503 (true) or work again (false).
func (iss *Issuer) SetRevocationDown(down bool) {
	iss.mu.Lock()
	defer iss.mu.Unlock()
	iss.down = down
}

// RevocationRequests returns how many revocation list requests arrived, good or not.
func (iss *Issuer) RevocationRequests() int {
	iss.mu.Lock()
	defer iss.mu.Unlock()
	return iss.hits
}

// RevocationServed receives a value after each list served, up to 64 unread. Every
// value queued when SetRevoked returns came from an answer built before it.
func (iss *Issuer) RevocationServed() <-chan struct{} {
	return iss.served
}

// Claims returns the claims of a valid token for resource, issued at now to the viewer
// user-1 of org-1 on device-1, expiring a day later. Edit them before Mint.
func (iss *Issuer) Claims(resource string, now time.Time) map[string]any {
	return map[string]any{
		"iss":       iss.URL,
		"sub":       "user-1",
		"aud":       resource,
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
}

// Mint signs claims as an ES256 access token with typ at+jwt.
func (iss *Issuer) Mint(claims map[string]any) string {
	iss.t.Helper()
	payload, err := json.Marshal(claims)
	if err != nil {
		iss.t.Fatal(err)
	}
	return iss.Sign(payload, SignOptions{})
}

// SignOptions shape a token Sign makes. The zero value gives ES256 with the issuer's
// EC key, its kid and typ at+jwt.
type SignOptions struct {
	// Alg is the signing algorithm; ES256 when empty.
	Alg jose.SignatureAlgorithm
	// Key signs the token; when nil, the issuer's key for Alg, with its kid.
	Key any
	// KeyID is the kid header when Key is set; none when empty.
	KeyID string
	// Type is the typ header; at+jwt when empty.
	Type string
	// NoType leaves the typ header out.
	NoType bool
}

// Sign signs payload as a compact JWS.
func (iss *Issuer) Sign(payload []byte, o SignOptions) string {
	iss.t.Helper()
	if o.Alg == "" {
		o.Alg = jose.ES256
	}
	if o.Key == nil {
		o.Key, o.KeyID = iss.ECKey, ECKeyID
		if o.Alg == jose.RS256 {
			o.Key, o.KeyID = iss.RSAKey, RSAKeyID
		}
	}
	opts := &jose.SignerOptions{}
	if !o.NoType {
		typ := o.Type
		if typ == "" {
			typ = "at+jwt"
		}
		opts = opts.WithType(jose.ContentType(typ))
	}

	key := jose.JSONWebKey{Key: o.Key, KeyID: o.KeyID}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: o.Alg, Key: key}, opts)
	if err != nil {
		iss.t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		iss.t.Fatal(err)
	}
	raw, err := jws.CompactSerialize()
	if err != nil {
		iss.t.Fatal(err)
	}
	return raw
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
