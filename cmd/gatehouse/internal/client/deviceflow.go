package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// ErrDenied is returned when the user denied the request in the browser (RFC 8628 §3.5
// access_denied).
var ErrDenied = errors.New("client: the request was denied in the browser")

// ErrExpired is returned when the device code expired before the user approved it
// (RFC 8628 §3.5 expired_token, or expires_in elapsed while polling).
var ErrExpired = errors.New("client: the code expired before it was approved")

// DeviceInfo describes this machine to the server as Gatehouse's device_* parameters
// of the device authorization request. Empty fields are not sent.
type DeviceInfo struct {
	Hostname      string // device_hostname
	OS            string // device_os, as GOOS/GOARCH
	ClientName    string // device_client_name
	ClientVersion string // device_client_version
}

// CurrentDevice returns the DeviceInfo of the running program.
func CurrentDevice() DeviceInfo {
	host, _ := os.Hostname() // optional: an unknown host name is simply not sent
	return DeviceInfo{
		Hostname:      host,
		OS:            runtime.GOOS + "/" + runtime.GOARCH,
		ClientName:    ClientName,
		ClientVersion: Version,
	}
}

// params returns d as authorization request options.
func (d DeviceInfo) params() []oauth2.AuthCodeOption {
	var opts []oauth2.AuthCodeOption
	for _, p := range [][2]string{
		{"device_hostname", d.Hostname},
		{"device_os", d.OS},
		{"device_client_name", d.ClientName},
		{"device_client_version", d.ClientVersion},
	} {
		if p[1] != "" {
			opts = append(opts, oauth2.SetAuthURLParam(p[0], p[1]))
		}
	}
	return opts
}

// DeviceAuth is a device authorization that waits for the user's approval. Show
// VerificationURI and UserCode (or VerificationURIComplete) to the user, then call Wait.
type DeviceAuth struct {
	// UserCode is the code the user enters at VerificationURI.
	UserCode string
	// VerificationURI is the page where the user enters UserCode.
	VerificationURI string
	// VerificationURIComplete opens the page with the code filled in; it may be empty.
	VerificationURIComplete string
	// Expiry is when the codes expire.
	Expiry time.Time

	srv  *Server
	hc   *http.Client
	cfg  *oauth2.Config
	resp *oauth2.DeviceAuthResponse
}

// oauthConfig returns the x/oauth2 configuration of the public client at srv.
func oauthConfig(deviceEndpoint, tokenEndpoint string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: ClientID,
		Scopes:   Scopes,
		Endpoint: oauth2.Endpoint{
			DeviceAuthURL: deviceEndpoint,
			TokenURL:      tokenEndpoint,
			// RFC 6749 §2.3.1 and §3.2.1: a public client sends client_id in the body.
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

// resourceParam returns the RFC 8707 §2 resource option for srv, if it has one.
func resourceParam(resource string) []oauth2.AuthCodeOption {
	if resource == "" {
		return nil
	}
	return []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("resource", resource)}
}

// StartDeviceAuth sends the device authorization request to srv.
func StartDeviceAuth(ctx context.Context, opts Options, srv *Server, dev DeviceInfo,
) (*DeviceAuth, error) {
	hc := orDefault(opts.HTTPClient)
	cfg := oauthConfig(srv.DeviceAuthorizationEndpoint, srv.TokenEndpoint)

	// RFC 8628 §3.1: client_id and scope, plus resource (RFC 8707 §2) for a tenant.
	params := append(resourceParam(srv.Resource), dev.params()...)
	resp, err := cfg.DeviceAuth(withHTTPClient(ctx, hc), params...)
	if err != nil {
		return nil, oauthError("device authorization request", err)
	}

	// RFC 8628 §3.2: device_code, user_code and verification_uri are required. The URIs
	// are opened in a browser, so only http(s) ones are accepted.
	if resp.DeviceCode == "" || resp.UserCode == "" || resp.VerificationURI == "" {
		return nil, errors.New("client: the device authorization response lacks " +
			"device_code, user_code or verification_uri")
	}
	for _, u := range []string{resp.VerificationURI, resp.VerificationURIComplete} {
		if u == "" {
			continue
		}
		if err := checkTransport(u, opts.AllowInsecureHTTP); err != nil {
			return nil, err
		}
	}

	return &DeviceAuth{
		UserCode:                resp.UserCode,
		VerificationURI:         resp.VerificationURI,
		VerificationURIComplete: resp.VerificationURIComplete,
		Expiry:                  resp.Expiry,
		srv:                     srv,
		hc:                      hc,
		cfg:                     cfg,
		resp:                    resp,
	}, nil
}

// Wait polls the token endpoint until the user approves or denies the request, the codes
// expire, or ctx is done. It returns the new connection, not yet stored.
func (a *DeviceAuth) Wait(ctx context.Context) (*Entry, error) {
	// RFC 8628 §3.4 and §3.5: x/oauth2 polls every interval seconds (5 when the server
	// gives none), adds 5 seconds on slow_down and stops at expires_in.
	tok, err := a.cfg.DeviceAccessToken(withHTTPClient(ctx, a.hc), a.resp,
		resourceParam(a.srv.Resource)...)
	if err != nil {
		return nil, a.pollError(ctx, err)
	}
	return newEntry(a.srv, tok, time.Now())
}

// pollError turns a failed poll into ErrDenied, ErrExpired, a cancellation or a
// described server error.
func (a *DeviceAuth) pollError(ctx context.Context, err error) error {
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re) && re.ErrorCode == "access_denied":
		return ErrDenied
	case errors.As(err, &re) && re.ErrorCode == "expired_token":
		return ErrExpired
	case ctx.Err() != nil:
		return fmt.Errorf("client: sign-in cancelled: %w", ctx.Err())
	case errors.Is(err, context.DeadlineExceeded) && !a.Expiry.IsZero() &&
		!time.Now().Before(a.Expiry):
		// x/oauth2 bounds polling by expires_in with a context deadline.
		return ErrExpired
	}
	return oauthError("token request", err)
}

