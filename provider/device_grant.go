package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// pollPacing: a poll up to half a second early still counts as on time, so that a
// client keeping the interval with ordinary jitter is never slowed down; slow_down
// adds 5 seconds (RFC 8628 §3.5).
var pollPacing = storage.PollPacing{Tolerance: 500 * time.Millisecond, Step: 5 * time.Second}

// deviceGrantHandler is the RFC 8628 §3.4-3.5 device_code grant on fosite's token
// endpoint.
type deviceGrantHandler struct{ p *Provider }

var _ fosite.TokenEndpointHandler = (*deviceGrantHandler)(nil)

// CanHandleTokenEndpointRequest implements fosite.TokenEndpointHandler.
func (h *deviceGrantHandler) CanHandleTokenEndpointRequest(_ context.Context, r fosite.AccessRequester) bool {
	return r.GetGrantTypes().ExactOne(GrantTypeDeviceCode)
}

// CanSkipClientAuth implements fosite.TokenEndpointHandler: the client authenticates
// (RFC 8628 §3.4); a public client does so with its client_id.
func (h *deviceGrantHandler) CanSkipClientAuth(context.Context, fosite.AccessRequester) bool {
	return false
}

// HandleTokenEndpointRequest decides the poll. Only the one poll that finds the code
// approved gets past here; it has consumed the code atomically.
func (h *deviceGrantHandler) HandleTokenEndpointRequest(ctx context.Context, r fosite.AccessRequester) error {
	if !h.CanHandleTokenEndpointRequest(ctx, r) {
		return fosite.ErrUnknownRequest
	}
	client := r.GetClient()
	if !client.GetGrantTypes().Has(GrantTypeDeviceCode) {
		return fosite.ErrUnauthorizedClient.WithHint("This client may not use the device_code grant.")
	}
	code := r.GetRequestForm().Get("device_code")
	if code == "" {
		return fosite.ErrInvalidRequest.WithHint("The device_code parameter is missing.")
	}

	res, err := h.p.store.PollDeviceCode(ctx, code, client.GetID(), pollPacing)
	if err != nil {
		return fosite.ErrServerError.WithWrap(err)
	}

	// RFC 8628 §3.5: one answer per state.
	switch res.Outcome {
	case storage.PollPending:
		return errAuthorizationPending
	case storage.PollSlowDown:
		return errSlowDown.WithHintf("The interval is now %d seconds.", int(res.Interval.Seconds()))
	case storage.PollDenied:
		return errAccessDenied
	case storage.PollExpired:
		return errExpiredToken
	case storage.PollNotFound, storage.PollWrongClient:
		return fosite.ErrInvalidGrant.WithHint("The device_code is unknown, or was issued to another client.")
	case storage.PollConsumed:
		// A code is exchanged once; a replay suggests it leaked, so the tokens it gave
		// are revoked (as RFC 6749 §4.1.2 does for authorization codes).
		if err := h.p.store.RevokeGrant(ctx, res.Request.ID); err != nil {
			return fosite.ErrServerError.WithWrap(err)
		}
		h.p.log.WarnContext(ctx, "device code replayed; its tokens are revoked",
			"client_id", client.GetID(), "device_id", res.Request.ID)
		h.p.audit(ctx, storage.AuditEvent{Type: storage.AuditDeviceCodeReplay,
			DeviceID: res.Request.ID, IP: clientIP(ctx), Detail: "device_code presented again"})
		return fosite.ErrInvalidGrant.WithHint("The device_code was already used; the tokens it gave are revoked.")
	case storage.PollApproved:
		return h.grant(ctx, r, res.Request)
	}
	return fosite.ErrServerError.WithDebugf("unknown poll outcome %q", res.Outcome)
}

