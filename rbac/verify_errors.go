package rbac

import "errors"

// ErrInvalidToken matches every error [Verifier.Verify] returns because of the token
// itself. A resource server answers those with 401 and error="invalid_token"
// (RFC 6750 §3.1). ErrRevocationUnavailable is the one Verify error that does not
// match it: it blames the server, not the token.
var ErrInvalidToken = errors.New("rbac: invalid token")

// tokenError is an invalid-token outcome. desc is short, safe to show a client, and
// free of the characters RFC 6750 §3 forbids in error_description.
type tokenError struct {
	desc string
}

func (e *tokenError) Error() string { return "rbac: " + e.desc }

// Is lets errors.Is match every tokenError against ErrInvalidToken.
func (e *tokenError) Is(target error) bool { return target == ErrInvalidToken }

// The reasons [Verifier.Verify] refuses a token. Each is wrapped with detail; compare
// with errors.Is. Each also matches ErrInvalidToken.
var (
	// ErrMalformedToken: not a JWS in compact serialization with a JSON claims set.
	ErrMalformedToken error = &tokenError{desc: "malformed token"}
	// ErrWrongTokenType: the typ header is not at+jwt (RFC 9068 §4).
	ErrWrongTokenType error = &tokenError{desc: "token type is not at+jwt"}
	// ErrUnsupportedAlg: the alg header is neither ES256 nor RS256.
	ErrUnsupportedAlg error = &tokenError{desc: "signing algorithm not accepted"}
	// ErrBadSignature: no key of the issuer's JWKS verifies the signature, including
	// when the kid is unknown even after re-fetching the JWKS, or that re-fetch failed.
	ErrBadSignature error = &tokenError{desc: "signature does not verify"}
	// ErrWrongIssuer: iss is not exactly the configured issuer.
	ErrWrongIssuer error = &tokenError{desc: "token issued by another issuer"}
	// ErrWrongAudience: aud does not contain this resource.
	ErrWrongAudience error = &tokenError{desc: "token not meant for this resource"}
	// ErrTokenExpired: exp is not in the future.
	ErrTokenExpired error = &tokenError{desc: "token expired"}
	// ErrTokenNotYetValid: nbf is in the future.
	ErrTokenNotYetValid error = &tokenError{desc: "token not valid yet"}
	// ErrMissingClaim: exp or sub is absent.
	ErrMissingClaim error = &tokenError{desc: "required claim missing"}
	// ErrDeviceRevoked: device_id is on the issuer's revocation list.
	ErrDeviceRevoked error = &tokenError{desc: "device revoked"}
)

// ErrRevocationUnavailable is returned by [Verifier.Verify] when device revocation is
// configured but no revocation list has been fetched yet. The verifier fails closed:
// no token passes until a list arrives. It does not match ErrInvalidToken.
var ErrRevocationUnavailable = errors.New("rbac: device revocation list unavailable")