// oauthError describes a failed request as one sentence: the RFC 6749 §5.2 error code
// and description when the server answered with one, the transport error otherwise. The
// response body is left out; errors.As still finds the *oauth2.RetrieveError.
func oauthError(request string, err error) error {
	var re *oauth2.RetrieveError
	var ue *url.Error
	switch {
	case errors.As(err, &ue):
		return unreachable(ue.URL, err)
	case !errors.As(err, &re):
		return fmt.Errorf("client: %s failed: %w", request, err)
	}
	msg := re.ErrorCode
	if msg == "" && re.Response != nil {
		msg = re.Response.Status
	}
	if re.ErrorDescription != "" {
		msg += " (" + re.ErrorDescription + ")"
	}
	return &serverError{msg: "client: the server refused the " + request + ": " + msg, err: err}
}

// serverError is an OAuth error response described in one sentence.
type serverError struct {
	msg string
	err error
}

// Error returns the sentence.
func (e *serverError) Error() string { return e.msg }

// Unwrap returns the *oauth2.RetrieveError.
func (e *serverError) Unwrap() error { return e.err }

// newEntry builds a connection from a token response of srv's token endpoint.
func newEntry(srv *Server, tok *oauth2.Token, now time.Time) (*Entry, error) {
	e := &Entry{
		URL:                srv.URL,
		Issuer:             srv.Issuer,
		Resource:           srv.Resource,
		ClientID:           ClientID,
		TokenEndpoint:      srv.TokenEndpoint,
		RevocationEndpoint: srv.RevocationEndpoint,
		UserinfoEndpoint:   srv.UserinfoEndpoint,
	}
	if err := e.setToken(tok, now); err != nil {
		return nil, err
	}
	return e, nil
}

// setToken copies a token response into e, keeping e's refresh token, ID token and
// refresh expiry when the response carries none.
func (e *Entry) setToken(tok *oauth2.Token, now time.Time) error {
	// RFC 6749 §7.1: the client must understand the token type; we only speak Bearer
	// (RFC 6750).
	if tok.TokenType != "" && !strings.EqualFold(tok.TokenType, "bearer") {
		return fmt.Errorf("client: the server issued a %q token; only Bearer is supported",
			tok.TokenType)
	}

	e.AccessToken = tok.AccessToken
	e.TokenType = tok.TokenType
	e.Expiry = tok.Expiry
	e.ObtainedAt = now
	if tok.RefreshToken != "" {
		e.RefreshToken = tok.RefreshToken
	}
	if id, ok := tok.Extra("id_token").(string); ok && id != "" {
		e.IDToken = id
	}
	// Gatehouse sends refresh_token_expires_in: seconds until the refresh token, and so
	// the device authorization, ends.
	if secs, ok := seconds(tok.Extra("refresh_token_expires_in")); ok {
		e.RefreshExpiry = now.Add(time.Duration(secs) * time.Second)
	}
	return nil
}

// seconds reads a positive whole number of seconds from a decoded JSON or form value.
func seconds(v any) (int64, bool) {
	var n int64
	switch x := v.(type) {
	case float64:
		n = int64(x)
	case int64:
		n = x
	default:
		return 0, false
	}
	return n, n > 0
}
