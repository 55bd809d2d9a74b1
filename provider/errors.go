package provider

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// RFC 8628 §3.5 device grant errors, which fosite v0.49 lacks. Each use derives a copy
// with WithHint; these values are never mutated.
var (
	errAuthorizationPending = &fosite.RFC6749Error{
		ErrorField:       "authorization_pending",
		DescriptionField: "The authorization request is still pending: the person has not yet approved or denied it.",
		CodeField:        http.StatusBadRequest,
	}
	errSlowDown = &fosite.RFC6749Error{
		ErrorField:       "slow_down",
		DescriptionField: "The client is polling too quickly: add 5 seconds to the interval (RFC 8628 §3.5).",
		CodeField:        http.StatusBadRequest,
	}
	errExpiredToken = &fosite.RFC6749Error{
		ErrorField:       "expired_token",
		DescriptionField: "The device_code has expired; start a new device authorization request.",
		CodeField:        http.StatusBadRequest,
	}
	errAccessDenied = &fosite.RFC6749Error{
		ErrorField:       "access_denied",
		DescriptionField: "The person denied the authorization request.",
		CodeField:        http.StatusBadRequest,
	}
	// RFC 6749 §5.2: fosite answers an unknown grant_type with invalid_request.
	errUnsupportedGrantType = &fosite.RFC6749Error{
		ErrorField:       "unsupported_grant_type",
		DescriptionField: "The authorization grant type is not supported by the authorization server.",
		CodeField:        http.StatusBadRequest,
	}
	// RFC 8707 §2: an unknown or malformed resource indicator.
	errInvalidTarget = &fosite.RFC6749Error{
		ErrorField:       "invalid_target",
		DescriptionField: "The requested resource is invalid, unknown, or malformed.",
		CodeField:        http.StatusBadRequest,
	}
	errTemporarilyUnavailable = &fosite.RFC6749Error{
		ErrorField:       "temporarily_unavailable",
		DescriptionField: "The authorization server is temporarily unable to handle the request.",
		CodeField:        http.StatusServiceUnavailable,
	}
	errRequestTooLarge = &fosite.RFC6749Error{
		ErrorField:       "invalid_request",
		DescriptionField: "The request body is larger than the server accepts.",
		CodeField:        http.StatusRequestEntityTooLarge,
	}
)

// oauthError is the JSON body of an OAuth error response (RFC 6749 §5.2).
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// toRFC converts any error to the OAuth error a client sees. A server error whose cause
// is an unreachable Redis becomes 503 temporarily_unavailable, so clients retry. It
// pings Redis only for a server error whose cause does not already say so.
func (p *Provider) toRFC(ctx context.Context, err error) *fosite.RFC6749Error {
	rfc := fosite.ErrorToRFC6749Error(err)
	if rfc.ErrorField == errTemporarilyUnavailable.ErrorField {
		return rfc
	}
	// fosite reports a failed storage lookup under several codes (invalid_client,
	// request_unauthorized, server_error); the cause it wraps tells an outage apart.
	if storage.IsUnavailable(err) {
		return errTemporarilyUnavailable.WithWrap(err)
	}
	if rfc.ErrorField == fosite.ErrServerError.ErrorField && p.pingFails(ctx) {
		return errTemporarilyUnavailable.WithWrap(err)
	}
	return rfc
}

// unavailable tells whether err, converted by toRFC, is temporarily_unavailable.
func (p *Provider) unavailable(ctx context.Context, err error) (*fosite.RFC6749Error, bool) {
	rfc := p.toRFC(ctx, err)
	return rfc, rfc.ErrorField == errTemporarilyUnavailable.ErrorField
}

// pingFails tells whether Redis is unreachable now, within half a second.
func (p *Provider) pingFails(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 500*time.Millisecond)
	defer cancel()
	return p.store.Ping(ctx) != nil
}

// writeError converts err with toRFC and answers with it, as writeRFC does.
func (p *Provider) writeError(ctx context.Context, w http.ResponseWriter, r *http.Request, err error) {
	p.writeRFC(ctx, w, r, p.toRFC(ctx, err))
}

// writeRFC answers with an OAuth error already converted by toRFC, as JSON. Every
// endpoint here answers the way RFC 6749 §5.2 asks of the token endpoint: 400, except
// invalid_client (401) and temporarily_unavailable (503).
func (p *Provider) writeRFC(ctx context.Context, w http.ResponseWriter, r *http.Request, rfc *fosite.RFC6749Error) {
	status := tokenErrorStatus(rfc)

	level := p.logLevelFor(rfc)
	p.log.Log(ctx, level, "oauth error",
		"path", r.URL.Path, "error", rfc.ErrorField, "status", status, "debug", rfc.GetDescription(),
		"cause", rootCause(rfc))

	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="gatehouse"`)
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	writeJSON(w, status, oauthError{Error: rfc.ErrorField, Description: rfc.GetDescription()})
}

func tokenErrorStatus(rfc *fosite.RFC6749Error) int {
	switch rfc.ErrorField {
	case fosite.ErrInvalidClient.ErrorField:
		return http.StatusUnauthorized
	case errTemporarilyUnavailable.ErrorField:
		return http.StatusServiceUnavailable
	case fosite.ErrServerError.ErrorField:
		return http.StatusInternalServerError
	case errRequestTooLarge.ErrorField:
		if rfc.CodeField == http.StatusRequestEntityTooLarge {
			return rfc.CodeField
		}
	}
	return http.StatusBadRequest
}

// logLevelFor: a pending poll is routine, a client mistake is info, an outage is an
// error.
func (p *Provider) logLevelFor(rfc *fosite.RFC6749Error) slog.Level {
	switch rfc.ErrorField {
	case errAuthorizationPending.ErrorField, errSlowDown.ErrorField:
		return slog.LevelDebug
	case fosite.ErrServerError.ErrorField, errTemporarilyUnavailable.ErrorField:
		return slog.LevelError
	}
	return slog.LevelInfo
}

// writeJSON writes v with the no-store headers every token-bearing response needs
// (RFC 6749 §5.1).
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeJSONCached writes public JSON that caches may keep for five minutes (discovery,
// JWKS).
func writeJSONCached(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(v)
}

// rootCause is the message of the innermost error under err, such as the Redis dial
// error behind fosite's invalid_client, as one line without a stack trace.
func rootCause(err error) string {
	inner := errors.Unwrap(err)
	if inner == nil {
		return ""
	}
	for next := errors.Unwrap(inner); next != nil; next = errors.Unwrap(next) {
		inner = next
	}
	return inner.Error()
}
