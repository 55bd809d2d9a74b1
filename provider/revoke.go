package provider

import (
	"errors"
	"net/http"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// Revoke serves token revocation (RFC 7009) through fosite: revoking either token of a
// grant revokes the whole grant (§2.1), and an unknown token still gets 200 (§2.2).
// Revoking a device's token ends the device too: that is what `gatehouse logout` does.
func (p *Provider) Revoke(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()

	form, err := parseForm(w, r)
	if err != nil {
		p.writeError(ctx, w, r, err)
		return
	}

	if err := requireClientAuth(r, form); err != nil {
		p.writeError(ctx, w, r, err)
		return
	}

	// RFC 7009 §2.1: token is required.
	if form.Get("token") == "" {
		p.writeError(ctx, w, r, fosite.ErrInvalidRequest.WithHint("The token parameter is missing."))
		return
	}

	// Find the device before fosite deletes the token that names it.
	var deviceID, ownerID string
	_, req, err := p.oauth.IntrospectToken(ctx, form.Get("token"), fosite.TokenUse(form.Get("token_type_hint")), new(Session))
	if err == nil {
		if s, ok := req.GetSession().(*Session); ok {
			deviceID, ownerID = s.DeviceID, s.Subject
		}
	}

	if err := p.oauth.NewRevocationRequest(ctx, r); err != nil {
		p.writeError(ctx, w, r, err)
		return
	}

	// The tokens are revoked already, so the client gets its 200 either way; a device
	// left behind by a failed delete is worth an operator's look.
	if deviceID != "" {
		err := p.store.DeleteDevice(ctx, deviceID)
		switch {
		case err == nil:
			p.audit(ctx, storage.AuditEvent{Type: storage.AuditDeviceDeleted, ActorID: ownerID,
				DeviceID: deviceID, IP: clientIPFromRequest(r), Detail: "token revoked by the client (logout)"})
		case !errors.Is(err, fosite.ErrNotFound):
			p.log.ErrorContext(ctx, "device not deleted after revocation", "device_id", deviceID, "error", err)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}