// grant fills the access request from the approved device request.
func (h *deviceGrantHandler) grant(ctx context.Context, r fosite.AccessRequester, dr *storage.DeviceRequest) error {
	a := dr.Approval
	if a == nil {
		return fosite.ErrServerError.WithDebug("approved device request without approval")
	}
	user, err := h.p.store.User(ctx, a.UserID)
	if err != nil {
		return fosite.ErrServerError.WithWrap(err).WithDebug("approving user is gone")
	}

	sess, ok := r.GetSession().(*Session)
	if !ok {
		return fosite.ErrServerError.WithDebugf("session type %T", r.GetSession())
	}
	*sess = Session{
		Subject: user.ID, ClientID: dr.ClientID, DeviceID: dr.ID, Email: user.Email,
		Name: user.Name, OrgID: a.OrgID, OrgRole: a.OrgRole, TenantID: a.TenantID,
		AuthorizationExpiresAt: a.ExpiresAt,
	}
	sess.IDTokenClaims().AuthTime = a.AuthTime
	sess.IDTokenClaims().RequestedAt = dr.CreatedAt
	h.p.setExpiries(sess)

	// Every token of the grant shares the device request's id, so that revoking the
	// request (RFC 7009, reuse detection, device lock) finds them all.
	r.SetID(dr.ID)
	r.SetRequestedScopes(dr.Scopes)
	for _, s := range dr.Scopes {
		r.GrantScope(s)
	}
	r.SetRequestedAudience(dr.Resource)
	for _, aud := range h.p.audience(dr.Resource) {
		r.GrantAudience(aud)
	}
	return nil
}

// audience is the token's aud: the tenant it was asked for (RFC 8707), else Gatehouse.
func (p *Provider) audience(resources []string) []string {
	if len(resources) == 0 {
		return []string{p.cfg.Issuer}
	}
	return resources
}

// setExpiries ties the token lifetimes to the authorization: the refresh token ends
// exactly when it does, and no access token outlives it.
func (p *Provider) setExpiries(sess *Session) {
	now := p.cfg.Now().UTC()
	at := now.Add(p.cfg.AccessTokenLifetime)
	if at.After(sess.AuthorizationExpiresAt) {
		at = sess.AuthorizationExpiresAt
	}
	// JWT times are whole seconds, truncated: exp never passes the authorization.
	sess.SetExpiresAt(fosite.AccessToken, at)
	sess.SetExpiresAt(fosite.RefreshToken, sess.AuthorizationExpiresAt)
	idExp := now.Add(p.cfg.IDTokenLifetime)
	if idExp.After(sess.AuthorizationExpiresAt) {
		idExp = sess.AuthorizationExpiresAt
	}
	sess.SetExpiresAt(fosite.IDToken, idExp)
}

// PopulateTokenEndpointResponse issues the grant's tokens: a JWT access token, an
// opaque refresh token when offline_access was granted, an ID token for openid.
func (h *deviceGrantHandler) PopulateTokenEndpointResponse(ctx context.Context, r fosite.AccessRequester, resp fosite.AccessResponder) error {
	if !h.CanHandleTokenEndpointRequest(ctx, r) {
		return fosite.ErrUnknownRequest
	}
	p := h.p
	sess := r.GetSession().(*Session)

	access, accessSig, err := p.access.GenerateAccessToken(ctx, r)
	if err != nil {
		return fosite.ErrServerError.WithWrap(err)
	}
	stored := r.Sanitize(nil)
	stored.SetID(r.GetID())
	if err := p.store.CreateAccessTokenSession(ctx, accessSig, stored); err != nil {
		return fosite.ErrServerError.WithWrap(err)
	}
	resp.SetAccessToken(access)
	resp.SetTokenType("Bearer")
	resp.SetExpiresIn(time.Until(sess.GetExpiresAt(fosite.AccessToken)).Round(time.Second))
	resp.SetScopes(r.GetGrantedScopes())

	if r.GetGrantedScopes().Has("offline_access") {
		refresh, refreshSig, err := p.access.GenerateRefreshToken(ctx, r)
		if err != nil {
			return fosite.ErrServerError.WithWrap(err)
		}
		if err := p.store.CreateRefreshTokenSession(ctx, refreshSig, accessSig, stored); err != nil {
			return fosite.ErrServerError.WithWrap(err)
		}
		resp.SetExtra("refresh_token", refresh)
		resp.SetExtra("refresh_token_expires_in", secondsUntil(sess.AuthorizationExpiresAt, p.cfg.Now()))
	}

	if r.GetGrantedScopes().Has("openid") {
		lifetime := time.Until(sess.GetExpiresAt(fosite.IDToken))
		idToken, err := p.idToken.GenerateIDToken(ctx, lifetime, r)
		if err != nil {
			return fosite.ErrServerError.WithWrap(err)
		}
		resp.SetExtra("id_token", idToken)
	}

	p.log.InfoContext(ctx, "device code exchanged for tokens",
		"client_id", r.GetClient().GetID(), "device_id", sess.DeviceID, "sub", sess.Subject,
		"scope", fmt.Sprint(r.GetGrantedScopes()))
	return nil
}

func secondsUntil(t, now time.Time) int64 {
	return int64(t.Sub(now).Round(time.Second).Seconds())
}
