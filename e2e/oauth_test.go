package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// httpClient sends the tests' own requests. It follows no redirects, so that a test
// sees what the server answered.
var httpClient = &http.Client{
	Timeout:       30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// oauthClient is how a request authenticates: a public client sends client_id in the
// body (RFC 6749 §2.3.1), a confidential one uses HTTP Basic.
type oauthClient struct {
	ID, Secret string
}

var (
	cliClient    = oauthClient{ID: cliClientID}
	tenantClient = oauthClient{ID: tenantClientID, Secret: tenantSecret}
)

// answer is an HTTP response, read in full.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it is not JSON.
func (a answer) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(a.Body, v); err != nil {
		t.Fatalf("answer %d is not JSON (%v): %s", a.Status, err, a.Body)
	}
}

// oauthErr is an RFC 6749 §5.2 error body.
type oauthErr struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// postForm POSTs form to the issuer's path, authenticating as c.
func (g *gatehouse) postForm(t testing.TB, path string, c oauthClient, form url.Values) answer {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if c.ID != "" && c.Secret == "" {
		form.Set("client_id", c.ID)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, g.URL+path,
		strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if c.Secret != "" {
		req.SetBasicAuth(url.QueryEscape(c.ID), url.QueryEscape(c.Secret))
	}
	return do(t, req)
}

// do sends req with httpClient and reads the whole answer.
func do(t testing.TB, req *http.Request) answer {
	t.Helper()
	return answerOf(t, httpClient, req)
}

// answerOf sends req with hc and reads the whole answer.
func answerOf(t testing.TB, hc *http.Client, req *http.Request) answer {
	t.Helper()
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	return answer{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// deviceAuth is an RFC 8628 §3.2 device authorization response.
type deviceAuth struct {
	DeviceCode              string `json:"device_code"`
	UserCode                string `json:"user_code"`
	VerificationURI         string `json:"verification_uri"`
	VerificationURIComplete string `json:"verification_uri_complete"`
	ExpiresIn               int64  `json:"expires_in"`
	Interval                int64  `json:"interval"`
}

// authorizeDevice starts a device authorization as c for every scope of the CLI, or
// for the scopes and resource in extra, and fails the test unless it gets one.
func (g *gatehouse) authorizeDevice(t testing.TB, c oauthClient, extra url.Values) deviceAuth {
	t.Helper()
	form := url.Values{"scope": {allScopes}}
	for k, v := range extra {
		form[k] = v
	}
	a := g.postForm(t, pathDeviceAuthorization, c, form)
	if a.Status != http.StatusOK {
		t.Fatalf("device authorization: %d %s", a.Status, a.Body)
	}
	var da deviceAuth
	a.JSON(t, &da)
	if da.DeviceCode == "" || da.UserCode == "" {
		t.Fatalf("device authorization without codes: %s", a.Body)
	}
	return da
}

// tokenAnswer is a token endpoint answer: RFC 6749 §5.1 on success, §5.2 on error.
type tokenAnswer struct {
	AccessToken           string `json:"access_token"`
	TokenType             string `json:"token_type"`
	ExpiresIn             int64  `json:"expires_in"`
	RefreshToken          string `json:"refresh_token"`
	RefreshTokenExpiresIn int64  `json:"refresh_token_expires_in"`
	IDToken               string `json:"id_token"`
	Scope                 string `json:"scope"`
	oauthErr

	Status int         `json:"-"`
	Header http.Header `json:"-"`
	// At is when the answer arrived.
	At time.Time `json:"-"`
}

// token POSTs form to the token endpoint as c.
func (g *gatehouse) token(t testing.TB, c oauthClient, form url.Values) tokenAnswer {
	t.Helper()
	a := g.postForm(t, pathToken, c, form)
	ta := tokenAnswer{Status: a.Status, Header: a.Header, At: time.Now()}
	a.JSON(t, &ta)
	return ta
}

// poll asks once for the tokens of a device code (RFC 8628 §3.4).
func (g *gatehouse) poll(t testing.TB, c oauthClient, deviceCode string) tokenAnswer {
	t.Helper()
	return g.token(t, c, url.Values{"grant_type": {grantDeviceCode}, "device_code": {deviceCode}})
}

// refresh uses a refresh token (RFC 6749 §6).
func (g *gatehouse) refresh(t testing.TB, refreshToken string) tokenAnswer {
	t.Helper()
	return g.token(t, cliClient, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}})
}

// connect runs the whole device flow as the CLI client: authorize (with extra, such
// as forTenant()), approve in b, with "Trust this device" when trust is set, and one
// poll, which gets the tokens since the code was approved before it.
func (g *gatehouse) connect(t testing.TB, b *browser, trust bool, extra url.Values) (deviceAuth, tokenAnswer) {
	t.Helper()
	da := g.authorizeDevice(t, cliClient, extra)
	b.approve(t, da.UserCode, trust)
	ta := g.poll(t, cliClient, da.DeviceCode)
	wantTokens(t, "poll after approval", ta)
	return da, ta
}

// wantTokens fails the test unless ta is a 200 with an access token.
func wantTokens(t testing.TB, what string, ta tokenAnswer) {
	t.Helper()
	if ta.Status != http.StatusOK || ta.AccessToken == "" {
		t.Fatalf("%s: got %d %s (%s), want 200 with tokens", what, ta.Status, ta.Error, ta.Description)
	}
}

// wantError fails the test unless ta is the OAuth error code with status.
func wantError(t testing.TB, what string, ta tokenAnswer, status int, code string) {
	t.Helper()
	if ta.Status != status || ta.Error != code {
		t.Errorf("%s: got %d %q (%s), want %d %q", what, ta.Status, ta.Error, ta.Description, status, code)
	}
}

// introspection is an RFC 7662 §2.2 answer.
type introspection struct {
	Active    bool     `json:"active"`
	Scope     string   `json:"scope"`
	ClientID  string   `json:"client_id"`
	Sub       string   `json:"sub"`
	Exp       int64    `json:"exp"`
	Iat       int64    `json:"iat"`
	Aud       []string `json:"aud"`
	Iss       string   `json:"iss"`
	TokenType string   `json:"token_type"`
	DeviceID  string   `json:"device_id"`
	TenantID  string   `json:"tenant_id"`
}

// introspect asks, as the demo tenant, about a token (RFC 7662 §2.1). The tenant sees
// only tokens issued for it, so the token must come from a login with forTenant.
func (g *gatehouse) introspect(t testing.TB, token, hint string) introspection {
	t.Helper()
	form := url.Values{"token": {token}}
	if hint != "" {
		form.Set("token_type_hint", hint)
	}
	a := g.postForm(t, pathIntrospect, tenantClient, form)
	if a.Status != http.StatusOK {
		t.Fatalf("introspect: %d %s", a.Status, a.Body)
	}
	var in introspection
	a.JSON(t, &in)
	return in
}

// revoke revokes a token as the CLI client (RFC 7009 §2.1) and returns the status.
func (g *gatehouse) revoke(t testing.TB, token, hint string) answer {
	t.Helper()
	form := url.Values{"token": {token}}
	if hint != "" {
		form.Set("token_type_hint", hint)
	}
	return g.postForm(t, pathRevoke, cliClient, form)
}

// Endpoint paths. They are written out rather than taken from package provider: they are
// part of the contract with clients, and a change to them should fail these tests.
const (
	pathDiscovery           = "/.well-known/openid-configuration"
	pathServerMetadata      = "/.well-known/oauth-authorization-server"
	pathJWKS                = "/oauth2/jwks"
	pathDeviceAuthorization = "/oauth2/device/code"
	pathToken               = "/oauth2/token"
	pathIntrospect          = "/oauth2/introspect"
	pathRevoke              = "/oauth2/revoke"
	pathUserinfo            = "/userinfo"
	pathReadyz              = "/readyz"

	grantDeviceCode = "urn:ietf:params:oauth:grant-type:device_code"
)

// forTenant asks for tokens for the dev tenant (RFC 8707), which is what lets the
// tenant's client introspect them.
func forTenant() url.Values {
	return url.Values{"resource": {tenantURL}}
}
