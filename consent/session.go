package consent

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// sessionCookie holds the browser session token; Redis keeps only its HMAC.
const sessionCookie = "gatehouse_session"

// signedIn is the person behind a browser session.
type signedIn struct {
	User    *storage.User
	Session *storage.WebSession
}

// currentUser loads who is signed in on r. No cookie, an ended session or a deleted
// user is (nil, nil); an error means storage failed.
func (h *Handler) currentUser(ctx context.Context, r *http.Request) (*signedIn, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}

	ws, err := h.store.WebSession(ctx, c.Value)
	if errors.Is(err, fosite.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}

	u, err := h.store.User(ctx, ws.UserID)
	if errors.Is(err, fosite.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &signedIn{User: u, Session: ws}, nil
}

// startSession signs user in with a new session, so a new token, at every sign-in: a
// token planted in the browser before can never become signed in (session fixation).
func (h *Handler) startSession(ctx context.Context, w http.ResponseWriter, user *storage.User) error {
	token, err := h.store.CreateWebSession(ctx, user.ID, h.cfg.SessionLifetime)
	if err != nil {
		return err
	}
	h.setSessionCookie(w, token, h.cfg.SessionLifetime)
	return nil
}

// replaceSession signs user in on this browser in place of whatever session it had.
func (h *Handler) replaceSession(w http.ResponseWriter, r *http.Request, user *storage.User) error {
	if err := h.endSession(w, r); err != nil {
		return err
	}
	if err := h.startSession(r.Context(), w, user); err != nil {
		return err
	}
	h.log.InfoContext(r.Context(), "signed in", "user_id", user.ID)
	return nil
}

// endSession deletes the browser's session, if it has one, and its cookie.
func (h *Handler) endSession(w http.ResponseWriter, r *http.Request) error {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	if err := h.store.DeleteWebSession(r.Context(), c.Value); err != nil {
		return err
	}
	h.setSessionCookie(w, "", 0)
	return nil
}

// setSessionCookie sets the session cookie; a ttl of zero or less removes it.
func (h *Handler) setSessionCookie(w http.ResponseWriter, token string, ttl time.Duration) {
	c := &http.Cookie{
		Name:     sessionCookie,
		Value:    token,
		Path:     "/",
		HttpOnly: true,
		Secure:   h.secure,
		SameSite: http.SameSiteLaxMode,
		MaxAge:   -1,
	}
	if ttl > 0 {
		c.MaxAge = int(ttl / time.Second)
		c.Expires = h.cfg.Now().Add(ttl)
	}
	http.SetCookie(w, c)
}
