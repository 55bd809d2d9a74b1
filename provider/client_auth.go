package provider

import (
	"context"
	"net/http"
	"net/url"

	"github.com/ory/fosite"
)

// errNoClientAuth is RFC 6749 §5.2 invalid_client for a request that names no client
// at all; fosite would call it invalid_request.
var errNoClientAuth = fosite.ErrInvalidClient.WithHint(
	"No client authentication was included: send HTTP Basic credentials or client_id.")

// requireClientAuth refuses a request with neither an Authorization header nor a
// client_id parameter.
func requireClientAuth(r *http.Request, form url.Values) error {
	if r.Header.Get("Authorization") == "" && form.Get("client_id") == "" {
		return errNoClientAuth
	}
	// RFC 6749 §2.3: a client uses one authentication method per request; a body
	// client_id naming another client than the Basic credentials is refused, where
	// fosite would silently prefer Basic.
	if id, _, ok := r.BasicAuth(); ok && form.Get("client_id") != "" {
		if decoded, err := url.QueryUnescape(id); err != nil || decoded != form.Get("client_id") {
			return fosite.ErrInvalidRequest.WithHint("The client_id in the body does not match the HTTP Basic credentials.")
		}
	}
	return nil
}

// authenticateClient applies fosite's client authentication (RFC 6749 §2.3) after
// requireClientAuth, so that every endpoint answers a missing client the same way.
func (p *Provider) authenticateClient(ctx context.Context, r *http.Request, form url.Values) (fosite.Client, error) {
	if err := requireClientAuth(r, form); err != nil {
		return nil, err
	}
	return p.oauth.AuthenticateClient(ctx, r, form)
}
