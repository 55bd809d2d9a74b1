package rbac

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"time"
)

// Claims are the claims of a Gatehouse JWT access token (RFC 9068 §2.2) plus the
// Gatehouse organization claims. A *Claims returned by [Verifier.Verify] has been
// checked; one decoded by hand has not.
type Claims struct {
	// Issuer is the "iss" claim: the Gatehouse issuer URL.
	Issuer string `json:"iss"`
	// Subject is the "sub" claim: the user, or the client for a client-credentials token.
	Subject string `json:"sub"`
	// Audience is the "aud" claim: the resource URLs the token is meant for.
	Audience Audience `json:"aud"`
	// Expiry is the "exp" claim.
	Expiry NumericDate `json:"exp"`
	// IssuedAt is the "iat" claim.
	IssuedAt NumericDate `json:"iat"`
	// NotBefore is the optional "nbf" claim; zero when absent.
	NotBefore NumericDate `json:"nbf,omitempty"`
	// JWTID is the "jti" claim, unique per token.
	JWTID string `json:"jti"`
	// ClientID is the "client_id" claim: the OAuth client the token was issued to.
	ClientID string `json:"client_id"`
	// Scope is the "scope" claim: space-separated scope values (RFC 6749 §3.3).
	Scope string `json:"scope,omitempty"`
	// OrgID is the "org_id" claim: the organization the token acts in.
	OrgID string `json:"org_id,omitempty"`
	// OrgRole is the "org_role" claim: the subject's [Role] in OrgID, as a string.
	OrgRole string `json:"org_role,omitempty"`
	// TenantID is the "tenant_id" claim: the tenant the token was issued for.
	TenantID string `json:"tenant_id,omitempty"`
	// DeviceID is the "device_id" claim: the device the token was issued to, checked
	// against the revocation list. Empty for tokens not tied to a device.
	DeviceID string `json:"device_id,omitempty"`
}

// Role returns the subject's organization role, or the empty role when org_role is
// absent or names no known role.
func (c *Claims) Role() Role {
	r, err := ParseRole(c.OrgRole)
	if err != nil {
		return ""
	}
	return r
}

// HasScope reports whether s is one of the token's scope values. Scope values are
// case-sensitive (RFC 6749 §3.3).
func (c *Claims) HasScope(s string) bool {
	if s == "" {
		return false
	}
	return slices.Contains(strings.Fields(c.Scope), s)
}

// Can reports whether the subject's organization role holds p. It is false when
// org_role is empty or unknown.
func (c *Claims) Can(p Permission) bool {
	return c.Role().Can(p)
}

// Audience is the "aud" claim. In JSON it is either one string or an array of strings
// (RFC 7519 §4.1.3); both decode to a slice.
type Audience []string

// UnmarshalJSON accepts a string, an array of strings or null.
func (a *Audience) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*a = nil
		return nil
	}

	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = Audience{one}
		return nil
	}

	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("rbac: aud is neither a string nor an array of strings")
	}
	*a = many
	return nil
}

// Contains reports whether s is one of the audience values, compared exactly.
func (a Audience) Contains(s string) bool {
	return s != "" && slices.Contains(a, s)
}

// NumericDate is a JWT time: whole seconds since the Unix epoch, UTC (RFC 7519 §2).
// Zero means the claim was absent.
type NumericDate int64

// NewNumericDate returns t as a NumericDate, dropping fractions of a second.
func NewNumericDate(t time.Time) NumericDate {
	return NumericDate(t.Unix())
}

// Time returns d as a time.Time, or the zero time when d is zero.
func (d NumericDate) Time() time.Time {
	if d == 0 {
		return time.Time{}
	}
	return time.Unix(int64(d), 0)
}

// UnmarshalJSON accepts a JSON number, with or without a fraction (dropped), or null.
func (d *NumericDate) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*d = 0
		return nil
	}

	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return errors.New("rbac: a date claim is not a number")
	}
	if math.IsNaN(f) || f < 0 || f > math.MaxInt64/2 {
		return errors.New("rbac: a date claim is out of range")
	}
	*d = NumericDate(f)
	return nil
}
