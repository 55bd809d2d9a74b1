package consent

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// Messages of the invitation page's sign-in and account forms.
const (
	msgEnterPassword    = "Enter your password."
	msgWrongPasswordFor = "Wrong password."
	msgEnterName        = "Enter your name."
	msgNameTooLong      = "Use a name of at most 100 characters."
	msgShortPassword    = "Use a password of at least 8 characters."
	msgPasswordMismatch = "The passwords do not match."
)

// Bounds of the account form, in characters.
const (
	minPasswordLen = 8
	maxNameLen     = 100
)

// signInAndAccept signs the invited account in with the password of the form, then
// accepts. The email is the invitation's, never the form's.
func (h *Handler) signInAndAccept(w http.ResponseWriter, r *http.Request, v *invitation) {
	ctx := r.Context()
	password := r.PostForm.Get("password")
	if password == "" {
		h.showInvitation(w, r, v, invitationPage{Error: msgEnterPassword})
		return
	}

	// The sign-in page's limits on the same buckets: this form is no way around them.
	buckets := signInBuckets(clientIP(r), v.inv.Email)
	wait, err := h.blocked(ctx, buckets)
	if err != nil {
		h.unavailable(w, r, "read sign-in rate limit failed", err)
		return
	}
	if wait > 0 {
		h.log.InfoContext(ctx, "sign-in rate limited", "ip_address", clientIP(r))
		h.tooMany(w, r, msgTooManySignIns, wait)
		return
	}

	// Check the password; count a failure.
	user, err := h.store.Authenticate(ctx, v.inv.Email, password)
	if errors.Is(err, storage.ErrWrongPassword) {
		h.log.InfoContext(ctx, "sign-in failed", "ip_address", clientIP(r))
		if wait, err := h.failed(ctx, buckets); err != nil || wait > 0 {
			h.limitedOrUnavailable(w, r, msgTooManySignIns, wait, err)
			return
		}
		h.showInvitation(w, r, v, invitationPage{Error: msgWrongPasswordFor})
		return
	}
	if err != nil {
		h.unavailable(w, r, "authenticate failed", err)
		return
	}

	if err := h.replaceSession(w, r, user); err != nil {
		h.unavailable(w, r, "replace web session failed", err)
		return
	}
	h.acceptInvitation(w, r, v, user)
}

// createAndAccept creates the account of the invited email, which the invitation
// proves, signs it in and accepts.
func (h *Handler) createAndAccept(w http.ResponseWriter, r *http.Request, v *invitation) {
	ctx := r.Context()
	name := strings.ToValidUTF8(strings.TrimSpace(r.PostForm.Get("name")), "")
	password, confirm := r.PostForm.Get("password"), r.PostForm.Get("confirm_password")

	// Check the form; nothing is created unless all of it is right.
	p := invitationPage{Name: name}
	switch {
	case name == "":
		p.Error = msgEnterName
	case utf8.RuneCountInString(name) > maxNameLen:
		p.Error, p.Name = msgNameTooLong, ""
	case utf8.RuneCountInString(password) < minPasswordLen:
		p.Error = msgShortPassword
	case password != confirm:
		p.Error = msgPasswordMismatch
	}
	if p.Error != "" {
		h.showInvitation(w, r, v, p)
		return
	}

	// Create the account. Another request may have created it since the page loaded;
	// then it is that account's password that is needed.
	user, err := h.store.CreateUser(ctx, v.inv.Email, name, password)
	if errors.Is(err, storage.ErrExists) {
		if v.invitee, err = h.store.UserByEmail(ctx, v.inv.Email); err != nil {
			h.unavailable(w, r, "load invited user failed", err)
			return
		}
		h.showInvitation(w, r, v, invitationPage{Error: msgAccountExists})
		return
	}
	if err != nil {
		h.unavailable(w, r, "create user failed", err)
		return
	}
	h.log.InfoContext(ctx, "account created", "user_id", user.ID, "invitation_id", v.inv.ID)

	// Sign in before accepting: should accepting fail, the account still works.
	if err := h.replaceSession(w, r, user); err != nil {
		h.unavailable(w, r, "replace web session failed", err)
		return
	}
	h.acceptInvitation(w, r, v, user)
}
