package rbac

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
)

// claimsKey is the context key of the *Claims Require stores.
type claimsKey struct{}

// ClaimsFromContext returns the verified claims Require stored for this request.
func ClaimsFromContext(ctx context.Context) (*Claims, bool) {
	c, ok := ctx.Value(claimsKey{}).(*Claims)
	return c, ok && c != nil
}

// Require returns a handler that lets a request through to next only with a valid
// bearer access token whose org_role holds p. The verified claims are then available
// through ClaimsFromContext.
//
// Refusals follow RFC 6750 §3: 401 with error="invalid_token" for a bad token, 401 with
// no error code when no bearer token was sent, 400 with error="invalid_request" for a
// malformed Authorization header, and 403 with error="insufficient_scope" naming p when
// the role lacks it. The 400 and 401 answers also carry resource_metadata (RFC 9728
// §5.1). When the revocation list is unavailable the answer is 503 with Retry-After,
// since the token may well be good. Every refusal has a JSON body with error and
// error_description.
func (v *Verifier) Require(p Permission, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, err := bearerToken(r)
		if err != nil {
			v.refuse(w, r, err)
			return
		}

		claims, err := v.Verify(r.Context(), raw)
		if err != nil {
			v.refuse(w, r, err)
			return
		}

		if !claims.Can(p) {
			v.refuse(w, r, &PermissionError{Permission: p})
			return
		}

		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), claimsKey{}, claims)))
	})
}

// Errors from reading the Authorization header.
var (
	errNoToken       = errors.New("rbac: no bearer token")
	errBadAuthHeader = errors.New("rbac: malformed Authorization header")
)

// bearerToken reads the access token from the Authorization header.
func bearerToken(r *http.Request) (string, error) {
	values := r.Header.Values("Authorization")
	if len(values) == 0 {
		return "", errNoToken
	}
	// RFC 6750 §3.1: a request with more than one credential is invalid_request.
	if len(values) > 1 {
		return "", errBadAuthHeader
	}

	// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is
	// case-insensitive (RFC 9110 §11.1). Another scheme is no bearer token at all.
	scheme, token, _ := strings.Cut(values[0], " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", errNoToken
	}
	token = strings.TrimLeft(token, " ")
	if !isB64Token(token) {
		return "", errBadAuthHeader
	}
	return token, nil
}

// isB64Token reports whether s matches RFC 6750 §2.1
// b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isB64Token(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for _, c := range []byte(body) {
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("-._~+/", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// refuse answers a refused request with the status, WWW-Authenticate challenge and
// JSON body that err calls for.
func (v *Verifier) refuse(w http.ResponseWriter, r *http.Request, err error) {
	status, code, desc := http.StatusUnauthorized, "invalid_token", "invalid token"
	var te *tokenError
	var pe *PermissionError
	switch {
	case errors.Is(err, errNoToken):
		code, desc = "", "bearer token required"
	case errors.Is(err, errBadAuthHeader):
		status, code = http.StatusBadRequest, "invalid_request"
		desc = "malformed Authorization header"
	case errors.As(err, &pe):
		status, code, desc = http.StatusForbidden, "insufficient_scope", pe.Error()
	case errors.As(err, &te):
		desc = te.desc
	case errors.Is(err, ErrRevocationUnavailable):
		status, code, desc = http.StatusServiceUnavailable, "temporarily_unavailable",
			"device revocation list unavailable"
	}
	v.log.DebugContext(r.Context(), "request refused", "status", status, "error", err,
		"method", r.Method, "path", r.URL.Path)

	// RFC 6750 §3: challenge with the Bearer scheme on 401, 400 and 403. RFC 9728
	// §5.1: point the client at this resource's metadata.
	switch status {
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "1")
	default:
		w.Header().Set("WWW-Authenticate", v.challenge(code, desc, status != http.StatusForbidden))
	}

	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	body := map[string]string{"error": code, "error_description": desc}
	if code == "" {
		body["error"] = "invalid_token"
	}
	_ = json.NewEncoder(w).Encode(body)
}

// challenge builds a Bearer WWW-Authenticate value. An empty code leaves out error and
// error_description, as RFC 6750 §3.1 asks when the request had no credentials.
func (v *Verifier) challenge(code, desc string, withMetadata bool) string {
	var b strings.Builder
	b.WriteString("Bearer realm=")
	b.WriteString(quote(v.resource))
	if code != "" {
		b.WriteString(", error=" + quote(code))
		b.WriteString(", error_description=" + quote(desc))
	}
	if withMetadata {
		b.WriteString(", resource_metadata=" + quote(ResourceMetadataURL(v.resource)))
	}
	return b.String()
}

// quote returns s as an RFC 9110 §5.6.4 quoted-string, dropping characters RFC 6750 §3
// does not allow in attribute values.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range []byte(s) {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			continue
		}
		b.WriteByte(c)
	}
	b.WriteByte('"')
	return b.String()
}
