package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// decideScript moves a pending, unexpired request to approved or denied. On approval
// it also creates the authorized device and indexes it under its owner, in the same
// step, so that a device exists exactly when its code was approved. An index lives as
// long as the longest-lived device record in it (NX sets a first expiry, GT extends it).
var decideScript = redis.NewScript(`
local function index(key, id)
  redis.call('ZADD', key, ARGV[1], id)
  redis.call('PEXPIREAT', key, ARGV[5], 'NX')
  redis.call('PEXPIREAT', key, ARGV[5], 'GT')
end
local h = redis.call('HMGET', KEYS[1], 'status', 'expires_at')
if not h[1] then return 0 end
if tonumber(ARGV[1]) >= tonumber(h[2]) then return -2 end
if h[1] ~= 'pending' then return -1 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'approval', ARGV[3])
if ARGV[2] == 'approved' then
  local fields = cjson.decode(ARGV[4])
  for k, v in pairs(fields) do redis.call('HSET', KEYS[2], k, v) end
  redis.call('PEXPIREAT', KEYS[2], ARGV[5])
  index(KEYS[3], fields['id'])
  if fields['org_id'] ~= '' then index(KEYS[4], fields['id']) end
end
return 1
`)

// ApproveDeviceRequest approves the request behind userCode and creates its authorized
// device. It fails with ErrDeviceCodeNotFound, ErrDeviceCodeExpired or
// ErrDeviceCodeDecided, changing nothing, when the request is not pending.
func (s *Store) ApproveDeviceRequest(ctx context.Context, userCode string, a Approval) (*AuthorizedDevice, error) {
	dcKey, req, err := s.requestByUserCode(ctx, userCode)
	if err != nil {
		return nil, err
	}

	dev := newAuthorizedDevice(req, a)
	if err := s.decide(ctx, dcKey, DeviceCodeApproved, a, dev); err != nil {
		return nil, err
	}
	return dev, nil
}

// DenyDeviceRequest denies the request behind userCode: the device's next poll gets
// access_denied, for good.
func (s *Store) DenyDeviceRequest(ctx context.Context, userCode, userID string) error {
	dcKey, _, err := s.requestByUserCode(ctx, userCode)
	if err != nil {
		return err
	}
	a := Approval{UserID: userID, ApprovedAt: s.now().UTC()}
	return s.decide(ctx, dcKey, DeviceCodeDenied, a, nil)
}

func (s *Store) decide(ctx context.Context, dcKey string, st DeviceCodeStatus, a Approval, dev *AuthorizedDevice) error {
	approval, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("storage: encode approval: %w", err)
	}

	fields, devKey, userKey, orgKey := []byte("{}"), keyDevice, keyUserDevices, keyOrgDevices
	expireAt := int64(0)
	if dev != nil {
		if fields, err = json.Marshal(dev.fields()); err != nil {
			return fmt.Errorf("storage: encode device: %w", err)
		}
		devKey, userKey, orgKey = keyDevice+dev.ID, keyUserDevices+dev.UserID, keyOrgDevices+dev.OrgID
		expireAt = ms(dev.ExpiresAt.Add(deviceRetention))
	}

	keys := []string{dcKey, devKey, userKey, orgKey}
	args := []any{ms(s.now()), string(st), approval, fields, expireAt}
	n, err := decideScript.Run(ctx, s.rdb, keys, args...).Int()
	if err != nil {
		return fmt.Errorf("storage: decide device request: %w", err)
	}
	switch n {
	case 0:
		return ErrDeviceCodeNotFound
	case -1:
		return ErrDeviceCodeDecided
	case -2:
		return ErrDeviceCodeExpired
	}
	return nil
}

// deviceRetention keeps an expired or deleted device visible, as expired, for a while.
const deviceRetention = 7 * 24 * time.Hour
