package provider

import (
	"time"

	"github.com/mohae/deepcopy"
	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/oauth2"
	"github.com/ory/fosite/handler/openid"
	"github.com/ory/fosite/token/jwt"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// Session is what a grant carries: who approved it, on which device, until when, and
// for which organization and tenant. fosite stores it with every token and builds the
// access token (RFC 9068) and ID token claims from it.
type Session struct {
	Subject  string `json:"sub"`
	ClientID string `json:"client_id"`
	DeviceID string `json:"device_id,omitempty"`
	Email    string `json:"email,omitempty"`
	Name     string `json:"name,omitempty"`
	OrgID    string `json:"org_id,omitempty"`
	OrgRole  string `json:"org_role,omitempty"`
	TenantID string `json:"tenant_id,omitempty"`
	// AuthorizationExpiresAt ends the grant: no token of it outlives this.
	AuthorizationExpiresAt time.Time                      `json:"authorization_expires_at"`
	ExpiresAt              map[fosite.TokenType]time.Time `json:"expires_at"`
	// IDClaims is kept between calls because fosite's OIDC handlers edit it in place.
	IDClaims *jwt.IDTokenClaims `json:"id_claims,omitempty"`
}

var (
	_ oauth2.JWTSessionContainer = (*Session)(nil)
	_ openid.Session             = (*Session)(nil)
	_ storage.DeviceBound        = (*Session)(nil)
)

// AuthorizedDeviceID implements storage.DeviceBound.
func (s *Session) AuthorizedDeviceID() string { return s.DeviceID }

// GetJWTClaims implements oauth2.JWTSessionContainer: the RFC 9068 §2.2 claims that
// fosite completes with iss, exp, iat, aud, jti and scope.
func (s *Session) GetJWTClaims() jwt.JWTClaimsContainer {
	extra := map[string]any{"client_id": s.ClientID}
	for k, v := range map[string]string{
		"device_id": s.DeviceID, "org_id": s.OrgID, "org_role": s.OrgRole, "tenant_id": s.TenantID,
	} {
		if v != "" {
			extra[k] = v
		}
	}
	if !s.AuthorizationExpiresAt.IsZero() {
		extra["auth_exp"] = s.AuthorizationExpiresAt.Unix()
	}
	return &jwt.JWTClaims{Subject: s.Subject, Extra: extra, ScopeField: jwt.JWTScopeFieldString}
}

// GetJWTHeader implements oauth2.JWTSessionContainer: typ is at+jwt (RFC 9068 §2.1).
func (s *Session) GetJWTHeader() *jwt.Headers {
	return &jwt.Headers{Extra: map[string]any{"typ": "at+jwt"}}
}

// IDTokenClaims implements openid.Session.
func (s *Session) IDTokenClaims() *jwt.IDTokenClaims {
	if s.IDClaims == nil {
		s.IDClaims = &jwt.IDTokenClaims{}
	}
	s.IDClaims.Subject = s.Subject
	if s.IDClaims.Extra == nil {
		s.IDClaims.Extra = map[string]any{}
	}
	if s.Email != "" {
		s.IDClaims.Extra["email"] = s.Email
	}
	if s.Name != "" {
		s.IDClaims.Extra["name"] = s.Name
	}
	return s.IDClaims
}

// IDTokenHeaders implements openid.Session.
func (s *Session) IDTokenHeaders() *jwt.Headers {
	return &jwt.Headers{Extra: map[string]any{"typ": "JWT"}}
}

// SetExpiresAt implements fosite.Session.
func (s *Session) SetExpiresAt(key fosite.TokenType, exp time.Time) {
	if s.ExpiresAt == nil {
		s.ExpiresAt = map[fosite.TokenType]time.Time{}
	}
	s.ExpiresAt[key] = exp
}

// GetExpiresAt implements fosite.Session; the zero time means unset.
func (s *Session) GetExpiresAt(key fosite.TokenType) time.Time {
	return s.ExpiresAt[key]
}

// GetUsername implements fosite.Session.
func (s *Session) GetUsername() string { return s.Email }

// GetSubject implements fosite.Session.
func (s *Session) GetSubject() string { return s.Subject }

// Clone implements fosite.Session.
func (s *Session) Clone() fosite.Session {
	if s == nil {
		return nil
	}
	return deepcopy.Copy(s).(*Session)
}
