package consent

import (
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// devicesSignIn is where the devices pages send someone not signed in.
const devicesSignIn = PathLogin + "?return_to=" + PathDevices

// devicesPage is the data of templates/devices.html.
type devicesPage struct {
	frame
	Devices []deviceRow
	// Flash is the outcome of the action that redirected here, if any.
	Flash *flash
}

// deviceRow is one authorized device as the table shows it.
type deviceRow struct {
	ID                               string
	Hostname, OS, Client, IP, Tenant string
	Trusted                          bool
	// Status is the effective status as a label: Active, Locked, Expired or Revoked;
	// StatusClass the same in lower case, for the style sheet.
	Status, StatusClass           string
	Authorized, LastSeen, Expires shownTime
	// CanLock and CanUnlock offer the buttons; Delete is always offered.
	CanLock, CanUnlock bool
}

// shownTime is a time as the table shows it: Human for people, in UTC (the page says
// so), Machine (RFC 3339) for the datetime attribute. The zero time is a dash and no
// Machine.
type shownTime struct {
	Human, Machine string
}

func showTime(t time.Time) shownTime {
	if t.IsZero() {
		return shownTime{Human: "—"}
	}
	t = t.UTC()
	return shownTime{Human: t.Format("2 Jan 2006 15:04"), Machine: t.Format(time.RFC3339)}
}

// devicesList serves GET /devices: the devices the signed-in person authorized.
func (h *Handler) devicesList(w http.ResponseWriter, r *http.Request) {
	who := h.signedInOrRedirect(w, r)
	if who == nil {
		return
	}

	devs, err := h.store.UserDevices(r.Context(), who.User.ID)
	if err != nil {
		h.unavailable(w, r, "list devices failed", err)
		return
	}
	now := h.cfg.Now()
	p := devicesPage{frame: newFrame(r, "Devices", who.User), Flash: h.takeFlash(w, r)}
	p.Wide = len(devs) > 0
	for _, d := range devs {
		p.Devices = append(p.Devices, newDeviceRow(d, now))
	}
	h.render(w, r, http.StatusOK, "devices", p)
}

// signedInOrRedirect returns who is signed in on r. Otherwise it writes the 303 to the
// sign-in page, which comes back to the devices page, or the 503 page, and returns nil.
func (h *Handler) signedInOrRedirect(w http.ResponseWriter, r *http.Request) *signedIn {
	who, err := h.currentUser(r.Context(), r)
	if err != nil {
		h.unavailable(w, r, "load web session failed", err)
		return nil
	}
	if who == nil {
		http.Redirect(w, r, devicesSignIn, http.StatusSeeOther)
	}
	return who
}

// newDeviceRow is d as the table shows it. What the device said about itself is cleaned
// for display (visible, shown).
func newDeviceRow(d *storage.AuthorizedDevice, now time.Time) deviceRow {
	status := d.EffectiveStatus(now)
	row := deviceRow{
		ID: d.ID, Hostname: orDash(shown(d.Hostname)), OS: orDash(shown(d.OS)),
		IP: orDash(shown(d.IPAddress)), Tenant: visible(d.Resource), Trusted: d.Trusted,
		Status: statusLabel(status), StatusClass: status,
		Authorized: showTime(d.CreatedAt), LastSeen: showTime(d.LastSeenAt),
		Expires:   showTime(d.ExpiresAt),
		CanLock:   status == storage.DeviceActive,
		CanUnlock: status == storage.DeviceLocked,
	}
	if row.Tenant == "" {
		row.Tenant = "Gatehouse"
	}
	row.Client = strings.TrimSpace(shown(d.ClientName) + " " + shown(d.ClientVersion))
	if row.Client == "" {
		row.Client = orDash(shown(d.ClientID))
	}
	return row
}

// statusLabel is an effective device status as the table shows it.
func statusLabel(status string) string {
	switch status {
	case storage.DeviceActive:
		return "Active"
	case storage.DeviceLocked:
		return "Locked"
	case storage.DeviceExpired:
		return "Expired"
	case storage.DeviceRevoked:
		return "Revoked"
	}
	return status
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
