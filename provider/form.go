package provider

import (
	"errors"
	"mime"
	"net/http"
	"net/url"

	"github.com/ory/fosite"
)

// maxFormBytes caps request bodies at the OAuth endpoints.
const maxFormBytes = 64 << 10

// repeatable are the parameters that may appear more than once: RFC 8707 §2 allows
// several resource indicators.
var repeatable = map[string]bool{"resource": true, "audience": true}

// parseForm reads an application/x-www-form-urlencoded POST body (RFC 6749 §3.2) of at
// most maxFormBytes, refusing repeated parameters (RFC 6749 §3.1, §3.2). Query string
// parameters are ignored: secrets do not belong in URLs.
func parseForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	if r.Method != http.MethodPost {
		return nil, fosite.ErrInvalidRequest.WithHintf("The HTTP method must be POST, not %s.", r.Method)
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, fosite.ErrInvalidRequest.WithHint("The Content-Type must be application/x-www-form-urlencoded.")
	}

	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, errRequestTooLarge.WithHintf("The limit is %d bytes.", maxFormBytes)
		}
		return nil, fosite.ErrInvalidRequest.WithHint("The request body is not a valid form.").WithWrap(err)
	}

	for name, values := range r.PostForm {
		if len(values) > 1 && !repeatable[name] {
			return nil, fosite.ErrInvalidRequest.WithHintf("The parameter '%s' is included more than once.", name)
		}
	}
	return r.PostForm, nil
}

// methodNotAllowed answers a wrong method with 405, an Allow header and an OAuth error.
func methodNotAllowed(allow string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		writeJSON(w, http.StatusMethodNotAllowed, oauthError{
			Error:       "invalid_request",
			Description: "The HTTP method " + r.Method + " is not allowed here; use " + allow + ".",
		})
	})
}
