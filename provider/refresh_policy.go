package provider

import (
	"context"
	"slices"
	"strings"

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
	if err := checkRefreshNarrowing(r); err != nil {
		return err
	}
	if !h.p.cfg.Now().Before(sess.AuthorizationExpiresAt) {
		return fosite.ErrInvalidGrant.WithHint("The device's authorization has ended; connect again.")
	}
	if err := h.p.refreshMembership(ctx, sess); err != nil {
		return err
	}
	h.p.setExpiries(sess)

	// last_seen_at and the address are kept up to date at refresh, the one moment the
	// device talks to Gatehouse.
	if err := h.p.store.TouchDevice(ctx, sess.DeviceID, clientIP(ctx)); err != nil {
		return fosite.ErrServerError.WithWrap(err)
	}
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

// checkRefreshNarrowing applies RFC 6749 §6 and RFC 8707 §2.2 to what a refresh
// request asks for: a scope the grant does not hold is invalid_scope, and a resource
// other than the grant's own audience is invalid_target.
//
// TODO: a narrower scope is accepted but the new tokens keep the grant's full scope;
// narrowing only the access token needs fosite to store the refresh token's scope
// apart from the access token's.
func checkRefreshNarrowing(r fosite.AccessRequester) error {
	form := r.GetRequestForm()
	for _, s := range fosite.RemoveEmpty(strings.Split(form.Get("scope"), " ")) {
		if !r.GetGrantedScopes().Has(s) {
			return fosite.ErrInvalidScope.WithHintf("The scope '%s' was not granted to this refresh token.", s)
		}
	}
	for _, res := range form["resource"] {
		if !slices.Contains(r.GetGrantedAudience(), strings.TrimRight(res, "/")) {
			return errInvalidTarget.WithHintf("This grant is for %v, not for '%s'.", []string(r.GetGrantedAudience()), res)
		}
	}
	return nil
}
