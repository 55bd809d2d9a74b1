package e2e

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestBadInput sends the OAuth endpoints what broken or hostile clients send. Each
// answer is a clear OAuth error (RFC 6749 §5.2): the right status below 500, a JSON
// body naming the error, and no-store caching; and the server never panics (the
// harness fails the test if its log shows one).
func TestBadInput(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, serverOptions{})
	b := signedInBrowser(t, g)
	_, ta := g.connect(t, b, false, nil)
	pending := g.authorizeDevice(t, cliClient, nil)

	const form = "application/x-www-form-urlencoded"
	big := strings.Repeat("a", 70<<10)
	cli := "client_id=" + cliClientID
	deviceGrant := "grant_type=" + url.QueryEscape(grantDeviceCode) + "&" + cli
	refreshGrant := "grant_type=refresh_token&" + cli
	tenantAuth := basicAuth(tenantClientID, tenantSecret)
	scoped := cli + "&scope=openid"
	var (
		s400, s401, s405 = []int{400}, []int{401}, []int{405}
		tooBig           = []int{413, 400}
		invalidRequest   = []string{"invalid_request"}
		invalidClient    = []string{"invalid_client"}
		invalidGrant     = []string{"invalid_grant"}
		invalidTarget    = []string{"invalid_target"}
		unsupported      = []string{"unsupported_grant_type"}
	)
	tests := []struct {
		name        string
		method      string // POST when empty
		path        string
		contentType string // form when empty; "none" sends no Content-Type
		body        string
		basic       string // an Authorization header value
		statuses    []int
		codes       []string
		allow       string // the Allow header of a 405
	}{
		// The token endpoint.
		{name: "token: malformed form", path: pathToken, body: "grant_type=%zz&" + cli,
			statuses: s400, codes: invalidRequest},
		{name: "token: JSON body", path: pathToken, contentType: "application/json",
			body: `{"grant_type":"refresh_token","client_id":"gatehouse-cli"}`, statuses: s400, codes: invalidRequest},
		{name: "token: no Content-Type", path: pathToken, contentType: "none", body: refreshGrant,
			statuses: s400, codes: invalidRequest},
		{name: "token: two grant_type", path: pathToken, body: deviceGrant + "&grant_type=refresh_token",
			statuses: s400, codes: invalidRequest},
		{name: "token: two client_id", path: pathToken,
			body:     refreshGrant + "&client_id=demo-tenant&refresh_token=" + url.QueryEscape(ta.RefreshToken),
			statuses: s400, codes: invalidRequest},
		{name: "token: two device_code", path: pathToken,
			body:     deviceGrant + "&device_code=" + pending.DeviceCode + "&device_code=other",
			statuses: s400, codes: invalidRequest},
		{name: "token: body over 64 KiB", path: pathToken, body: refreshGrant + "&refresh_token=" + big,
			statuses: tooBig, codes: invalidRequest},
		{name: "token: unknown client_id", path: pathToken,
			body: "grant_type=refresh_token&client_id=nobody&refresh_token=x", statuses: s401, codes: invalidClient},
		{name: "token: malformed Basic", path: pathToken, body: "grant_type=refresh_token&refresh_token=x",
			basic: "Basic !!!not-base64", statuses: []int{400, 401}, codes: []string{"invalid_request", "invalid_client"}},
		{name: "token: wrong secret", path: pathToken, body: "grant_type=refresh_token&refresh_token=x",
			basic: basicAuth(tenantClientID, "wrong"), statuses: s401, codes: invalidClient},
		{name: "token: GET", method: http.MethodGet, path: pathToken, statuses: s405, codes: invalidRequest,
			allow: "POST"},
		{name: "token: PUT", method: http.MethodPut, path: pathToken, body: refreshGrant,
			statuses: s405, codes: invalidRequest, allow: "POST"},
		{name: "token: unknown grant_type", path: pathToken, body: "grant_type=urn:example:teleport&" + cli,
			statuses: s400, codes: unsupported},
		{name: "token: password grant", path: pathToken,
			body:     "grant_type=password&" + cli + "&username=admin%40example.com&password=x",
			statuses: s400, codes: unsupported},
		{name: "token: no grant_type", path: pathToken, body: cli, statuses: s400, codes: invalidRequest},
		{name: "token: no device_code", path: pathToken, body: deviceGrant, statuses: s400, codes: invalidRequest},
		{name: "token: parameters in the query only", path: pathToken + "?" + refreshGrant,
			statuses: s400, codes: invalidRequest},
		{name: "token: huge device_code", path: pathToken, body: deviceGrant + "&device_code=" + big[:60<<10],
			statuses: s400, codes: invalidGrant},
		{name: "token: binary body", path: pathToken, body: "\xff\xfe\x00grant_type\x00=\x01",
			statuses: s400, codes: invalidRequest},
		{name: "token: NUL in refresh_token", path: pathToken, body: refreshGrant + "&refresh_token=%00%00",
			statuses: s400, codes: invalidGrant},

		// The device authorization endpoint.
		{name: "device: unknown client_id", path: pathDeviceAuthorization, body: "client_id=nobody&scope=openid",
			statuses: s401, codes: invalidClient},
		// RFC 6749 §5.2: invalid_client covers "no client authentication included".
		{name: "device: no client_id", path: pathDeviceAuthorization, body: "scope=openid",
			statuses: s401, codes: invalidClient},
		{name: "device: scope the client may not have", path: pathDeviceAuthorization, body: scoped + "+admin",
			statuses: s400, codes: []string{"invalid_scope"}},
		{name: "device: unknown resource", path: pathDeviceAuthorization,
			body:     scoped + "&resource=" + url.QueryEscape("https://elsewhere.example"),
			statuses: s400, codes: invalidTarget},
		{name: "device: resource with a fragment", path: pathDeviceAuthorization,
			body: scoped + "&resource=" + url.QueryEscape(tenantURL+"#x"), statuses: s400, codes: invalidTarget},
		{name: "device: relative resource", path: pathDeviceAuthorization, body: scoped + "&resource=%2Fnotes",
			statuses: s400, codes: invalidTarget},
		{name: "device: two resources", path: pathDeviceAuthorization,
			body:     scoped + "&resource=" + url.QueryEscape(tenantURL) + "&resource=" + url.QueryEscape(g.URL),
			statuses: s400, codes: invalidTarget},
		{name: "device: two scope", path: pathDeviceAuthorization, body: scoped + "&scope=email",
			statuses: s400, codes: invalidRequest},
		{name: "device: client without the device grant", path: pathDeviceAuthorization, body: "scope=openid",
			basic: tenantAuth, statuses: s400, codes: []string{"unauthorized_client"}},
		{name: "device: JSON body", path: pathDeviceAuthorization, contentType: "application/json",
			body: `{"client_id":"gatehouse-cli"}`, statuses: s400, codes: invalidRequest},
		{name: "device: body over 64 KiB", path: pathDeviceAuthorization, body: cli + "&device_hostname=" + big,
			statuses: tooBig, codes: invalidRequest},
		{name: "device: GET", method: http.MethodGet, path: pathDeviceAuthorization, statuses: s405,
			codes: invalidRequest, allow: "POST"},

		// Introspection and revocation.
		{name: "introspect: JSON body", path: pathIntrospect, contentType: "application/json", body: `{"token":"x"}`,
			basic: tenantAuth, statuses: s400, codes: invalidRequest},
		{name: "introspect: two token", path: pathIntrospect, body: "token=a&token=b",
			basic: tenantAuth, statuses: s400, codes: invalidRequest},
		{name: "introspect: GET", method: http.MethodGet, path: pathIntrospect, statuses: s405,
			codes: invalidRequest, allow: "POST"},
		{name: "revoke: malformed form", path: pathRevoke, body: "token=%&" + cli, statuses: s400, codes: invalidRequest},
		{name: "revoke: unknown client", path: pathRevoke, body: "token=x&client_id=nobody", statuses: s401,
			codes: invalidClient},
		{name: "revoke: GET", method: http.MethodGet, path: pathRevoke, statuses: s405, codes: invalidRequest,
			allow: "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			req, err := http.NewRequestWithContext(t.Context(), method, g.URL+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			switch tt.contentType {
			case "":
				req.Header.Set("Content-Type", form)
			case "none":
			default:
				req.Header.Set("Content-Type", tt.contentType)
			}
			if tt.basic != "" {
				req.Header.Set("Authorization", tt.basic)
			}
			a := do(t, req)

			var e oauthErr
			if err := json.Unmarshal(a.Body, &e); err != nil || e.Error == "" {
				t.Errorf("answer %d is not an OAuth error in JSON: %q", a.Status, a.Body)
			}
			if !slices.Contains(tt.statuses, a.Status) || !slices.Contains(tt.codes, e.Error) {
				t.Errorf("got %d %q (%s), want %v %q", a.Status, e.Error, e.Description, tt.statuses, tt.codes)
			}
			if cc := a.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
				t.Errorf("Cache-Control %q, want no-store (RFC 6749 §5.1)", cc)
			}
			if tt.allow != "" && !strings.Contains(a.Header.Get("Allow"), tt.allow) {
				t.Errorf("405 with Allow %q, want %s", a.Header.Get("Allow"), tt.allow)
			}
		})
	}

	t.Run("token success is no-store", func(t *testing.T) {
		t.Parallel()
		next := g.refresh(t, ta.RefreshToken)
		wantTokens(t, "refresh", next)
		cc, pragma := next.Header.Get("Cache-Control"), next.Header.Get("Pragma")
		if !strings.Contains(cc, "no-store") || pragma != "no-cache" {
			t.Errorf("token response Cache-Control %q Pragma %q, want no-store and no-cache (RFC 6749 §5.1)", cc, pragma)
		}
	})
}

// basicAuth is an HTTP Basic Authorization header value with the RFC 6749 §2.3.1
// encoding of the client id and secret.
func basicAuth(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}
