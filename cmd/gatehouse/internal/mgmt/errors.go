package mgmt

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Error codes of the management API, the "error" member of an error answer.
const (
	CodeInvalidRequest = "invalid_request"         // 400
	CodeInvalidToken   = "invalid_token"           // 401
	CodeForbidden      = "forbidden"               // 403
	CodeNotFound       = "not_found"               // 404
	CodeConflict       = "conflict"                // 409
	CodeLastAdmin      = "last_admin"              // 409
	CodeUnavailable    = "temporarily_unavailable" // 503
)

// Kind names what a request's path points at. It picks the message of a 404.
type Kind string

// The kinds of things the API manages.
const (
	KindOrg        Kind = "organization"
	KindMember     Kind = "member"
	KindInvitation Kind = "invitation"
	KindTenant     Kind = "tenant"
	KindDevice     Kind = "authorized device"
	// KindOther is a path that names no single thing, such as /me or /audit.
	KindOther Kind = ""
)

// APIError is an answer of the management API outside 2xx. Its fields come from the
// JSON error body {"error", "error_description", "permission", "field"}; a body that is
// not JSON leaves them empty.
type APIError struct {
	// Status is the HTTP status code.
	Status int
	// Code is the error code, such as "forbidden"; see the Code constants.
	Code string
	// Description is the server's explanation, written for people.
	Description string
	// Permission is the permission a 403 lacked, such as "members:manage".
	Permission string
	// Field is the request field a 400 is about.
	Field string
	// RetryAfter is the Retry-After header of a 503, as sent.
	RetryAfter string

	// Server is the Gatehouse the request went to.
	Server string
	// Kind is what the request's path named.
	Kind Kind
}

// Error implements error.
func (e *APIError) Error() string {
	msg := fmt.Sprintf("mgmt: %s answered %d", e.Server, e.Status)
	if e.Code != "" {
		msg += " " + e.Code
	}
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return msg
}

// newAPIError reads the error answer resp.
func newAPIError(server string, kind Kind, resp *http.Response) *APIError {
	e := &APIError{Status: resp.StatusCode, Server: server, Kind: kind,
		RetryAfter: resp.Header.Get("Retry-After")}
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
		Permission  string `json:"permission"`
		Field       string `json:"field"`
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBytes))
	if json.Unmarshal(data, &body) == nil {
		e.Code, e.Description, e.Permission, e.Field = body.Error, body.Description,
			body.Permission, body.Field
	}
	return e
}

// TransportError is a request that got no HTTP answer: the server could not be
// reached, the context ended, or the access token could not be had (Err then wraps
// client.ErrNotConnected or client.ErrSessionEnded).
type TransportError struct {
	Server string
	Err    error
}

// Error implements error.
func (e *TransportError) Error() string {
	return "mgmt: request to " + e.Server + " failed: " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }

// RefError is a name or id given on the command line that matches nothing, or more
// than one thing, among what the API listed.
type RefError struct {
	Kind Kind
	// Ref is what the user typed.
	Ref string
	// Matches are the ids of the things named Ref when there are several; empty when
	// nothing matched.
	Matches []string
}

// Error implements error.
func (e *RefError) Error() string {
	if len(e.Matches) > 1 {
		return fmt.Sprintf("mgmt: %q names %d %ss: %s", e.Ref, len(e.Matches), e.Kind,
			strings.Join(e.Matches, ", "))
	}
	return fmt.Sprintf("mgmt: no %s %q", e.Kind, e.Ref)
}

// ErrNoOrg is returned when an organization is needed, none was given, and the user
// belongs to none.
var ErrNoOrg = errors.New("mgmt: not a member of any organization")

// ChooseError is returned when a choice is needed among several: several
// organizations and no --org, or several Gatehouse connections and no --server.
type ChooseError struct {
	// What is chosen among: "organizations" or "Gatehouse connections".
	What string
	// Options are what could be chosen, as the user would type them.
	Options []string
	// Flag is the flag that chooses, such as "--org".
	Flag string
}

// Error implements error.
func (e *ChooseError) Error() string {
	return fmt.Sprintf("mgmt: %d %s (%s); choose one with %s", len(e.Options), e.What,
		strings.Join(e.Options, ", "), e.Flag)
}

// connectHint is what to run to get a Gatehouse connection; server fills in URL when
// known.
func connectHint(server string) string {
	if server == "" {
		server = "URL"
	}
	return "run gatehouse connect --url " + server
}
