package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ory/fosite"
	"github.com/redis/go-redis/v9"
)

// DeviceCodeStatus is where a device authorization request stands (RFC 8628 §3.5).
type DeviceCodeStatus string

// The states a device code moves through: pending, then approved or denied; an approved
// code becomes consumed at the one token exchange it allows.
const (
	DeviceCodePending  DeviceCodeStatus = "pending"
	DeviceCodeApproved DeviceCodeStatus = "approved"
	DeviceCodeDenied   DeviceCodeStatus = "denied"
	DeviceCodeConsumed DeviceCodeStatus = "consumed"
)

// DeviceDetails describe the machine that asked for authorization. They are shown to
// the person who approves it and kept on the authorized device.
type DeviceDetails struct {
	Hostname      string `json:"hostname,omitempty"`
	OS            string `json:"os,omitempty"`
	ClientName    string `json:"client_name,omitempty"`
	ClientVersion string `json:"client_version,omitempty"`
	UserAgent     string `json:"user_agent,omitempty"`
	IPAddress     string `json:"ip_address,omitempty"`
}

// DeviceRequest is one device authorization request (RFC 8628 §3.1).
type DeviceRequest struct {
	// ID identifies the request; it becomes the authorized device's id and the id of the
	// fosite request that every token of the grant shares.
	ID        string           `json:"id"`
	ClientID  string           `json:"client_id"`
	Scopes    []string         `json:"scopes"`
	Resource  []string         `json:"resource,omitempty"`
	Details   DeviceDetails    `json:"details"`
	CreatedAt time.Time        `json:"created_at"`
	ExpiresAt time.Time        `json:"expires_at"`
	Status    DeviceCodeStatus `json:"-"`
	// Interval is the current minimum polling interval; slow_down raises it.
	Interval time.Duration `json:"-"`
	// Approval is set once the request is approved.
	Approval *Approval `json:"-"`
}

// Approval records who approved a device request and what the grant carries.
type Approval struct {
	UserID     string    `json:"user_id"`
	Trusted    bool      `json:"trusted"`
	AuthTime   time.Time `json:"auth_time"`
	ApprovedAt time.Time `json:"approved_at"`
	// ExpiresAt is when the authorization (and so the refresh token) ends.
	ExpiresAt time.Time `json:"expires_at"`
	// OrgID, OrgRole and TenantID are set when the grant is for a tenant.
	OrgID    string `json:"org_id,omitempty"`
	OrgRole  string `json:"org_role,omitempty"`
	TenantID string `json:"tenant_id,omitempty"`
}

// Errors of the device code flow.
var (
	ErrUserCodeTaken      = errors.New("storage: user code already in use")
	ErrDeviceCodeExpired  = errors.New("storage: device code expired")
	ErrDeviceCodeDecided  = errors.New("storage: device request already approved or denied")
	ErrDeviceCodeNotFound = fmt.Errorf("storage: unknown device or user code: %w", fosite.ErrNotFound)
)

// deviceCodeGrace keeps a device code past its lifetime so that a late poll gets
// expired_token (RFC 8628 §3.5) rather than invalid_grant.
const deviceCodeGrace = time.Hour

// createDeviceCodeScript stores a device request unless its user code is taken.
var createDeviceCodeScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'req', ARGV[1], 'client_id', ARGV[2], 'status', 'pending',
  'expires_at', ARGV[3], 'interval_ms', ARGV[4], 'last_poll_ms', '0', 'uc', KEYS[2])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('SET', KEYS[2], KEYS[1], 'PX', ARGV[5])
return 1
`)

// CreateDeviceRequest stores a new request under the HMACs of its device code and user
// code. A user code that is already in use gives ErrUserCodeTaken and stores nothing;
// the caller draws another.
func (s *Store) CreateDeviceRequest(ctx context.Context, deviceCode, userCode string, r *DeviceRequest) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("storage: encode device request: %w", err)
	}

	ttl := r.ExpiresAt.Sub(s.now()) + deviceCodeGrace
	keys := []string{s.deviceCodeKey(deviceCode), s.userCodeKey(userCode)}
	args := []any{data, r.ClientID, ms(r.ExpiresAt), r.Interval.Milliseconds(), ttl.Milliseconds()}
	ok, err := createDeviceCodeScript.Run(ctx, s.rdb, keys, args...).Int()
	if err != nil {
		return fmt.Errorf("storage: create device request: %w", err)
	}
	if ok == 0 {
		return ErrUserCodeTaken
	}
	return nil
}

func (s *Store) deviceCodeKey(deviceCode string) string {
	return keyDeviceCode + s.mac("device_code", deviceCode)
}

// userCodeKey expects a normalized user code (see the provider's NormalizeUserCode).
func (s *Store) userCodeKey(userCode string) string {
	return keyUserCode + s.mac("user_code", userCode)
}

// DeviceRequestByUserCode loads the request a person typed the code of. An unknown code
// is ErrDeviceCodeNotFound; one past its lifetime is ErrDeviceCodeExpired.
func (s *Store) DeviceRequestByUserCode(ctx context.Context, userCode string) (*DeviceRequest, error) {
	_, r, err := s.requestByUserCode(ctx, userCode)
	return r, err
}

// requestByUserCode returns the device code key behind userCode and its request, with
// the errors of DeviceRequestByUserCode (an expired request comes back with the error).
func (s *Store) requestByUserCode(ctx context.Context, userCode string) (string, *DeviceRequest, error) {
	dcKey, err := s.rdb.Get(ctx, s.userCodeKey(userCode)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil, ErrDeviceCodeNotFound
	}
	if err != nil {
		return "", nil, fmt.Errorf("storage: look up user code: %w", err)
	}

	vals, err := s.rdb.HMGet(ctx, dcKey, "req", "status", "interval_ms", "approval").Result()
	if err != nil {
		return "", nil, fmt.Errorf("storage: load device request: %w", err)
	}
	if data, _ := vals[0].(string); data == "" {
		return "", nil, ErrDeviceCodeNotFound
	}
	r, err := decodeDeviceRequest(vals[0], vals[3])
	if err != nil {
		return "", nil, err
	}
	status, _ := vals[1].(string)
	r.Status = DeviceCodeStatus(status)
	interval, _ := vals[2].(string)
	intervalMS, _ := strconv.ParseInt(interval, 10, 64)
	r.Interval = time.Duration(intervalMS) * time.Millisecond

	if !s.now().Before(r.ExpiresAt) {
		return dcKey, r, ErrDeviceCodeExpired
	}
	return dcKey, r, nil
}
