package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/mux"
	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// deviceView is an authorized device as the API shows it. Status is the effective
// one: a device past expires_at shows as expired. Tenant is the resource URL the
// device connected to, "" for Gatehouse itself. Times are UTC.
type deviceView struct {
	ID            string    `json:"id"`
	Status        string    `json:"status"`
	Trusted       bool      `json:"trusted"`
	ClientID      string    `json:"client_id"`
	Hostname      string    `json:"hostname"`
	OS            string    `json:"os"`
	ClientVersion string    `json:"client_version"`
	IPAddress     string    `json:"ip_address"`
	CreatedAt     time.Time `json:"created_at"`
	LastSeenAt    time.Time `json:"last_seen_at"`
	ExpiresAt     time.Time `json:"expires_at"`
	Tenant        string    `json:"tenant"`
	UserID        string    `json:"user_id"`
	OrgID         string    `json:"org_id"`
}

func (a *API) viewDevice(d *storage.AuthorizedDevice) deviceView {
	return deviceView{
		ID: d.ID, Status: d.EffectiveStatus(a.now()), Trusted: d.Trusted, ClientID: d.ClientID,
		Hostname: d.Hostname, OS: d.OS, ClientVersion: d.ClientVersion, IPAddress: d.IPAddress,
		CreatedAt: d.CreatedAt.UTC(), LastSeenAt: d.LastSeenAt.UTC(), ExpiresAt: d.ExpiresAt.UTC(),
		Tenant: d.Resource, UserID: d.UserID, OrgID: d.OrgID,
	}
}

// writeDevices answers with a list of devices, in the store's order (newest first).
func (a *API) writeDevices(w http.ResponseWriter, devs []*storage.AuthorizedDevice) {
	out := make([]deviceView, 0, len(devs))
	for _, d := range devs {
		out = append(out, a.viewDevice(d))
	}
	writeJSON(w, http.StatusOK, map[string][]deviceView{"devices": out})
}

// listDevices serves GET /api/v1/devices: the caller's own devices, newest first,
// whichever tenant they connected to.
func (a *API) listDevices(w http.ResponseWriter, r *http.Request, c *caller) error {
	devs, err := a.store.UserDevices(r.Context(), c.userID)
	if err != nil {
		return err
	}
	a.writeDevices(w, devs)
	return nil
}

// getDevice serves GET /api/v1/devices/{id}: one of the caller's devices, by id or
// unique prefix.
func (a *API) getDevice(w http.ResponseWriter, r *http.Request, c *caller) error {
	d, err := a.ownDevice(r.Context(), c, mux.Vars(r)["id"])
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.viewDevice(d))
	return nil
}

// deleteDevice serves DELETE /api/v1/devices/{id}: the device's tokens are revoked
// for good and it must connect again. Tenants refuse its JWTs from their next poll of
// the revoked devices list.
func (a *API) deleteDevice(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()

	d, err := a.ownDevice(ctx, c, mux.Vars(r)["id"])
	if err != nil {
		return err
	}
	err = a.store.DeleteDevice(ctx, d.ID)
	if errors.Is(err, fosite.ErrNotFound) {
		return notFound("Device") // deleted by a concurrent request
	}
	if err != nil {
		return err
	}

	a.auditDevice(r, c, storage.AuditDeviceDeleted, d, detailByOwner)
	a.log.InfoContext(ctx, "device deleted", "device_id", d.ID, "user_id", d.UserID,
		"actor_id", c.userID)
	writeNoContent(w)
	return nil
}

// ownDevice finds the caller's device whose id is, or starts with, prefix. Someone
// else's device is not found, exactly like an unknown id, so that ids cannot be
// probed.
func (a *API) ownDevice(ctx context.Context, c *caller, prefix string) (*storage.AuthorizedDevice, error) {
	devs, err := a.store.UserDevices(ctx, c.userID)
	if err != nil {
		return nil, err
	}
	return resolveDevice(devs, prefix, func(d *storage.AuthorizedDevice) bool { return d.UserID == c.userID })
}

// resolveDevice picks the device prefix names among devs: its full id or a prefix
// that fits it alone. A prefix that fits several is storage.ErrAmbiguousPrefix, a 409;
// a device that turns out not to be the caller's (belongs) is not found.
func resolveDevice(devs []*storage.AuthorizedDevice, prefix string,
	belongs func(*storage.AuthorizedDevice) bool) (*storage.AuthorizedDevice, error) {
	d, err := storage.ResolveDevicePrefix(devs, prefix)
	if errors.Is(err, fosite.ErrNotFound) || (err == nil && !belongs(d)) {
		return nil, notFound("Device")
	}
	return d, err
}
