package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/rbac"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// The API's errors, one per error code. Each answer derives a copy with
// WithDescription or WithWrap; these values are never mutated.
var (
	errInvalidRequest = &fosite.RFC6749Error{ErrorField: "invalid_request",
		DescriptionField: "The request is malformed.", CodeField: http.StatusBadRequest}
	errInvalidToken = &fosite.RFC6749Error{ErrorField: "invalid_token",
		DescriptionField: "The access token is missing, invalid, expired or revoked.",
		CodeField:        http.StatusUnauthorized}
	errForbidden = &fosite.RFC6749Error{ErrorField: "forbidden",
		DescriptionField: "Your role in the organization does not allow this.",
		CodeField:        http.StatusForbidden}
	errNotFound = &fosite.RFC6749Error{ErrorField: "not_found",
		DescriptionField: "Not found.", CodeField: http.StatusNotFound}
	errConflict = &fosite.RFC6749Error{ErrorField: "conflict",
		DescriptionField: "The request conflicts with the current state.", CodeField: http.StatusConflict}
	errLastAdmin = &fosite.RFC6749Error{ErrorField: "last_admin",
		DescriptionField: "The organization's last admin cannot be demoted or removed; " +
			"make someone else admin first.",
		CodeField: http.StatusConflict}
	errMethodNotAllowed = &fosite.RFC6749Error{ErrorField: "invalid_request",
		DescriptionField: "This method is not allowed here.", CodeField: http.StatusMethodNotAllowed}
	errUnavailable = &fosite.RFC6749Error{ErrorField: "temporarily_unavailable",
		DescriptionField: "Gatehouse is temporarily unable to handle the request; retry shortly.",
		CodeField:        http.StatusServiceUnavailable}
	// errServerError has no description: a client learns nothing of the internals.
	errServerError = &fosite.RFC6749Error{ErrorField: "server_error",
		CodeField: http.StatusInternalServerError}
)

// retryAfter is the Retry-After of a 503, in seconds.
const retryAfter = "5"

// problem is an error the API answers with: one of the errors above, plus the
// permission a 403 lacks, the request field a 400 is about, the RFC 6750 §3
// challenge of a 401, or how long a 429 must wait.
type problem struct {
	rfc        *fosite.RFC6749Error
	permission rbac.Permission
	field      string
	challenge  string
	retryAfter time.Duration
}

// Error implements error.
func (p *problem) Error() string { return "api: " + p.rfc.ErrorField + ": " + p.rfc.GetDescription() }

// Unwrap returns the RFC 6749 error, whose own Unwrap is the internal cause.
func (p *problem) Unwrap() error { return p.rfc }

// badRequest is a 400 about field (empty when the problem is the whole body).
func badRequest(field, format string, args ...any) *problem {
	return &problem{rfc: errInvalidRequest.WithDescription(fmt.Sprintf(format, args...)), field: field}
}

// notFound is a 404 saying what was not found.
func notFound(what string) *problem {
	return &problem{rfc: errNotFound.WithDescription(what + " not found.")}
}

// conflict is a 409 saying why.
func conflict(why string) *problem {
	return &problem{rfc: errConflict.WithDescription(why)}
}

// errorBody is the JSON body of every error answer.
type errorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
	Permission  string `json:"permission,omitempty"`
	Field       string `json:"field,omitempty"`
}

// classify turns any error a handler returns into the problem the client sees. Store
// and rbac outcomes map to their codes; anything else is a server error, or 503 when
// Redis cannot be reached.
func (a *API) classify(ctx context.Context, err error) *problem {
	var p *problem
	var perm *rbac.PermissionError
	switch {
	case errors.As(err, &p):
		return p
	case errors.As(err, &perm):
		desc := fmt.Sprintf("Your role in the organization lacks the permission %s.", perm.Permission)
		return &problem{rfc: errForbidden.WithDescription(desc), permission: perm.Permission}
	case errors.Is(err, rbac.ErrSelfPromotion):
		return &problem{rfc: errForbidden.WithDescription("Nobody can raise their own role.")}
	case errors.Is(err, rbac.ErrLastAdmin):
		return &problem{rfc: errLastAdmin.WithWrap(err)}
	case errors.Is(err, storage.ErrConflict):
		return conflict("The membership changed while the request ran; nothing was written. Retry.")
	case errors.Is(err, storage.ErrAlreadyMember):
		return conflict("That person is already a member of the organization.")
	case errors.Is(err, storage.ErrInvitationPending):
		return conflict("That email already has a pending invitation; resend it instead.")
	case errors.Is(err, storage.ErrInvitationUsed):
		return conflict("The invitation is no longer pending.")
	case errors.Is(err, storage.ErrAmbiguousPrefix):
		return conflict("The id prefix matches more than one device; give more of the id.")
	case errors.Is(err, storage.ErrDeviceState):
		return conflict("The device is not in a status that allows this.")
	case errors.Is(err, storage.ErrLockedByAdmin):
		return conflict("An organization admin locked this device; only an admin can unlock it.")
	case errors.Is(err, storage.ErrExists):
		return conflict("It already exists.")
	case errors.Is(err, storage.ErrNotMember):
		return notFound("Member")
	case errors.Is(err, fosite.ErrNotFound):
		return notFound("The resource was")
	case a.redisDown(ctx, err):
		return &problem{rfc: errUnavailable.WithWrap(err)}
	}
	return &problem{rfc: errServerError.WithWrap(err)}
}

// redisDown tells whether err came from, or happened while, Redis was unreachable.
func (a *API) redisDown(ctx context.Context, err error) bool {
	if storage.IsUnavailable(err) {
		return true
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 500*time.Millisecond)
	defer cancel()
	return a.store.Ping(ctx) != nil
}

// writeError answers with err as JSON and logs it: a client's mistake at debug, a
// refused decision at info, an outage or a bug at error with its cause.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, c *caller, err error) {
	ctx := r.Context()
	p := a.classify(ctx, err)
	status := p.rfc.CodeField

	level := slog.LevelDebug
	switch {
	case status >= 500:
		level = slog.LevelError
	case status == http.StatusForbidden || status == http.StatusConflict:
		level = slog.LevelInfo
	}
	attrs := []any{"method", r.Method, "path", r.URL.Path, "status", status, "error", p.rfc.ErrorField}
	if c != nil {
		attrs = append(attrs, "user_id", c.userID)
		if c.orgID != "" {
			attrs = append(attrs, "org_id", c.orgID, "role", string(c.role))
		}
	}
	if p.permission != "" {
		attrs = append(attrs, "permission", string(p.permission))
	}
	if cause := errors.Unwrap(p.rfc); cause != nil {
		attrs = append(attrs, "cause", cause.Error())
	}
	msg := "api request refused"
	if status >= 500 {
		msg = "api request failed"
	}
	a.log.Log(ctx, level, msg, attrs...)

	switch status {
	case http.StatusUnauthorized:
		// RFC 6750 §3: the challenge; with error="invalid_token" once a token was sent.
		challenge := p.challenge
		if challenge == "" {
			challenge = `Bearer realm="gatehouse", error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", retryAfter)
	case http.StatusTooManyRequests:
		// RFC 9110 §10.2.3: whole seconds, rounded up so that a retry is not early.
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(p.retryAfter.Seconds()))))
	}
	writeJSON(w, status, errorBody{Error: p.rfc.ErrorField, Description: p.rfc.GetDescription(),
		Permission: string(p.permission), Field: p.field})
}
