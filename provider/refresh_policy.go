package provider

import (
	"context"

	"github.com/ory/fosite"
)

// refreshPolicyHandler runs after fosite's refresh handler on every refresh_token
// grant. fosite would renew the refresh token's lifetime on each refresh; Gatehouse
// ties it to the device authorization instead, so refreshing never extends it.
type refreshPolicyHandler struct{ p *Provider }

var _ fosite.TokenEndpointHandler = (*refreshPolicyHandler)(nil)

// CanHandleTokenEndpointRequest implements fosite.TokenEndpointHandler.
func (h *refreshPolicyHandler) CanHandleTokenEndpointRequest(_ context.Context, r fosite.AccessRequester) bool {
	return r.GetGrantTypes().ExactOne("refresh_token")
}

// CanSkipClientAuth implements fosite.TokenEndpointHandler.
func (h *refreshPolicyHandler) CanSkipClientAuth(context.Context, fosite.AccessRequester) bool {
	return false
}

// HandleTokenEndpointRequest refuses a grant whose authorization ended or whose person
// left the organization, refreshes the role, and clamps the lifetimes fosite just set.
func (h *refreshPolicyHandler) HandleTokenEndpointRequest(ctx context.Context, r fosite.AccessRequester) error {
	if !h.CanHandleTokenEndpointRequest(ctx, r) {
		return fosite.ErrUnknownRequest
	}
	sess, ok := r.GetSession().(*Session)
	if !ok {
		return fosite.ErrServerError.WithDebugf("session type %T", r.GetSession())
	}
	if !h.p.cfg.Now().Before(sess.AuthorizationExpiresAt) {
		return fosite.ErrInvalidGrant.WithHint("The device's authorization has ended; connect again.")
	}
	if err := h.p.refreshMembership(ctx, sess); err != nil {
		return err
	}
	h.p.setExpiries(sess)
	return nil
}

// PopulateTokenEndpointResponse tells the client when the authorization ends.
func (h *refreshPolicyHandler) PopulateTokenEndpointResponse(ctx context.Context, r fosite.AccessRequester, resp fosite.AccessResponder) error {
	if !h.CanHandleTokenEndpointRequest(ctx, r) {
		return fosite.ErrUnknownRequest
	}
	sess := r.GetSession().(*Session)
	resp.SetExtra("refresh_token_expires_in", secondsUntil(sess.AuthorizationExpiresAt, h.p.cfg.Now()))
	return nil
}
