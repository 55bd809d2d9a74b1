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
	// name is the verb for the log ("lock"); auditType the event it records.
	name, auditType string
	// refuse returns the flash key of a refusal when dev, in its effective status,
	// does not allow the action, else "".
	refuse func(status string) string
	// do changes the store; storage.ErrDeviceState is a refusal with stateFlash.
	do         func(ctx context.Context, id string) error
	stateFlash string
	// done is the flash key of success, and the past tense for the log ("locked").
	done string
}

// deviceActions are the buttons, by path.
func (h *Handler) deviceActions() map[string]deviceAction {
	return map[string]deviceAction{
		PathDevicesLock: {
			name: "lock", auditType: storage.AuditDeviceLocked,
			refuse: func(status string) string {
				switch status {
				case storage.DeviceActive:
					return ""
				case storage.DeviceLocked:
					return "is_locked"
				}
				return "not_active"
			},
			do: h.store.LockDevice, stateFlash: "not_active", done: "locked",
		},
		PathDevicesUnlock: {
			// UnlockDevice would restore a locked device whose time is up; it stays
			// expired here.
			name: "unlock", auditType: storage.AuditDeviceUnlocked,
			refuse: func(status string) string {
				switch status {
				case storage.DeviceLocked:
					return ""
				case storage.DeviceExpired:
					return "expired"
				}
				return "not_locked"
			},
			do: h.store.UnlockDevice, stateFlash: "not_locked", done: "unlocked",
		},
		PathDevicesDelete: {
			name: "delete", auditType: storage.AuditDeviceDeleted,
			refuse: func(string) string { return "" },
			do:     h.store.DeleteDevice, done: "deleted",
		},
	}
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
		if key := act.refuse(dev.EffectiveStatus(h.cfg.Now())); key != "" {
			h.flashRedirect(w, r, key)
			return
		}

		// Act; the store refuses a state that changed since it was loaded.
		err := act.do(ctx, dev.ID)
		switch {
		case errors.Is(err, storage.ErrDeviceState):
			h.flashRedirect(w, r, act.stateFlash)
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
