package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/oauth2"
)

// ErrSessionEnded is returned (wrapped) when a connection's access token has expired and
// cannot be renewed: there is no refresh token, it has expired, or the server rejected
// it (RFC 6749 §5.2 invalid_grant, for example after the device was revoked).
var ErrSessionEnded = errors.New("client: the sign-in has ended")

// refreshMargin is how long before its expiry an access token is already renewed, so
// that it does not expire in flight.
const refreshMargin = 30 * time.Second

// Token returns the connection stored for serverURL with an access token that is valid
// for at least 30 more seconds. When the stored one is not, Token refreshes it with the
// refresh token and saves the rotated tokens before returning: Gatehouse rotates refresh
// tokens on every use, so the old one is dead once the request succeeds.
//
// The store lock is held across the refresh, so concurrent callers (and processes, on
// Unix) refresh once and the others read the result.
func (s *Store) Token(ctx context.Context, serverURL string) (*Entry, error) {
	key, err := NormalizeURL(serverURL)
	if err != nil {
		return nil, err
	}

	// Fast path: a valid token needs no lock and no write.
	e, err := s.Get(key)
	if err != nil {
		return nil, err
	}
	if !s.due(e) {
		return e, nil
	}

	// Slow path: under the lock, re-read (another process may have just refreshed) and
	// refresh if still due.
	var result Entry
	err = s.update(func(f *credentialsFile) error {
		e, ok := f.Connections[key]
		if !ok {
			return fmt.Errorf("%w to %s", ErrNotConnected, key)
		}
		if err := s.refreshIfDue(ctx, e); err != nil {
			return err
		}
		result = *e
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &result, nil
}

// refreshIfDue renews e's tokens in place when [Store.due] says so.
func (s *Store) refreshIfDue(ctx context.Context, e *Entry) error {
	now := s.now()
	if !s.due(e) {
		return nil
	}

	// Check: is there anything left to refresh with?
	if e.RefreshToken == "" {
		return fmt.Errorf("%w for %s: no refresh token was issued", ErrSessionEnded, e.URL)
	}
	if !e.RefreshExpiry.IsZero() && !now.Before(e.RefreshExpiry) {
		return fmt.Errorf("%w for %s: the authorization expired at %s", ErrSessionEnded,
			e.URL, e.RefreshExpiry.Local().Format(time.RFC1123))
	}

	// RFC 6749 §6: grant_type=refresh_token with client_id for a public client.
	// TODO: send resource (RFC 8707 §2) on refresh too; x/oauth2 offers no way to add
	// parameters to a refresh request, and Gatehouse keeps the audience of the grant.
	cfg := oauthConfig("", e.TokenEndpoint)
	cfg.ClientID = e.ClientID
	hctx := withHTTPClient(ctx, orDefault(s.HTTPClient))
	tok, err := cfg.TokenSource(hctx, &oauth2.Token{RefreshToken: e.RefreshToken}).Token()
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.ErrorCode == "invalid_grant" {
		return fmt.Errorf("%w for %s: the server no longer accepts its refresh token",
			ErrSessionEnded, e.URL)
	}
	if err != nil {
		return oauthError("refresh request", err)
	}

	// Store: the caller writes e back, including the rotated refresh token. Relative
	// lifetimes are turned into times with the wall clock, as x/oauth2 did for Expiry.
	return e.setToken(tok, time.Now())
}

// due reports whether e's access token is missing or expires within refreshMargin.
// An access token without an expiry is taken to be valid.
func (s *Store) due(e *Entry) bool {
	if e.AccessToken == "" {
		return true
	}
	return !e.Expiry.IsZero() && !e.Expiry.After(s.now().Add(refreshMargin))
}

// TokenSource returns an oauth2.TokenSource for the connection to serverURL that renews
// and persists tokens through [Store.Token]. It caches the token in memory until 30
// seconds before expiry and is safe for concurrent use. ctx bounds refresh requests.
func (s *Store) TokenSource(ctx context.Context, serverURL string) oauth2.TokenSource {
	src := storeTokenSource{ctx: ctx, store: s, url: serverURL}
	return oauth2.ReuseTokenSourceWithExpiry(nil, src, refreshMargin)
}

// Client returns an HTTP client that sends the connection's access token as a Bearer
// token (RFC 6750 §2.1) on every request, renewing it as needed.
func (s *Store) Client(ctx context.Context, serverURL string) *http.Client {
	return oauth2.NewClient(withHTTPClient(ctx, orDefault(s.HTTPClient)),
		s.TokenSource(ctx, serverURL))
}

// storeTokenSource reads tokens from a Store.
type storeTokenSource struct {
	ctx   context.Context
	store *Store
	url   string
}

// Token implements oauth2.TokenSource.
func (ts storeTokenSource) Token() (*oauth2.Token, error) {
	e, err := ts.store.Token(ts.ctx, ts.url)
	if err != nil {
		return nil, err
	}
	return &oauth2.Token{
		AccessToken:  e.AccessToken,
		TokenType:    e.TokenType,
		RefreshToken: e.RefreshToken,
		Expiry:       e.Expiry,
	}, nil
}
