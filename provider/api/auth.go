package api

import (
	"errors"
	"net"
	"net/http"

	"github.com/gorilla/mux"
	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/provider"
	"github.com/gatehouse-auth/gatehouse/rbac"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// caller is who a request acts for and, on an organization's routes, in which
// organization and with which role.
type caller struct {
	sess   *provider.Session
	userID string
	orgID  string
	role   rbac.Role
}

// handler serves one route for an authenticated caller. It either answers, or
// returns the error to answer with having written nothing.
type handler func(w http.ResponseWriter, r *http.Request, c *caller) error

// descTenantToken is the 401 description for a tenant's token.
const descTenantToken = "this token is for a tenant, not for the Gatehouse management API"

// signedIn runs h for a request bearing a valid Gatehouse access token.
func (a *API) signedIn(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := a.authenticate(r)
		if err != nil {
			a.writeError(w, r, nil, err)
			return
		}
		if err := h(w, r, c); err != nil {
			a.writeError(w, r, c, err)
		}
	})
}

// inOrg runs h for a member of the path's organization whose role holds perm. An
// empty perm leaves the decision to h, which asks one of rbac's rules.
//
// TODO: the role is read once, here, and not re-checked when a tenant, billing or
// organization deletion is written, so a member demoted during such a request can
// still finish it; the store has no atomic role check for those writes yet (member
// changes have one, and use it).
func (a *API) inOrg(perm rbac.Permission, h handler) http.Handler {
	return a.signedIn(func(w http.ResponseWriter, r *http.Request, c *caller) error {
		orgID := mux.Vars(r)["org"]
		role, err := a.store.Role(r.Context(), orgID, c.userID)
		// An organization one is not a member of looks exactly like one that does not
		// exist, so that ids cannot be probed.
		if errors.Is(err, storage.ErrNotMember) {
			return notFound("Organization")
		}
		if err != nil {
			return err
		}
		c.orgID, c.role = orgID, role

		if perm != "" && !role.Can(perm) {
			return &rbac.PermissionError{Permission: perm}
		}
		return h(w, r, c)
	})
}

// heldByOrg answers the lookup of something an organization holds, v with err: one
// that is missing, or that another organization than the caller's holds, is a 404
// naming what, so that ids cannot be probed across organizations.
func heldByOrg[T any](c *caller, what string, v *T, err error, orgOf func(*T) string) (*T, error) {
	if errors.Is(err, fosite.ErrNotFound) || (err == nil && orgOf(v) != c.orgID) {
		return nil, notFound(what)
	}
	return v, err
}

// authenticate checks the bearer token (RFC 6750 §2.1). Its audience must be
// Gatehouse: a tenant's token is refused even though Gatehouse issued it.
func (a *API) authenticate(r *http.Request) (*caller, error) {
	sess, err := a.p.AuthenticateBearer(r.Context(), r)
	switch {
	case err == nil:
		return &caller{sess: sess, userID: sess.Subject}, nil
	case errors.Is(err, provider.ErrNoBearerToken):
		// RFC 6750 §3.1: a request with no credentials gets a challenge without an
		// error code.
		return nil, &problem{challenge: `Bearer realm="gatehouse"`, rfc: errInvalidToken.WithDescription(
			"This API needs a Gatehouse access token: Authorization: Bearer TOKEN.")}
	case errors.Is(err, provider.ErrWrongAudience):
		return nil, invalidToken(descTenantToken)
	case errors.Is(err, provider.ErrUnavailable):
		// fosite reports a failed session lookup as an invalid token, whatever the
		// cause, so a token refused while Redis is unreachable is an outage, not a 401.
		return nil, &problem{rfc: errUnavailable.WithWrap(err)}
	}
	return nil, invalidToken("The access token is invalid, expired or revoked.")
}

// invalidToken is a 401 whose RFC 6750 §3 challenge repeats the description.
func invalidToken(desc string) *problem {
	return &problem{
		rfc:       errInvalidToken.WithDescription(desc),
		challenge: `Bearer realm="gatehouse", error="invalid_token", error_description="` + desc + `"`,
	}
}

// remoteIP is the address the request came from, without its port. X-Forwarded-For
// is not trusted: anyone can send it.
func remoteIP(r *http.Request) string {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return ip
}
