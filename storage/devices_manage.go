package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ory/fosite"
	"github.com/redis/go-redis/v9"
)

// ErrAmbiguousPrefix is returned when a shortened device id matches several devices.
var ErrAmbiguousPrefix = errors.New("storage: the id prefix matches more than one device")

// UserDevices lists the devices userID authorized, newest first, including expired
// ones still retained.
func (s *Store) UserDevices(ctx context.Context, userID string) ([]*AuthorizedDevice, error) {
	return s.indexedDevices(ctx, keyUserDevices+userID)
}

// OrgDevices lists the devices authorized for an organization's tenants, newest first.
func (s *Store) OrgDevices(ctx context.Context, orgID string) ([]*AuthorizedDevice, error) {
	return s.indexedDevices(ctx, keyOrgDevices+orgID)
}

func (s *Store) indexedDevices(ctx context.Context, index string) ([]*AuthorizedDevice, error) {
	ids, err := s.rdb.ZRevRange(ctx, index, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: list devices: %w", err)
	}

	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	for i, id := range ids {
		cmds[i] = pipe.HGetAll(ctx, keyDevice+id)
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("storage: load devices: %w", err)
	}

	out := make([]*AuthorizedDevice, 0, len(ids))
	for i, cmd := range cmds {
		if len(cmd.Val()) == 0 {
			s.rdb.ZRem(ctx, index, ids[i]) // the record aged out; drop its index entry
			continue
		}
		out = append(out, deviceFromFields(cmd.Val()))
	}
	return out, nil
}

// ResolveDevicePrefix finds the one device among devs whose id starts with prefix.
func ResolveDevicePrefix(devs []*AuthorizedDevice, prefix string) (*AuthorizedDevice, error) {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	if prefix == "" {
		return nil, fosite.ErrNotFound
	}
	var found *AuthorizedDevice
	for _, d := range devs {
		if !strings.HasPrefix(d.ID, prefix) {
			continue
		}
		if d.ID == prefix {
			return d, nil
		}
		if found != nil {
			return nil, ErrAmbiguousPrefix
		}
		found = d
	}
	if found == nil {
		return nil, fosite.ErrNotFound
	}
	return found, nil
}

// setDeviceStatusScript moves a device from ARGV[1] to ARGV[2] and keeps the revoked
// list (KEYS[2]) in step: a locked device is on it until its authorization ends.
// ARGV[4] says on whose authority: an admin's lock (locked_by = admin) can be lifted
// only by an admin. A device whose authorization has ended (ARGV[5] is now) stays as it
// is: unlocking must never bring it back.
var setDeviceStatusScript = redis.NewScript(`
local d = redis.call('HMGET', KEYS[1], 'status', 'expires_at', 'locked_by', 'org_id')
if not d[1] then return 0 end
if d[1] ~= ARGV[1] then return -1 end
if ARGV[2] == 'active' and d[3] == 'admin' and ARGV[4] ~= 'admin' then return -2 end
if tonumber(ARGV[5]) >= tonumber(d[2]) then return -1 end
redis.call('HSET', KEYS[1], 'status', ARGV[2])
if ARGV[2] == 'locked' then
  redis.call('HSET', KEYS[1], 'locked_by', ARGV[4])
  redis.call('ZADD', KEYS[2], d[2], ARGV[3])
  if d[4] and d[4] ~= '' then redis.call('ZADD', KEYS[2] .. ':' .. d[4], d[2], ARGV[3]) end
else
  redis.call('HDEL', KEYS[1], 'locked_by')
  redis.call('ZREM', KEYS[2], ARGV[3])
  if d[4] and d[4] ~= '' then redis.call('ZREM', KEYS[2] .. ':' .. d[4], ARGV[3]) end
end
return 1
`)

// ErrLockedByAdmin is returned when the owner tries to unlock a device that an
// organization admin locked.
var ErrLockedByAdmin = errors.New("storage: an organization admin locked this device; only an admin can unlock it")

// ErrDeviceState is returned when a device is not in the state an action needs (for
// instance unlocking a device that is not locked).
var ErrDeviceState = errors.New("storage: the device is not in a state that allows this")

// LockDevice locks an active device at once: its refresh fails, introspection says
// inactive, userinfo refuses it, and tenants refuse its JWTs at their next poll of the
// revoked devices list.
func (s *Store) LockDevice(ctx context.Context, id string) error {
	return s.setDeviceStatus(ctx, id, DeviceActive, DeviceLocked, "owner")
}

// UnlockDevice restores a locked device until its original expiry, no longer. A
// device an admin locked gives ErrLockedByAdmin.
func (s *Store) UnlockDevice(ctx context.Context, id string) error {
	return s.setDeviceStatus(ctx, id, DeviceLocked, DeviceActive, "owner")
}

