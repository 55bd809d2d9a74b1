// Package client is the command-line side of Gatehouse: it discovers a server, signs a
// terminal in with the OAuth 2.0 device authorization grant (RFC 8628), keeps the
// resulting credentials on disk, refreshes them and revokes them.
//
// The cobra commands in cmd/gatehouse are thin wrappers around this package; later
// management commands reuse [Store.Token], [Store.TokenSource] and [Store.Client] to
// get a valid bearer token for a stored connection.
package client

import (
	"context"
	"net/http"
	"runtime"
	"time"

	"golang.org/x/oauth2"
)

// ClientID is the OAuth 2.0 client identifier of the Gatehouse command-line tool. It is
// a public client (RFC 6749 §2.1): it has no secret and authenticates with client_id
// alone.
const ClientID = "gatehouse-cli"

// ClientName is sent as device_client_name in the device authorization request.
const ClientName = "gatehouse-cli"

// Scopes are requested on every device authorization. offline_access asks for a
// refresh token (OIDC Core §11).
var Scopes = []string{"openid", "profile", "email", "offline_access"}

// Version is the version of the command-line tool, sent in the User-Agent and as
// device_client_version. Release builds set it with
// -ldflags "-X github.com/gatehouse-auth/gatehouse/cmd/gatehouse/internal/client.Version=v1.2.3".
var Version = "dev"

// requestTimeout bounds each HTTP request to the server, including each device
// authorization poll.
const requestTimeout = 30 * time.Second

// UserAgent returns the User-Agent header the tool sends, for example
// "gatehouse-cli/dev (linux; amd64)".
func UserAgent() string {
	return ClientName + "/" + Version + " (" + runtime.GOOS + "; " + runtime.GOARCH + ")"
}

// NewHTTPClient returns the HTTP client used for every request to a server: it sets
// [UserAgent] on each request and times requests out after 30 seconds. It is safe for
// concurrent use.
func NewHTTPClient() *http.Client {
	return &http.Client{
		Timeout:   requestTimeout,
		Transport: &userAgentTransport{base: http.DefaultTransport},
	}
}

// userAgentTransport sets the User-Agent header on every request it forwards.
type userAgentTransport struct {
	base http.RoundTripper
}

// RoundTrip implements http.RoundTripper without mutating the caller's request.
func (t *userAgentTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("User-Agent", UserAgent())
	return t.base.RoundTrip(req)
}

// withHTTPClient makes x/oauth2 send its requests through hc.
func withHTTPClient(ctx context.Context, hc *http.Client) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, hc)
}

// orDefault returns hc, or a new [NewHTTPClient] when hc is nil.
func orDefault(hc *http.Client) *http.Client {
	if hc != nil {
		return hc
	}
	return NewHTTPClient()
}
