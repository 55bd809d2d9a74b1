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
	password := r.PostForm.Get("password")
	if password == "" {
		h.showInvitation(w, r, v, invitationPage{Error: msgEnterPassword})
		return
	}

	// The sign-in page's check, on the same limits: this form is no way around them.
	user, again := h.checkPassword(w, r, v.inv.Email, password)
	if user == nil {
		if again {
			h.showInvitation(w, r, v, invitationPage{Error: msgWrongPasswordFor})
		}
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
