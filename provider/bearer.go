package provider

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/ory/fosite"
)

// Errors of bearer authentication at Gatehouse's own APIs.
var (
	ErrNoBearerToken = errors.New("provider: no bearer access token")
	ErrInvalidToken  = errors.New("provider: the access token is invalid, expired or revoked")
	ErrWrongAudience = errors.New("provider: the access token is not for this API")
	ErrUnavailable   = errors.New("provider: temporarily unavailable")
)

// AuthenticateBearer checks the request's bearer access token (RFC 6750 §2.1) the way
// Gatehouse's management API needs: it is valid, unexpired, its device is neither
// locked nor deleted, and its aud is Gatehouse itself, so a tenant's token is refused.
func (p *Provider) AuthenticateBearer(ctx context.Context, r *http.Request) (*Session, error) {
	token, err := bearerToken(r)
	if err != nil {
		return nil, ErrInvalidToken
	}
	if token == "" {
		return nil, ErrNoBearerToken
	}
	_, req, err := p.oauth.IntrospectToken(ctx, token, fosite.AccessToken, new(Session))
	if err != nil {
		// An invalid token is refused without asking Redis whether it is up; only a
		// server error, or a cause that is an outage, makes it unavailable.
		if _, down := p.unavailable(ctx, err); down {
			return nil, ErrUnavailable
		}
		return nil, ErrInvalidToken
	}
	if !slices.Contains(req.GetGrantedAudience(), p.cfg.Issuer) {
		return nil, ErrWrongAudience
	}
	sess, ok := req.GetSession().(*Session)
	if !ok {
		return nil, ErrInvalidToken
	}
	return sess, nil
}
