package client

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// fakeProvider plays the HTTP side of a Gatehouse issuer: OpenID Provider Metadata, the
// RFC 8628 device authorization endpoint, a token endpoint for the device_code and
// refresh_token grants (with rotation) and an RFC 7009 revocation endpoint. It stands
// for the remote server; the client code under test is the real one.
type fakeProvider struct {
	t      *testing.T
	issuer string // set once the server address is known

	mu sync.Mutex
	// polls scripts the answers to device_code token requests: an RFC 8628 §3.5 error
	// code per poll, then success once the script is used up.
	polls            []string
	interval         int // seconds, sent as interval
	expiresIn        int // seconds, sent as expires_in of the device authorization
	accessTTL        int // seconds, expires_in of access tokens
	refreshExpiresIn int // seconds, refresh_token_expires_in; 0 leaves it out
	metadataIssuer   string

	deviceReqs []url.Values
	tokenReqs  []url.Values
	revokeReqs []url.Values
	userAgents []string
	pollTimes  []time.Time
	live       map[string]bool // refresh tokens that may be used
	serial     int
}

// newFakeProvider returns a provider with short, test-friendly timings.
func newFakeProvider(t *testing.T) *fakeProvider {
	return &fakeProvider{
		t: t, interval: 1, expiresIn: 600, accessTTL: 300, refreshExpiresIn: 86400,
		live: map[string]bool{},
	}
}

// start serves p on a real loopback listener and returns its URL.
func (p *fakeProvider) start() string {
	srv := httptest.NewServer(p)
	p.t.Cleanup(srv.Close)
	p.issuer = srv.URL
	return srv.URL
}

// ServeHTTP implements the provider's routes.
func (p *fakeProvider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.userAgents = append(p.userAgents, r.UserAgent())

	switch r.URL.Path {
	case "/.well-known/openid-configuration":
		iss := p.issuer
		if p.metadataIssuer != "" {
			iss = p.metadataIssuer
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"issuer":                        iss,
			"device_authorization_endpoint": p.issuer + "/oauth2/device/auth",
			"token_endpoint":                p.issuer + "/oauth2/token",
			"revocation_endpoint":           p.issuer + "/oauth2/revoke",
			"userinfo_endpoint":             p.issuer + "/userinfo",
			"jwks_uri":                      p.issuer + "/.well-known/jwks.json",
			"grant_types_supported": []string{
				"urn:ietf:params:oauth:grant-type:device_code", "refresh_token"},
		})
	case "/oauth2/device/auth":
		p.deviceAuthorization(w, r)
	case "/oauth2/token":
		p.token(w, r)
	case "/oauth2/revoke":
		r.ParseForm()
		p.revokeReqs = append(p.revokeReqs, r.PostForm)
		delete(p.live, r.PostForm.Get("token"))
		w.WriteHeader(http.StatusOK) // RFC 7009 §2.2
	default:
		http.NotFound(w, r)
	}
}

// deviceAuthorization answers RFC 8628 §3.2.
func (p *fakeProvider) deviceAuthorization(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	p.deviceReqs = append(p.deviceReqs, r.PostForm)
	if r.PostForm.Get("client_id") != ClientID {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "unknown client")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"device_code":               "device-code-1",
		"user_code":                 "BCDF-GHJK",
		"verification_uri":          p.issuer + "/device",
		"verification_uri_complete": p.issuer + "/device?user_code=BCDF-GHJK",
		"expires_in":                p.expiresIn,
		"interval":                  p.interval,
	})
}

// token answers RFC 8628 §3.4 polls and RFC 6749 §6 refreshes.
func (p *fakeProvider) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	form := r.PostForm
	p.tokenReqs = append(p.tokenReqs, form)
	if form.Get("client_id") != ClientID {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "unknown client")
		return
	}

	switch form.Get("grant_type") {
	case "urn:ietf:params:oauth:grant-type:device_code":
		p.pollTimes = append(p.pollTimes, time.Now())
		if form.Get("device_code") != "device-code-1" {
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "unknown device code")
			return
		}
		if len(p.polls) > 0 {
			code := p.polls[0]
			p.polls = p.polls[1:]
			writeOAuthError(w, http.StatusBadRequest, code, "scripted answer")
			return
		}
		p.issue(w)
	case "refresh_token":
		rt := form.Get("refresh_token")
		if !p.live[rt] {
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "refresh token is dead")
			return
		}
		delete(p.live, rt) // rotation: every refresh token works once
		p.issue(w)
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "")
	}
}

// issue writes a successful RFC 6749 §5.1 token response with a new refresh token.
func (p *fakeProvider) issue(w http.ResponseWriter) {
	p.serial++
	rt := fmt.Sprintf("refresh-%d", p.serial)
	p.live[rt] = true
	resp := map[string]any{
		"access_token": fakeJWT(map[string]any{
			"sub": "user-1", "email": "ada@example.com", "org_id": "org-7",
			"org_role": "admin", "tenant_id": "acme", "device_id": "dev-42",
			"serial": p.serial,
		}),
		"token_type":    "bearer",
		"expires_in":    p.accessTTL,
		"refresh_token": rt,
		"id_token": fakeJWT(map[string]any{
			"sub": "user-1", "email": "ada@example.com", "name": "Ada Lovelace"}),
		"scope": "openid profile email offline_access",
	}
	if p.refreshExpiresIn > 0 {
		resp["refresh_token_expires_in"] = p.refreshExpiresIn
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, resp)
}

// addLive registers a refresh token as usable, for tests that store entries directly.
func (p *fakeProvider) addLive(rt string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.live[rt] = true
}

// requests returns copies of the recorded requests of kind "device", "token" or
// "revoke".
func (p *fakeProvider) requests(kind string) []url.Values {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch kind {
	case "device":
		return append([]url.Values(nil), p.deviceReqs...)
	case "token":
		return append([]url.Values(nil), p.tokenReqs...)
	default:
		return append([]url.Values(nil), p.revokeReqs...)
	}
}

// startTenant serves RFC 9728 protected resource metadata naming issuer, with the
// resource identifier returned by resource (given the server's own URL).
func startTenant(t *testing.T, issuer string, resource func(self string) string) string {
	var self string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/oauth-protected-resource",
		func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, map[string]any{
				"resource":                 resource(self),
				"authorization_servers":    []string{issuer},
				"bearer_methods_supported": []string{"header"},
			})
		})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	self = srv.URL
	return srv.URL
}

// writeJSON writes v as a JSON response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeOAuthError writes an RFC 6749 §5.2 error response.
func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	body := map[string]string{"error": code}
	if desc != "" {
		body["error_description"] = desc
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, body)
}

// fakeJWT returns an unsigned compact JWS with the given claims; the client only
// decodes it for display.
func fakeJWT(claims map[string]any) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]string{"alg": "RS256", "typ": "JWT"}) + "." + enc(claims) + ".c2ln"
}

// memTransport serves requests with a handler in memory, so tests under testing/synctest
// see fake time without real sockets.
type memTransport struct {
	h http.Handler
}

// RoundTrip implements http.RoundTripper.
func (m memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	m.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}
