package mgmt

import (
	"context"
	"net/http"
	"time"
)

// Authorized device statuses.
const (
	DeviceActive  = "active"
	DeviceLocked  = "locked"
	DeviceExpired = "expired"
	DeviceRevoked = "revoked" // final: a replayed refresh token revoked the device
)

// Device is an authorized device: one approved device login and the grant its tokens
// share. Tenant is the tenant URL the login was for, or "" for Gatehouse itself.
// ExpiresAt is when the authorization ends.
type Device struct {
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

// devicesPath is the path of the caller's own devices when org is empty, else of
// org's devices (the admin endpoints, devices:manage), followed by rest.
func devicesPath(org string, rest ...string) string {
	if org == "" {
		return path(append([]string{"devices"}, rest...)...)
	}
	return path(append([]string{"orgs", org, "devices"}, rest...)...)
}

// Devices returns the caller's authorized devices when org is empty, else the devices
// of org's members (devices:manage).
func (c *Client) Devices(ctx context.Context, org string) ([]Device, error) {
	var out struct {
		Devices []Device `json:"devices"`
	}
	kind := KindOther
	if org != "" {
		kind = KindOrg
	}
	err := c.do(ctx, request{method: http.MethodGet, path: devicesPath(org), kind: kind, out: &out})
	if err != nil {
		return nil, err
	}
	return nonNil(out.Devices), nil
}

// Device returns the caller's device whose id is, or starts with, id. A prefix that
// fits several devices is a 409 conflict.
func (c *Client) Device(ctx context.Context, id string) (*Device, error) {
	var out Device
	err := c.do(ctx, request{method: http.MethodGet, path: devicesPath("", id), kind: KindDevice,
		out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// LockDevice locks the device id (or unique prefix), the caller's own when org is
// empty, else one of org's (devices:manage). A locked device's tokens stop working
// until it is unlocked.
func (c *Client) LockDevice(ctx context.Context, org, id string) (*Device, error) {
	return c.deviceAction(ctx, org, id, "lock")
}

// UnlockDevice unlocks the device id, like [Client.LockDevice]. A revoked device
// cannot be unlocked.
func (c *Client) UnlockDevice(ctx context.Context, org, id string) (*Device, error) {
	return c.deviceAction(ctx, org, id, "unlock")
}

func (c *Client) deviceAction(ctx context.Context, org, id, action string) (*Device, error) {
	var out Device
	err := c.do(ctx, request{method: http.MethodPost, path: devicesPath(org, id, action),
		kind: KindDevice, out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteDevice deletes the caller's device id (or unique prefix): its tokens are
// revoked and it must sign in again.
func (c *Client) DeleteDevice(ctx context.Context, id string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: devicesPath("", id), kind: KindDevice})
}
