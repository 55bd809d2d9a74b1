package api

import (
	"context"
	"net/http"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// listOrgDevices serves GET /api/v1/orgs/{org}/devices (devices:manage): the devices
// members authorized for the organization's tenants, newest first. A member's devices
// for Gatehouse itself, or for another organization, are not the organization's.
func (a *API) listOrgDevices(w http.ResponseWriter, r *http.Request, c *caller) error {
	devs, err := a.store.OrgDevices(r.Context(), c.orgID)
	if err != nil {
		return err
	}
	a.writeDevices(w, devs)
	return nil
}

// orgDevice finds the organization's device whose id is, or starts with, prefix. A
// device of another organization is not found, like an unknown id.
func (a *API) orgDevice(ctx context.Context, c *caller, prefix string) (*storage.AuthorizedDevice, error) {
	devs, err := a.store.OrgDevices(ctx, c.orgID)
	if err != nil {
		return nil, err
	}
	return resolveDevice(devs, prefix, func(d *storage.AuthorizedDevice) bool { return d.OrgID == c.orgID })
}