// LockDeviceAsAdmin is LockDevice on an organization admin's authority: the owner
// cannot undo it.
func (s *Store) LockDeviceAsAdmin(ctx context.Context, id string) error {
	return s.setDeviceStatus(ctx, id, DeviceActive, DeviceLocked, "admin")
}

// UnlockDeviceAsAdmin is UnlockDevice on an organization admin's authority.
func (s *Store) UnlockDeviceAsAdmin(ctx context.Context, id string) error {
	return s.setDeviceStatus(ctx, id, DeviceLocked, DeviceActive, "admin")
}

func (s *Store) setDeviceStatus(ctx context.Context, id, from, to, by string) error {
	keys := []string{keyDevice + id, keyRevokedDevice}
	n, err := setDeviceStatusScript.Run(ctx, s.rdb, keys, from, to, id, by, ms(s.now())).Int()
	if err != nil {
		return fmt.Errorf("storage: %s device: %w", to, err)
	}
	switch n {
	case 0:
		return fosite.ErrNotFound
	case -1:
		return ErrDeviceState
	case -2:
		return ErrLockedByAdmin
	}
	return nil
}

// deleteDeviceScript removes a device, every token of its grant and its index
// entries, and keeps its id on the revoked list until its authorization would have
// ended, so tenants refuse JWTs already handed out.
var deleteDeviceScript = redis.NewScript(`
local d = redis.call('HMGET', KEYS[1], 'expires_at', 'user_id', 'org_id')
if not d[1] then return 0 end
for _, k in ipairs(redis.call('SMEMBERS', KEYS[2])) do redis.call('DEL', k) end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZADD', KEYS[3], d[1], ARGV[1])
redis.call('ZREM', ARGV[2] .. d[2], ARGV[1])
if d[3] and d[3] ~= '' then
  redis.call('ZREM', ARGV[3] .. d[3], ARGV[1])
  redis.call('ZADD', KEYS[3] .. ':' .. d[3], d[1], ARGV[1])
end
return 1
`)

// DeleteDevice revokes everything of a device for good.
func (s *Store) DeleteDevice(ctx context.Context, id string) error {
	keys := []string{keyDevice + id, keyRequestTokens + id, keyRevokedDevice}
	n, err := deleteDeviceScript.Run(ctx, s.rdb, keys, id, keyUserDevices, keyOrgDevices).Int()
	if err != nil {
		return fmt.Errorf("storage: delete device: %w", err)
	}
	if n == 0 {
		return fosite.ErrNotFound
	}
	return nil
}

// TouchDevice records that a device was just used from ip. It is called on refresh,
// not per request: tenants verifying JWTs offline write nothing. A deleted device is
// left deleted.
func (s *Store) TouchDevice(ctx context.Context, id, ip string) error {
	key := keyDevice + id
	if _, err := s.hsetIfExists(ctx, key, key, "last_seen_at", ms(s.now()), "ip_address", ip); err != nil {
		return fmt.Errorf("storage: touch device: %w", err)
	}
	return nil
}

// revokeReuseScript marks a device revoked, puts it on the revoked list and records the
// audit event, in one step.
var revokeReuseScript = redis.NewScript(`
local d = redis.call('HMGET', KEYS[1], 'expires_at', 'user_id', 'org_id', 'ip_address')
if not d[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', 'revoked')
redis.call('ZADD', KEYS[2], d[1], ARGV[1])
if d[3] and d[3] ~= '' then redis.call('ZADD', KEYS[2] .. ':' .. d[3], d[1], ARGV[1]) end
redis.call('XADD', KEYS[3], 'MINID', '~', ARGV[2], '*', 'type', ARGV[3], 'actor_id', d[2],
  'org_id', d[3] or '', 'device_id', ARGV[1], 'target_id', '', 'ip_address', d[4] or '',
  'detail', 'a rotated refresh token was presented again; the grant is revoked')
return 1
`)

// revokeDeviceForReuse is called when a rotated refresh token comes back (RFC 9700
// §4.14.2): someone holds a stolen copy, so the device is revoked for good. fosite
// then deletes the grant's tokens.
func (s *Store) revokeDeviceForReuse(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	minID := strconv.FormatInt(ms(s.now().Add(-AuditRetention)), 10)
	keys := []string{keyDevice + id, keyRevokedDevice, keyAudit}
	if err := revokeReuseScript.Run(ctx, s.rdb, keys, id, minID, AuditRefreshTokenReuse).Err(); err != nil {
		return fmt.Errorf("storage: revoke reused device: %w", err)
	}
	return nil
}
