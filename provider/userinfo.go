package provider

import (
	"fmt"
	"net/http"

	"github.com/ory/fosite"
)

// Userinfo serves the OIDC Core §5.3 UserInfo endpoint to a bearer access token
// (RFC 6750 §2.1). Tokens of a locked or deleted device are refused.
func (p *Provider) Userinfo(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()

	token, err := bearerToken(r)
	if err != nil {
		p.bearerError(w, http.StatusBadRequest, "invalid_request", "The Authorization header must be one Bearer credential.")
		return
	}
	// RFC 6750 §3.1: a request with no credentials gets a challenge without an error code.
	if token == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="gatehouse"`)
		writeJSON(w, http.StatusUnauthorized, oauthError{Error: "invalid_token",
			Description: "An access token is required in the Authorization header."})
		return
	}
	sess := new(Session)
	_, req, err := p.oauth.IntrospectToken(ctx, token, fosite.AccessToken, sess)
	if err != nil {
		if rfc, down := p.unavailable(ctx, err); down {
			p.writeRFC(ctx, w, r, rfc)
			return
		}
		p.bearerError(w, http.StatusUnauthorized, "invalid_token", "The access token is invalid, expired or revoked.")
		return
	}
	if !req.GetGrantedScopes().Has("openid") {
		p.bearerError(w, http.StatusForbidden, "insufficient_scope", "The access token lacks the openid scope.")
		return
	}

	s := req.GetSession().(*Session)
	claims := map[string]any{"sub": s.Subject}
	if req.GetGrantedScopes().Has("email") {
		claims["email"] = s.Email
		claims["email_verified"] = false
	}
	if req.GetGrantedScopes().Has("profile") {
		claims["name"] = s.Name
	}
	for k, v := range map[string]string{"org_id": s.OrgID, "org_role": s.OrgRole, "tenant_id": s.TenantID} {
		if v != "" {
			claims[k] = v
		}
	}
	writeJSON(w, http.StatusOK, claims)
}

// bearerError answers per RFC 6750 §3 with a WWW-Authenticate challenge.
func (p *Provider) bearerError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("WWW-Authenticate",
		fmt.Sprintf(`Bearer realm="gatehouse", error=%q, error_description=%q`, code, desc))
	writeJSON(w, status, oauthError{Error: code, Description: desc})
}
