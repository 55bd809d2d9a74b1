package consent

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/provider"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// Messages of the code entry page.
const (
	msgInvalidCode = "That code is not valid. Check it and try again."
	msgExpiredCode = "That code has expired. Start again from your terminal."
	msgUsedCode    = "That code was already used."
)

// entryPage is the data of templates/device_entry.html.
type entryPage struct {
	frame
	Error string
	// Code pre-fills the field.
	Code string
}

// confirmPage is the data of templates/device_confirm.html.
type confirmPage struct {
	frame
	// Code is the user code as the terminal shows it; UserCode as the form sends it.
	Code, UserCode string
	ClientName     string
	// Access is what approving grants, and whether the person may approve.
	Access accessAsked
	// Details are what the device says about itself, and the address it asked from,
	// cleaned for display.
	Details storage.DeviceDetails
	// TrustedFor and UntrustedFor say how long an approval lasts, for the hint.
	TrustedFor, UntrustedFor string
}

// deviceForm serves GET /device, the code entry page. A user_code in the query, from
// verification_uri_complete (RFC 8628 §3.3.1), only fills in the field: the person
// still has to continue, check the device and approve it.
func (h *Handler) deviceForm(w http.ResponseWriter, r *http.Request) {
	code := prefill(r.URL.Query().Get("user_code"))
	who := h.signedInOrLogin(w, r, code)
	if who == nil {
		return
	}
	h.showEntry(w, r, who.User, entryPage{Code: code})
}

// deviceSubmit serves POST /device: look the code up and show what it would approve.
func (h *Handler) deviceSubmit(w http.ResponseWriter, r *http.Request) {
	typed := r.PostForm.Get("user_code")
	who := h.signedInOrLogin(w, r, prefill(typed))
	if who == nil {
		return
	}

	req, code, ok := h.lookup(w, r, who, typed)
	if !ok {
		return
	}
	h.showConfirm(w, r, who, req, code)
}

// signedInOrLogin returns who is signed in on r. Otherwise it writes the sign-in page,
// which carries code on to the code entry page, or the 503 page, and returns nil.
func (h *Handler) signedInOrLogin(w http.ResponseWriter, r *http.Request, code string) *signedIn {
	who, err := h.currentUser(r.Context(), r)
	if err != nil {
		h.unavailable(w, r, "load web session failed", err)
		return nil
	}
	if who == nil {
		h.showLogin(w, r, loginPage{ReturnTo: PathDevice, UserCode: code})
	}
	return who
}

// lookup finds the pending request of a typed code. When there is none it writes the
// answer (the entry page with a message, 429 or 503) and reports false.
func (h *Handler) lookup(w http.ResponseWriter, r *http.Request, who *signedIn, typed string) (
	*storage.DeviceRequest, string, bool) {
	ctx := r.Context()
	if strings.TrimSpace(typed) == "" {
		h.showEntry(w, r, who.User, entryPage{Error: msgInvalidCode})
		return nil, "", false
	}

	// RFC 8628 §5.1: a user code is short enough to guess, so wrong codes are limited,
	// and once a limit is spent no code is looked up at all.
	buckets := wrongCodeBuckets(who.User.ID, clientIP(r))
	wait, err := h.blocked(ctx, buckets)
	if err != nil {
		h.unavailable(w, r, "read wrong code rate limit failed", err)
		return nil, "", false
	}
	if wait > 0 {
		h.log.InfoContext(ctx, "wrong code rate limited",
			"user_id", who.User.ID, "ip_address", clientIP(r))
		h.tooMany(w, r, msgTooManyCodes, wait)
		return nil, "", false
	}

	// RFC 8628 §6.1: case, dashes and spaces do not matter.
	code, err := provider.NormalizeUserCode(typed)
	var req *storage.DeviceRequest
	if err == nil {
		req, err = h.store.DeviceRequestByUserCode(ctx, code)
	}

	entry := entryPage{Code: prefill(typed)}
	switch {
	case req != nil && req.Status != storage.DeviceCodePending:
		entry.Error = msgUsedCode
	case errors.Is(err, storage.ErrDeviceCodeExpired):
		entry.Error = msgExpiredCode
	case errors.Is(err, provider.ErrMalformedUserCode),
		errors.Is(err, storage.ErrDeviceCodeNotFound):
		h.wrongCode(w, r, who, buckets, entry)
		return nil, "", false
	case err != nil:
		h.unavailable(w, r, "load device request failed", err)
		return nil, "", false
	default:
		return req, code, true
	}
	h.showEntry(w, r, who.User, entry)
	return nil, "", false
}

// wrongCode counts a wrong code and shows the entry page again, or the 429 page when a
// concurrent guess spent the limit first.
func (h *Handler) wrongCode(w http.ResponseWriter, r *http.Request, who *signedIn,
	buckets []bucket, entry entryPage) {
	ctx := r.Context()
	h.log.InfoContext(ctx, "wrong user code", "user_id", who.User.ID, "ip_address", clientIP(r))

	if wait, err := h.failed(ctx, buckets); err != nil || wait > 0 {
		h.limitedOrUnavailable(w, r, msgTooManyCodes, wait, err)
		return
	}
	entry.Error = msgInvalidCode
	h.showEntry(w, r, who.User, entry)
}

// showEntry renders the code entry page for user.
func (h *Handler) showEntry(w http.ResponseWriter, r *http.Request, user *storage.User, p entryPage) {
	p.frame = newFrame(r, "Connect a device", user)
	h.render(w, r, http.StatusOK, "device_entry", p)
}

// showConfirm renders the confirmation page of req. RFC 8628 §5.4: the person must be
// able to tell their own device from a phished one, so the page shows the code, the
// client, the access it asks for and everything the device said about itself (marked
// as its own word), with where it asked from.
func (h *Handler) showConfirm(w http.ResponseWriter, r *http.Request, who *signedIn,
	req *storage.DeviceRequest, code string) {
	ctx := r.Context()
	clientName := req.ClientID
	client, err := h.store.Client(ctx, req.ClientID)
	switch {
	case err == nil && client.Name != "":
		clientName = client.Name
	case err != nil && !errors.Is(err, fosite.ErrNotFound):
		h.unavailable(w, r, "load client failed", err)
		return
	}

	access, err := h.accessFor(ctx, who.User, req)
	if err != nil {
		h.unavailable(w, r, "load requested access failed", err)
		return
	}

	h.render(w, r, http.StatusOK, "device_confirm", confirmPage{
		frame:        newFrame(r, "Approve this device?", who.User),
		Code:         provider.FormatUserCode(code),
		UserCode:     code,
		ClientName:   shown(clientName),
		Access:       access,
		Details:      shownDetails(req.Details),
		TrustedFor:   humanDuration(h.cfg.TrustedDeviceLifetime),
		UntrustedFor: humanDuration(h.cfg.DeviceLifetime),
	})
}

// prefill is how a code that came in a query or a form is shown back in the field:
// formatted when it is a well-formed code, else as typed, cut to the field's length.
func prefill(typed string) string {
	if code, err := provider.NormalizeUserCode(typed); err == nil {
		return provider.FormatUserCode(code)
	}
	typed = strings.TrimSpace(typed)
	if len(typed) > 32 {
		typed = typed[:32]
	}
	return strings.ToValidUTF8(typed, "")
}
