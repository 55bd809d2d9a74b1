package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gorilla/mux"
	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// Audit details of device changes, saying on whose authority they were made.
const (
	detailByOwner = "by the owner"
	detailByAdmin = "by an organization admin"
)

// deviceChange is a move of a device from one status to another.
type deviceChange struct {
	from, to  string
	auditType string
	apply     func(ctx context.Context, id string) error
}

// lockChange stops a device's tokens at once: refresh fails with invalid_grant and
// introspection answers inactive.
// An admin's lock can be lifted only by an admin.
func (a *API) lockChange(asAdmin bool) deviceChange {
	apply := a.store.LockDevice
	if asAdmin {
		apply = a.store.LockDeviceAsAdmin
	}
	return deviceChange{from: storage.DeviceActive, to: storage.DeviceLocked,
		auditType: storage.AuditDeviceLocked, apply: apply}
}

// unlockChange restores a locked device until its original expiry, no longer.
func (a *API) unlockChange(asAdmin bool) deviceChange {
	apply := a.store.UnlockDevice
	if asAdmin {
		apply = a.store.UnlockDeviceAsAdmin
	}
	return deviceChange{from: storage.DeviceLocked, to: storage.DeviceActive,
		auditType: storage.AuditDeviceUnlocked, apply: apply}
}

// lockDevice serves POST /api/v1/devices/{id}/lock, for the device's owner.
func (a *API) lockDevice(w http.ResponseWriter, r *http.Request, c *caller) error {
	return a.changeOwnDevice(w, r, c, a.lockChange(false))
}

// unlockDevice serves POST /api/v1/devices/{id}/unlock, for the device's owner; a
// device an organization admin locked stays locked (409).
func (a *API) unlockDevice(w http.ResponseWriter, r *http.Request, c *caller) error {
	return a.changeOwnDevice(w, r, c, a.unlockChange(false))
}

// lockOrgDevice serves POST /api/v1/orgs/{org}/devices/{id}/lock (devices:manage).
func (a *API) lockOrgDevice(w http.ResponseWriter, r *http.Request, c *caller) error {
	return a.changeOrgDevice(w, r, c, a.lockChange(true))
}

// unlockOrgDevice serves POST /api/v1/orgs/{org}/devices/{id}/unlock (devices:manage).
func (a *API) unlockOrgDevice(w http.ResponseWriter, r *http.Request, c *caller) error {
	return a.changeOrgDevice(w, r, c, a.unlockChange(true))
}

func (a *API) changeOwnDevice(w http.ResponseWriter, r *http.Request, c *caller, ch deviceChange) error {
	d, err := a.ownDevice(r.Context(), c, mux.Vars(r)["id"])
	if err != nil {
		return err
	}
	return a.changeDevice(w, r, c, d, ch, detailByOwner)
}

func (a *API) changeOrgDevice(w http.ResponseWriter, r *http.Request, c *caller, ch deviceChange) error {
	d, err := a.orgDevice(r.Context(), c, mux.Vars(r)["id"])
	if err != nil {
		return err
	}
	return a.changeDevice(w, r, c, d, ch, detailByAdmin)
}

// changeDevice applies ch to d, records it in the audit trail and answers with the
// device. A device not in ch's starting status is a conflict that names the status
// it is in; the store re-checks the status atomically, so of two concurrent requests
// one wins and the other is told.
func (a *API) changeDevice(w http.ResponseWriter, r *http.Request, c *caller, d *storage.AuthorizedDevice,
	ch deviceChange, detail string) error {
	ctx := r.Context()

	// An expired device stays expired whatever its stored status, so it can be
	// neither locked nor unlocked.
	if status := d.EffectiveStatus(a.now()); status != ch.from {
		return wrongDeviceState(ch.from, status)
	}

	err := ch.apply(ctx, d.ID)
	if errors.Is(err, storage.ErrDeviceState) {
		return a.deviceStateConflict(ctx, d.ID, ch.from)
	}
	if errors.Is(err, fosite.ErrNotFound) {
		return notFound("Device") // deleted by a concurrent request
	}
	if err != nil {
		return err
	}
	d.Status = ch.to

	a.auditDevice(r, c, ch.auditType, d, detail)
	a.log.InfoContext(ctx, "device "+ch.to, "device_id", d.ID, "user_id", d.UserID,
		"org_id", d.OrgID, "actor_id", c.userID)
	writeJSON(w, http.StatusOK, a.viewDevice(d))
	return nil
}

// deviceStateConflict names the status a device turned out to be in when the store
// refused to change it.
func (a *API) deviceStateConflict(ctx context.Context, id, want string) error {
	d, err := a.store.Device(ctx, id)
	if errors.Is(err, fosite.ErrNotFound) {
		return notFound("Device")
	}
	if err != nil {
		return err
	}
	return wrongDeviceState(want, d.EffectiveStatus(a.now()))
}

// wrongDeviceState is the 409 for a device in status when the action needs want.
func wrongDeviceState(want, status string) *problem {
	return conflict(fmt.Sprintf("The device is not %s: it is %s.", want, status))
}

// auditDevice records a change the caller made to d. The target is the device's
// owner, the organization the device's.
func (a *API) auditDevice(r *http.Request, c *caller, typ string, d *storage.AuthorizedDevice, detail string) {
	a.audit(r, c, storage.AuditEvent{Type: typ, OrgID: d.OrgID, DeviceID: d.ID, TargetID: d.UserID,
		Detail: detail})
}
