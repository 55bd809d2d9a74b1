package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// ErrRevocationFailed is returned (wrapped) by [Store.Logout] when the server could not
// be told to revoke the tokens. The local credentials are deleted all the same.
var ErrRevocationFailed = errors.New("client: the server did not revoke the tokens")

// Revoke asks e's revocation endpoint to revoke its refresh token (or, without one, its
// access token). Gatehouse revokes the whole device authorization with it.
func Revoke(ctx context.Context, hc *http.Client, e *Entry) error {
	hc = orDefault(hc)
	if e.RevocationEndpoint == "" {
		return fmt.Errorf("client: the issuer %s advertises no revocation endpoint", e.Issuer)
	}
	token, hint := e.RefreshToken, "refresh_token"
	if token == "" {
		token, hint = e.AccessToken, "access_token"
	}

	// RFC 7009 §2.1: POST token and token_type_hint; a public client identifies itself
	// with client_id (RFC 6749 §2.3).
	form := url.Values{"token": {token}, "token_type_hint": {hint}, "client_id": {e.ClientID}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.RevocationEndpoint,
		strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("client: build revocation request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")

	resp, err := hc.Do(req)
	if err != nil {
		return unreachable(e.RevocationEndpoint, err)
	}
	defer resp.Body.Close()

	// RFC 7009 §2.2: 200 means revoked, also for a token the server did not know.
	if resp.StatusCode == http.StatusOK {
		return nil
	}

	// RFC 7009 §2.2.1: otherwise an RFC 6749 §5.2 error response.
	var oe struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	msg := resp.Status
	if json.Unmarshal(body, &oe) == nil && oe.Error != "" {
		msg = oe.Error
		if oe.Description != "" {
			msg += " (" + oe.Description + ")"
		}
	}
	return fmt.Errorf("client: the server refused the revocation request: %s", msg)
}

// Logout revokes the connection to serverURL at the server and deletes it from the
// store. When revocation fails the connection is deleted anyway, so this machine is
// signed out either way, and the error wraps [ErrRevocationFailed]: the authorization
// then stays valid at the server until it expires or is revoked there.
func (s *Store) Logout(ctx context.Context, serverURL string) error {
	e, err := s.Get(serverURL)
	if err != nil {
		return err
	}

	revokeErr := Revoke(ctx, s.HTTPClient, e)
	if err := s.Delete(e.URL); err != nil && !errors.Is(err, ErrNotConnected) {
		return err
	}

	if revokeErr != nil {
		return &revocationError{err: revokeErr}
	}
	return nil
}

// revocationError is a failed revocation after which the credentials were deleted.
type revocationError struct {
	err error
}

// Error names both what happened locally and why the server did not revoke.
func (e *revocationError) Error() string {
	return ErrRevocationFailed.Error() + ": " + strings.TrimPrefix(e.err.Error(), "client: ")
}

// Is makes errors.Is(err, ErrRevocationFailed) true.
func (e *revocationError) Is(target error) bool { return target == ErrRevocationFailed }

// Unwrap returns the revocation error.
func (e *revocationError) Unwrap() error { return e.err }
