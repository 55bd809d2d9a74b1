package storage

import (
	"context"
	"errors"

	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/oauth2"
)

var _ oauth2.CoreStorage = (*Store)(nil)

// errNoAuthorizeCodes: Gatehouse serves no authorization endpoint, so it never issues
// authorization codes. fosite's introspection wiring still asks for the interface.
var errNoAuthorizeCodes = errors.New("storage: gatehouse issues no authorization codes")

// CreateAuthorizeCodeSession implements oauth2.AuthorizeCodeStorage by refusing.
func (s *Store) CreateAuthorizeCodeSession(context.Context, string, fosite.Requester) error {
	return errNoAuthorizeCodes
}

// GetAuthorizeCodeSession implements oauth2.AuthorizeCodeStorage: no code exists.
func (s *Store) GetAuthorizeCodeSession(context.Context, string, fosite.Session) (fosite.Requester, error) {
	return nil, fosite.ErrNotFound
}

// InvalidateAuthorizeCodeSession implements oauth2.AuthorizeCodeStorage: no code exists.
func (s *Store) InvalidateAuthorizeCodeSession(context.Context, string) error {
	return fosite.ErrNotFound
}
