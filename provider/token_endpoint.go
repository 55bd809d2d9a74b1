package provider

import (
	"net/http"

	"github.com/ory/fosite"
)

// supportedGrantTypes are the grants the token endpoint serves.
var supportedGrantTypes = map[string]bool{GrantTypeDeviceCode: true, "refresh_token": true}

// Token serves the token endpoint (RFC 6749 §3.2) for the device_code and refresh_token
// grants, through fosite.
func (p *Provider) Token(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()

	form, err := parseForm(w, r)
	if err != nil {
		p.writeError(ctx, w, r, err)
		return
	}

	// RFC 6749 §5.2: fosite would call an unknown grant type invalid_request.
	grant := form.Get("grant_type")
	if grant == "" {
		p.writeError(ctx, w, r, fosite.ErrInvalidRequest.WithHint("The grant_type parameter is missing."))
		return
	}
	if !supportedGrantTypes[grant] {
		p.writeError(ctx, w, r, errUnsupportedGrantType.WithHintf("The grant_type '%s' is not supported.", grant))
		return
	}

	if err := requireClientAuth(r, form); err != nil {
		p.tokenError(w, r, grant, err)
		return
	}
	req, err := p.oauth.NewAccessRequest(ctx, r, new(Session))
	if err != nil {
		p.tokenError(w, r, grant, err)
		return
	}
	resp, err := p.oauth.NewAccessResponse(ctx, req)
	if err != nil {
		p.tokenError(w, r, grant, err)
		return
	}
	p.metrics.tokenResponses.WithLabelValues(grant, "ok").Inc()
	p.oauth.WriteAccessResponse(ctx, w, req, resp)
}

// tokenError answers a token request with its OAuth error and counts the outcome.
func (p *Provider) tokenError(w http.ResponseWriter, r *http.Request, grant string, err error) {
	rfc := p.toRFC(r.Context(), err)
	p.metrics.tokenResponses.WithLabelValues(grant, rfc.ErrorField).Inc()
	p.writeRFC(r.Context(), w, r, rfc)
}
