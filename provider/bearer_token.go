package provider

import (
	"errors"
	"net/http"
	"strings"
)

// errMalformedAuthorization is a request whose Authorization header cannot be read.
var errMalformedAuthorization = errors.New("provider: malformed Authorization header")

// bearerToken reads the access token from the Authorization header (RFC 6750 §2.1).
// Tokens in the query string or the body (§2.2, §2.3) are not accepted: they end up in
// logs and histories. No header gives "" and no error; two headers, or a header that
// is not a Bearer credential, give errMalformedAuthorization.
func bearerToken(r *http.Request) (string, error) {
	values := r.Header.Values("Authorization")
	if len(values) == 0 {
		return "", nil
	}
	if len(values) > 1 {
		return "", errMalformedAuthorization
	}
	scheme, token, ok := strings.Cut(values[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", errMalformedAuthorization
	}
	return strings.TrimSpace(token), nil
}
