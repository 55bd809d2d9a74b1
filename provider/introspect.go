package provider

import (
	"net/http"
	"strings"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// introspectionResponse is RFC 7662 §2.2, with Gatehouse's claims for tenant servers.
type introspectionResponse struct {
	Active    bool     `json:"active"`
	Scope     string   `json:"scope,omitempty"`
	ClientID  string   `json:"client_id,omitempty"`
	Username  string   `json:"username,omitempty"`
	TokenType string   `json:"token_type,omitempty"`
	Exp       int64    `json:"exp,omitempty"`
	Iat       int64    `json:"iat,omitempty"`
	Sub       string   `json:"sub,omitempty"`
	Aud       []string `json:"aud,omitempty"`
	Iss       string   `json:"iss,omitempty"`
	DeviceID  string   `json:"device_id,omitempty"`
	OrgID     string   `json:"org_id,omitempty"`
	OrgRole   string   `json:"org_role,omitempty"`
	TenantID  string   `json:"tenant_id,omitempty"`
	// TokenUse says which kind of token was introspected: access_token or refresh_token.
	TokenUse string `json:"token_use,omitempty"`
}

// Introspect serves token introspection (RFC 7662). Only confidential clients may ask
// (§2.1), and a tenant's client learns only about tokens issued for that tenant, so the
// endpoint cannot be used to scan for tokens (§4).
func (p *Provider) Introspect(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()

	form, err := parseForm(w, r)
	if err != nil {
		p.writeError(ctx, w, r, err)
		return
	}
	caller, err := p.authenticateClient(ctx, r, form)
	if err != nil {
		p.writeError(ctx, w, r, err)
		return
	}
	if caller.IsPublic() {
		p.writeError(ctx, w, r, fosite.ErrInvalidClient.WithHint("Public clients may not introspect tokens."))
		return
	}
	token := form.Get("token")
	if token == "" {
		p.writeError(ctx, w, r, fosite.ErrInvalidRequest.WithHint("The token parameter is missing."))
		return
	}

	// RFC 7662 §2.2: any token that is not valid, for whatever reason, is just inactive.
	sess := new(Session)
	use, req, err := p.oauth.IntrospectToken(ctx, token, fosite.TokenUse(form.Get("token_type_hint")), sess)
	if err != nil {
		if rfc, down := p.unavailable(ctx, err); down {
			p.writeRFC(ctx, w, r, rfc)
			return
		}
		writeJSON(w, http.StatusOK, introspectionResponse{Active: false})
		return
	}
	if !mayIntrospect(caller, req) {
		writeJSON(w, http.StatusOK, introspectionResponse{Active: false})
		return
	}

	s := req.GetSession().(*Session)
	tt := fosite.AccessToken
	if use == fosite.RefreshToken {
		tt = fosite.RefreshToken
	}
	resp := introspectionResponse{
		Active: true, Scope: strings.Join(req.GetGrantedScopes(), " "), ClientID: req.GetClient().GetID(),
		Username: s.Email, Exp: s.GetExpiresAt(tt).Unix(), Iat: req.GetRequestedAt().Unix(),
		Sub: s.Subject, Aud: req.GetGrantedAudience(), Iss: p.cfg.Issuer,
		DeviceID: s.DeviceID, OrgID: s.OrgID, OrgRole: s.OrgRole, TenantID: s.TenantID,
		TokenUse: string(use),
	}
	if use == fosite.AccessToken {
		resp.TokenType = "Bearer"
	}
	writeJSON(w, http.StatusOK, resp)
}

// mayIntrospect: a tenant's client sees only its own tenant's tokens.
func mayIntrospect(caller fosite.Client, req fosite.Requester) bool {
	c, ok := caller.(*storage.Client)
	if !ok || c.TenantID == "" {
		return ok
	}
	s, _ := req.GetSession().(*Session)
	return s != nil && s.TenantID == c.TenantID
}
