package consent

import (
	"net/http"

	"github.com/gorilla/csrf"
)

// CSRF protection: gorilla/csrf keeps a token in an HMAC-authenticated cookie and wants
// it back, masked, in a form field of every unsafe request. It also checks Origin and,
// for HTTPS, Referer.
const (
	csrfCookie = "gatehouse_csrf"
	csrfField  = "gorilla.csrf.Token"
)

// protect puts next behind the CSRF check. A failure is the 403 page.
func (h *Handler) protect(next http.HandlerFunc) http.Handler {
	return csrf.Protect(h.cfg.CSRFKey,
		csrf.CookieName(csrfCookie),
		csrf.FieldName(csrfField),
		csrf.Path("/"),
		csrf.Secure(h.secure),
		csrf.HttpOnly(true),
		csrf.SameSite(csrf.SameSiteLaxMode),
		csrf.MaxAge(int(h.cfg.SessionLifetime.Seconds())),
		csrf.TrustedOrigins([]string{h.originHost}),
		csrf.ErrorHandler(http.HandlerFunc(h.csrfFailed)),
	)(next)
}

// prepareOrigin readies r for gorilla/csrf. It reports false for a request that a
// browser says comes from another site, which is refused before any other check.
//
// gorilla/csrf v1.7 assumes HTTPS: without the plaintext mark it checks a plain-http
// request's Origin against https://host and fails it. With the mark it only checks
// Origin when present, and the token.
//
// Our pages send Referrer-Policy: no-referrer, under which browsers submit forms with
// "Origin: null" and no Referer (Fetch, "append a request Origin header"), and
// gorilla/csrf refuses both. Browsers also send Sec-Fetch-Site, which no page can set;
// when it says same-origin, the issuer's origin is restated in Origin.
func (h *Handler) prepareOrigin(r *http.Request) (*http.Request, bool) {
	if !h.secure {
		r = csrf.PlaintextHTTPRequest(r)
	}
	if isSafeMethod(r.Method) {
		return r, true
	}

	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin":
		if o := r.Header.Get("Origin"); o == "" || o == "null" {
			r.Header.Set("Origin", h.origin)
		}
	case "same-site", "cross-site":
		return r, false
	}
	return r, true
}

func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// csrfFailed is the 403 page of a form without a valid token or from another origin.
func (h *Handler) csrfFailed(w http.ResponseWriter, r *http.Request) {
	reason := "cross-site request"
	if err := csrf.FailureReason(r); err != nil {
		reason = err.Error()
	}
	h.log.InfoContext(r.Context(), "csrf check failed", "path", r.URL.Path, "reason", reason)
	h.renderStatus(w, r, http.StatusForbidden)
}
