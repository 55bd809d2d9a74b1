package provider

import (
	"net/http"
)

// Revoke serves token revocation (RFC 7009) through fosite: revoking either token of a
// grant revokes the whole grant (§2.1), and an unknown token still gets 200 (§2.2).
func (p *Provider) Revoke(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()

	if _, err := parseForm(w, r); err != nil {
		p.writeError(ctx, w, r, err, true)
		return
	}
	err := p.oauth.NewRevocationRequest(ctx, r)
	if err != nil {
		p.writeError(ctx, w, r, err, true)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}
