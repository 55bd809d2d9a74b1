package consent

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// flash is the message the devices page shows once, after an action redirected to it.
type flash struct {
	Message string
	// Error marks a refusal rather than a success.
	Error bool
}

// flashes are the messages an action can leave, by the key the flash cookie holds: the
// cookie names a message, so it cannot put text of its own on the page.
var flashes = map[string]flash{
	"locked":     {Message: "Device locked. Its tokens stop working within seconds everywhere."},
	"unlocked":   {Message: "Device unlocked. It works again until its authorization expires."},
	"deleted":    {Message: "Device deleted. Its tokens stop working within seconds everywhere."},
	"not_active": {Message: "This device is not active, so it cannot be locked.", Error: true},
	"is_locked":  {Message: "This device is already locked.", Error: true},
	"not_locked": {Message: "This device is not locked.", Error: true},
	"locked_by_admin": {Message: "An organization admin locked this device; only an admin can unlock it.",
		Error: true},
	"expired": {Message: "The authorization of this device has expired, so it cannot be " +
		"unlocked. Delete it and run gatehouse connect again.", Error: true},
}

// flashCookie carries a flash key from an action to the devices page, for a minute.
const flashCookie = "gatehouse_flash"

// maxDeviceIDLen bounds a device id from a form; ids are 26 characters.
const maxDeviceIDLen = 64

// deviceAction is one of the buttons of the devices page.
type deviceAction struct {
	// name is the verb for the log ("lock"); done the past tense for the log and the
	// flash key of success ("locked"); auditType the event it records.
	name, done, auditType string
	// from is the effective status the action needs, "" for any. A device in another
	// status is refused with the flash key that refusedIn names for it, else with
	// refused, which is also the refusal when the store finds the state changed
	// (storage.ErrDeviceState).
	from      string
	refusedIn map[string]string
	refused   string
	// do changes the store.
	do func(s *storage.Store, ctx context.Context, id string) error
}

// The buttons of the devices page.
var (
	lockAction = deviceAction{
		name: "lock", done: "locked", auditType: storage.AuditDeviceLocked,
		from: storage.DeviceActive, refusedIn: map[string]string{storage.DeviceLocked: "is_locked"},
		refused: "not_active", do: (*storage.Store).LockDevice,
	}
	// UnlockDevice would restore a locked device whose time is up; it stays expired here.
	unlockAction = deviceAction{
		name: "unlock", done: "unlocked", auditType: storage.AuditDeviceUnlocked,
		from: storage.DeviceLocked, refusedIn: map[string]string{storage.DeviceExpired: "expired"},
		refused: "not_locked", do: (*storage.Store).UnlockDevice,
	}
	deleteAction = deviceAction{
		name: "delete", done: "deleted", auditType: storage.AuditDeviceDeleted,
		do: (*storage.Store).DeleteDevice,
	}
)

// refusal is the flash key of the refusal of act on a device in the effective status,
// "" when act allows it.
func (act deviceAction) refusal(status string) string {
	if act.from == "" || status == act.from {
		return ""
	}
	if key, ok := act.refusedIn[status]; ok {
		return key
	}
	return act.refused
}

// manageDevice serves the POST of a devices page button: device_id in the body, the
// device the signed-in person's own. It redirects to the devices page with a flash.
func (h *Handler) manageDevice(act deviceAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		who := h.signedInOrRedirect(w, r)
		if who == nil {
			return
		}

		// Load the device; someone else's is as unknown as one that does not exist.
		dev, ok := h.ownDevice(w, r, who, r.PostForm.Get("device_id"))
		if !ok {
			return
		}
		if key := act.refusal(dev.EffectiveStatus(h.cfg.Now())); key != "" {
			h.flashRedirect(w, r, key)
			return
		}

		// Act; the store refuses a state that changed since it was loaded.
		err := act.do(h.store, ctx, dev.ID)
		switch {
		case errors.Is(err, storage.ErrDeviceState):
			h.flashRedirect(w, r, act.refused)
			return
		case errors.Is(err, storage.ErrLockedByAdmin):
			h.flashRedirect(w, r, "locked_by_admin")
			return
		case errors.Is(err, fosite.ErrNotFound):
			h.noSuchDevice(w, r, who)
			return
		case err != nil:
			h.unavailable(w, r, act.name+" device failed", err)
			return
		}

		h.log.InfoContext(ctx, "device "+act.done, "user_id", who.User.ID,
			"device_id", dev.ID, "org_id", dev.OrgID)
		h.audit(r, storage.AuditEvent{Type: act.auditType, ActorID: who.User.ID,
			OrgID: dev.OrgID, DeviceID: dev.ID})
		h.flashRedirect(w, r, act.done)
	}
}

// ownDevice loads the device id if who authorized it. Otherwise it writes the 404
// page (or 503) and reports false.
func (h *Handler) ownDevice(w http.ResponseWriter, r *http.Request, who *signedIn, id string) (
	*storage.AuthorizedDevice, bool) {
	if id == "" || len(id) > maxDeviceIDLen {
		h.noSuchDevice(w, r, who)
		return nil, false
	}
	dev, err := h.store.Device(r.Context(), id)
	if errors.Is(err, fosite.ErrNotFound) || (err == nil && dev.UserID != who.User.ID) {
		h.log.InfoContext(r.Context(), "device not found for user", "user_id", who.User.ID,
			"device_id", id)
		h.noSuchDevice(w, r, who)
		return nil, false
	}
	if err != nil {
		h.unavailable(w, r, "load device failed", err)
		return nil, false
	}
	return dev, true
}

// noSuchDevice writes the 404 page of a device that is not the person's.
func (h *Handler) noSuchDevice(w http.ResponseWriter, r *http.Request, who *signedIn) {
	h.render(w, r, http.StatusNotFound, "status", statusPage{
		frame: newFrame(r, "No such device", who.User), Heading: "No such device",
		Message: "No such device. It may have been deleted already.",
		Link:    PathDevices, LinkText: "Back to your devices",
	})
}

// flashRedirect sends the browser back to the devices page (RFC 9110 §15.4.4: 303
// turns the POST into a GET) with the flash key in a cookie.
func (h *Handler) flashRedirect(w http.ResponseWriter, r *http.Request, key string) {
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Value: key, Path: PathDevices, MaxAge: int(time.Minute / time.Second),
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, PathDevices, http.StatusSeeOther)
}

// takeFlash returns the flash the browser carries, if it names one, and clears it.
func (h *Handler) takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Path: PathDevices, MaxAge: -1,
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode,
	})
	f, ok := flashes[c.Value]
	if !ok {
		return nil
	}
	return &f
}
