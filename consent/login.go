package consent

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// Messages of the sign-in page. An unknown email and a wrong password read the same,
// so that the page does not tell who has an account.
const (
	msgWrongPassword = "Wrong email or password."
	msgMissingFields = "Enter your email and password."
)

// loginPage is the data of templates/login.html.
type loginPage struct {
	frame
	Error, Email string
	// ReturnTo is the safe relative path to go to after signing in.
	ReturnTo string
	// UserCode is a code typed or pre-filled before signing in, carried in the form
	// (never in a URL) to the code entry page after it.
	UserCode string
}

// loginForm serves GET /login. Someone already signed in goes straight on.
func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	returnTo := safeReturnTo(r.URL.Query().Get("return_to"))

	who, err := h.currentUser(ctx, r)
	if err != nil {
		h.unavailable(w, r, "load web session failed", err)
		return
	}
	if who != nil {
		http.Redirect(w, r, returnTo, http.StatusSeeOther)
		return
	}

	h.showLogin(w, r, loginPage{ReturnTo: returnTo})
}

// showLogin renders the sign-in page. The device pages show it in place of themselves
// when nobody is signed in.
func (h *Handler) showLogin(w http.ResponseWriter, r *http.Request, p loginPage) {
	p.frame = newFrame(r, "Sign in", nil)
	if p.ReturnTo == "" {
		p.ReturnTo = PathDevice
	}
	h.render(w, r, http.StatusOK, "login", p)
}

// loginSubmit serves POST /login: check the password, start a session, go back.
func (h *Handler) loginSubmit(w http.ResponseWriter, r *http.Request) {
	form := loginPage{
		Email:    strings.TrimSpace(r.PostForm.Get("email")),
		ReturnTo: safeReturnTo(r.PostForm.Get("return_to")),
		UserCode: prefill(r.PostForm.Get("user_code")),
	}
	password := r.PostForm.Get("password")
	if form.Email == "" || password == "" {
		form.Error = msgMissingFields
		h.showLogin(w, r, form)
		return
	}

	user, again := h.checkPassword(w, r, form.Email, password)
	if user == nil {
		if again {
			form.Error = msgWrongPassword
			h.showLogin(w, r, form)
		}
		return
	}

	// Replace whatever session the browser had with a new one.
	if err := h.replaceSession(w, r, user); err != nil {
		h.unavailable(w, r, "replace web session failed", err)
		return
	}

	// A code typed before signing in goes back into the code entry form.
	if form.UserCode != "" {
		h.showEntry(w, r, user, entryPage{Code: form.UserCode})
		return
	}
	http.Redirect(w, r, form.ReturnTo, http.StatusSeeOther)
}

// checkPassword checks the password of email under the sign-in limits and returns its
// user. A wrong one is counted: then it returns again when the form may be shown again,
// else it has written the 429 page. A spent limit is the 429 page before any check, and
// a storage failure the 503 page.
func (h *Handler) checkPassword(w http.ResponseWriter, r *http.Request, email, password string) (
	user *storage.User, again bool) {
	ctx := r.Context()

	// Refuse before the password is checked once this network has failed too often
	// for this email, or too often at all.
	buckets := signInBuckets(clientIP(r), email)
	wait, err := h.blocked(ctx, buckets)
	if err != nil {
		h.unavailable(w, r, "read sign-in rate limit failed", err)
		return nil, false
	}
	if wait > 0 {
		h.log.InfoContext(ctx, "sign-in rate limited", "ip_address", clientIP(r))
		h.tooMany(w, r, msgTooManySignIns, wait)
		return nil, false
	}

	// Check the password; count a failure.
	user, err = h.store.Authenticate(ctx, email, password)
	if errors.Is(err, storage.ErrWrongPassword) {
		h.log.InfoContext(ctx, "sign-in failed", "ip_address", clientIP(r))
		if wait, err := h.failed(ctx, buckets); err != nil || wait > 0 {
			h.limitedOrUnavailable(w, r, msgTooManySignIns, wait, err)
			return nil, false
		}
		return nil, true
	}
	if err != nil {
		h.unavailable(w, r, "authenticate failed", err)
		return nil, false
	}
	return user, false
}

// logout serves POST /logout.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.endSession(w, r); err != nil {
		h.unavailable(w, r, "end web session failed", err)
		return
	}
	http.Redirect(w, r, PathLogin, http.StatusSeeOther)
}

// safeReturnTo is s if it is a path on this server, else the code entry page. Anything
// a browser could read as another host is refused: a scheme, "//host", "/\host",
// control characters, or an escaped slash that decodes to "//".
func safeReturnTo(s string) string {
	if len(s) == 0 || len(s) > 1024 || s[0] != '/' || strings.HasPrefix(s, "//") ||
		strings.ContainsRune(s, '\\') {
		return PathDevice
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return PathDevice
		}
	}

	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return PathDevice
	}
	// The sign-in page would send a signed-in person back to itself.
	if u.Path == PathLogin {
		return PathDevice
	}
	return s
}
