package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// PollOutcome is the answer to one poll of the token endpoint (RFC 8628 §3.5).
type PollOutcome string

// Poll outcomes, each mapped by the provider to one token endpoint answer.
const (
	PollPending     PollOutcome = "pending"      // authorization_pending
	PollSlowDown    PollOutcome = "slow_down"    // slow_down; the interval grew
	PollDenied      PollOutcome = "denied"       // access_denied
	PollExpired     PollOutcome = "expired"      // expired_token
	PollApproved    PollOutcome = "approved"     // issue tokens: the code is now consumed
	PollConsumed    PollOutcome = "consumed"     // invalid_grant, and revoke what it gave
	PollWrongClient PollOutcome = "wrong_client" // invalid_grant
	PollNotFound    PollOutcome = "not_found"    // invalid_grant
)

// PollResult is what PollDeviceCode found.
type PollResult struct {
	Outcome PollOutcome
	// Interval is the code's polling interval after this poll.
	Interval time.Duration
	// Request is set for PollApproved and PollConsumed.
	Request *DeviceRequest
}

// PollPacing is how polls are paced (RFC 8628 §3.5): a poll sooner than the current
// interval, less Tolerance, gets slow_down and raises the interval by Step.
type PollPacing struct {
	Tolerance time.Duration
	Step      time.Duration
}

// pollScript decides one poll atomically, so that of any number of concurrent polls of
// an approved code exactly one sees "approved" and every other sees "consumed".
// Pacing counts from the previous poll, never from issuance: the first poll is never
// slow_down, and a client that keeps the raised interval is not told again.
var pollScript = redis.NewScript(`
local h = redis.call('HMGET', KEYS[1], 'client_id', 'status', 'expires_at', 'interval_ms',
  'last_poll_ms', 'req', 'approval')
if not h[1] then return {'not_found'} end
if h[1] ~= ARGV[2] then return {'wrong_client'} end
local now = tonumber(ARGV[1])
local interval = tonumber(h[4])
if now >= tonumber(h[3]) then return {'expired', interval} end
local status = h[2]
if status == 'denied' then return {'denied', interval} end
if status == 'consumed' then return {'consumed', interval, h[6], h[7]} end
if status == 'approved' then
  redis.call('HSET', KEYS[1], 'status', 'consumed', 'consumed_ms', now)
  return {'approved', interval, h[6], h[7]}
end
local last = tonumber(h[5])
redis.call('HSET', KEYS[1], 'last_poll_ms', now)
if last > 0 and now - last < interval - tonumber(ARGV[3]) then
  interval = interval + tonumber(ARGV[4])
  redis.call('HSET', KEYS[1], 'interval_ms', interval)
  return {'slow_down', interval}
end
return {'pending', interval}
`)

// PollDeviceCode records one poll of deviceCode by clientID and says how to answer it.
func (s *Store) PollDeviceCode(ctx context.Context, deviceCode, clientID string, p PollPacing) (PollResult, error) {
	args := []any{ms(s.now()), clientID, p.Tolerance.Milliseconds(), p.Step.Milliseconds()}
	vals, err := pollScript.Run(ctx, s.rdb, []string{s.deviceCodeKey(deviceCode)}, args...).Slice()
	if err != nil {
		return PollResult{}, fmt.Errorf("storage: poll device code: %w", err)
	}

	res := PollResult{Outcome: PollOutcome(fmt.Sprint(vals[0]))}
	if len(vals) > 1 {
		interval, _ := vals[1].(int64)
		res.Interval = time.Duration(interval) * time.Millisecond
	}
	if len(vals) > 3 {
		req, err := decodeDeviceRequest(vals[2], vals[3])
		if err != nil {
			return PollResult{}, err
		}
		req.Status = DeviceCodeConsumed
		req.Interval = res.Interval
		res.Request = req
	}
	return res, nil
}

func decodeDeviceRequest(reqJSON, approvalJSON any) (*DeviceRequest, error) {
	var r DeviceRequest
	data, _ := reqJSON.(string)
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		return nil, fmt.Errorf("storage: decode device request: %w", err)
	}
	if a, _ := approvalJSON.(string); a != "" {
		r.Approval = new(Approval)
		if err := json.Unmarshal([]byte(a), r.Approval); err != nil {
			return nil, fmt.Errorf("storage: decode approval: %w", err)
		}
	}
	return &r, nil
}
