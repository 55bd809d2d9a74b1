package storage

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/ory/fosite"
)

// Authorized device statuses. A device past its ExpiresAt is shown as DeviceExpired.
const (
	DeviceActive  = "active"
	DeviceLocked  = "locked"
	DeviceExpired = "expired"
	// DeviceRevoked is final: a replayed refresh token (RFC 9700 §4.14.2) revoked the
	// device's grant, and it cannot be unlocked.
	DeviceRevoked = "revoked"
)

// AuthorizedDevice is one approved device login: the grant its tokens share.
type AuthorizedDevice struct {
	ID            string
	UserID        string
	ClientID      string
	Status        string
	Trusted       bool
	Hostname      string
	OS            string
	ClientName    string
	ClientVersion string
	UserAgent     string
	IPAddress     string
	CreatedAt     time.Time
	LastSeenAt    time.Time
	// ExpiresAt is the end of the authorization: 30 days when trusted, else 24 hours.
	ExpiresAt time.Time
	OrgID     string
	TenantID  string
	Resource  string
}

// EffectiveStatus is Status, or DeviceExpired once the authorization has ended.
func (d *AuthorizedDevice) EffectiveStatus(now time.Time) string {
	if !now.Before(d.ExpiresAt) {
		return DeviceExpired
	}
	return d.Status
}

func newAuthorizedDevice(r *DeviceRequest, a Approval) *AuthorizedDevice {
	d := &AuthorizedDevice{
		ID: r.ID, UserID: a.UserID, ClientID: r.ClientID, Status: DeviceActive,
		Trusted: a.Trusted, Hostname: r.Details.Hostname, OS: r.Details.OS,
		ClientName: r.Details.ClientName, ClientVersion: r.Details.ClientVersion,
		UserAgent: r.Details.UserAgent, IPAddress: r.Details.IPAddress,
		CreatedAt: a.ApprovedAt, LastSeenAt: a.ApprovedAt, ExpiresAt: a.ExpiresAt,
		OrgID: a.OrgID, TenantID: a.TenantID,
	}
	if len(r.Resource) > 0 {
		d.Resource = r.Resource[0]
	}
	return d
}

func (d *AuthorizedDevice) fields() map[string]string {
	return map[string]string{
		"id": d.ID, "user_id": d.UserID, "client_id": d.ClientID, "status": d.Status,
		"trusted": strconv.FormatBool(d.Trusted), "hostname": d.Hostname, "os": d.OS,
		"client_name": d.ClientName, "client_version": d.ClientVersion,
		"user_agent": d.UserAgent, "ip_address": d.IPAddress,
		"created_at":   strconv.FormatInt(ms(d.CreatedAt), 10),
		"last_seen_at": strconv.FormatInt(ms(d.LastSeenAt), 10),
		"expires_at":   strconv.FormatInt(ms(d.ExpiresAt), 10),
		"org_id":       d.OrgID, "tenant_id": d.TenantID, "resource": d.Resource,
	}
}

func deviceFromFields(f map[string]string) *AuthorizedDevice {
	trusted, _ := strconv.ParseBool(f["trusted"])
	return &AuthorizedDevice{
		ID: f["id"], UserID: f["user_id"], ClientID: f["client_id"], Status: f["status"],
		Trusted: trusted, Hostname: f["hostname"], OS: f["os"],
		ClientName: f["client_name"], ClientVersion: f["client_version"],
		UserAgent: f["user_agent"], IPAddress: f["ip_address"],
		CreatedAt: parseMS(f["created_at"]), LastSeenAt: parseMS(f["last_seen_at"]),
		ExpiresAt: parseMS(f["expires_at"]), OrgID: f["org_id"], TenantID: f["tenant_id"],
		Resource: f["resource"],
	}
}

// Device loads an authorized device; an unknown id is fosite.ErrNotFound.
func (s *Store) Device(ctx context.Context, id string) (*AuthorizedDevice, error) {
	f, err := s.rdb.HGetAll(ctx, keyDevice+id).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: load device %s: %w", id, err)
	}
	if len(f) == 0 {
		return nil, fosite.ErrNotFound
	}
	return deviceFromFields(f), nil
}

// deviceUsable refuses the tokens of a device that is gone, locked or expired, given
// its status and expires_at fields. The error wraps fosite.ErrNotFound, which fosite
// turns into invalid_grant on refresh and active=false on introspection, without
// revoking the grant.
func (s *Store) deviceUsable(id string, vals []any) error {
	status, _ := vals[0].(string)
	exp, _ := vals[1].(string)
	switch {
	case status == "":
		return fmt.Errorf("storage: device %s was deleted: %w", id, fosite.ErrNotFound)
	case status != DeviceActive:
		return fmt.Errorf("storage: device %s is %s: %w", id, status, fosite.ErrNotFound)
	case !s.now().Before(parseMS(exp)):
		return fmt.Errorf("storage: device %s expired: %w", id, fosite.ErrNotFound)
	}
	return nil
}

// RevokedDeviceIDs lists the locked or deleted devices whose authorization has not yet
// ended: the ones whose still-unexpired JWTs tenants must refuse.
func (s *Store) RevokedDeviceIDs(ctx context.Context) ([]string, error) {
	return s.revokedIn(ctx, keyRevokedDevice)
}

// OrgRevokedDeviceIDs is RevokedDeviceIDs for the devices of one organization's
// tenants: what that organization's tenant servers need, and no more.
func (s *Store) OrgRevokedDeviceIDs(ctx context.Context, orgID string) ([]string, error) {
	return s.revokedIn(ctx, keyRevokedDevice+":"+orgID)
}

func (s *Store) revokedIn(ctx context.Context, key string) ([]string, error) {
	now := strconv.FormatInt(ms(s.now()), 10)
	pipe := s.rdb.TxPipeline()
	pipe.ZRemRangeByScore(ctx, key, "-inf", now)
	ids := pipe.ZRange(ctx, key, 0, -1)
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("storage: list revoked devices: %w", err)
	}
	return ids.Val(), nil
}
