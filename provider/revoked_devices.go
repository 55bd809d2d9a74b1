package provider

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// revokedDevicesResponse lists the devices whose unexpired access tokens must be
// refused although their signatures still verify.
type revokedDevicesResponse struct {
	RevokedDeviceIDs []string `json:"revoked_device_ids"`
}

// RevokedDevices serves the list that tenant servers poll, every couple of seconds, to
// refuse the JWT access tokens of locked or deleted devices without asking per request.
// Only confidential clients (tenants) may read it, authenticating with HTTP Basic:
// client credentials never travel in the URL.
func (p *Provider) RevokedDevices(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()

	client, err := p.authenticateClient(ctx, r, url.Values{})
	if err != nil {
		p.writeError(ctx, w, r, err)
		return
	}
	if client.IsPublic() {
		p.writeError(ctx, w, r, fosite.ErrInvalidClient.WithHint("Only confidential clients may read the revoked devices."))
		return
	}

	// A tenant learns only about its own organization's devices.
	var ids []string
	if c, ok := client.(*storage.Client); ok && c.TenantID != "" {
		var t *storage.Tenant
		if t, err = p.store.Tenant(ctx, c.TenantID); err == nil {
			ids, err = p.store.OrgRevokedDeviceIDs(ctx, t.OrgID)
		}
	} else {
		ids, err = p.store.RevokedDeviceIDs(ctx)
	}
	if errors.Is(err, fosite.ErrNotFound) {
		// The client outlived its tenant: it no longer stands for anything.
		p.writeError(ctx, w, r, fosite.ErrInvalidClient.WithHint("This client's tenant no longer exists."))
		return
	}
	if err != nil {
		p.writeError(ctx, w, r, fosite.ErrServerError.WithWrap(err))
		return
	}
	writeJSON(w, http.StatusOK, revokedDevicesResponse{RevokedDeviceIDs: ids})
}
