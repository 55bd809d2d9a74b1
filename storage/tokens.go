package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/oauth2"
	"github.com/redis/go-redis/v9"
)

// The store backs fosite's access and refresh token flows, its revocation handler and
// its introspection. Compile-time checks that it satisfies each interface it claims:
var (
	_ fosite.ClientManager          = (*Store)(nil)
	_ oauth2.AccessTokenStorage     = (*Store)(nil)
	_ oauth2.RefreshTokenStorage    = (*Store)(nil)
	_ oauth2.TokenRevocationStorage = (*Store)(nil)
)

// minTokenTTL keeps a session that fosite gave no expiry for a bounded time.
const minTokenTTL = time.Hour

func (s *Store) ttlFor(r fosite.Requester, tt fosite.TokenType) time.Duration {
	exp := r.GetSession().GetExpiresAt(tt)
	if exp.IsZero() {
		return minTokenTTL
	}
	ttl := exp.Sub(s.now())
	if ttl < time.Minute {
		ttl = time.Minute
	}
	return ttl
}

// CreateAccessTokenSession implements oauth2.AccessTokenStorage. The signature is the
// JWT's signature part (or the HMAC of an opaque token): never the token itself.
func (s *Store) CreateAccessTokenSession(ctx context.Context, signature string, r fosite.Requester) error {
	data, err := encodeRequest(r)
	if err != nil {
		return err
	}

	ttl := s.ttlFor(r, fosite.AccessToken)
	key := keyAccessToken + signature
	pipe := s.rdb.TxPipeline()
	pipe.Set(ctx, key, data, ttl)
	s.indexToken(ctx, pipe, r.GetID(), key, ttl)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("storage: create access token session: %w", err)
	}
	return nil
}

// indexToken adds a token key to its request's set, so that revoking a request (RFC
// 7009 §2.1, refresh token reuse) finds every token it produced.
func (s *Store) indexToken(ctx context.Context, pipe redis.Pipeliner, requestID, key string, ttl time.Duration) {
	idx := keyRequestTokens + requestID
	pipe.SAdd(ctx, idx, key)
	pipe.ExpireGT(ctx, idx, ttl)
	pipe.ExpireNX(ctx, idx, ttl)
}

// GetAccessTokenSession implements oauth2.AccessTokenStorage. The tokens of a locked,
// deleted or expired device are reported as not found, so introspection answers
// active=false and userinfo refuses them.
func (s *Store) GetAccessTokenSession(ctx context.Context, signature string, sess fosite.Session) (fosite.Requester, error) {
	data, err := s.rdb.Get(ctx, keyAccessToken+signature).Bytes()
	if err != nil {
		return nil, notFound(err)
	}

	req, usable, err := s.decodeRequest(ctx, data, sess)
	if err != nil {
		return nil, err
	}
	if usable != nil {
		return nil, usable
	}
	return req, nil
}

// DeleteAccessTokenSession implements oauth2.AccessTokenStorage.
func (s *Store) DeleteAccessTokenSession(ctx context.Context, signature string) error {
	if err := s.rdb.Del(ctx, keyAccessToken+signature).Err(); err != nil {
		return fmt.Errorf("storage: delete access token session: %w", err)
	}
	return nil
}

// CreateRefreshTokenSession implements oauth2.RefreshTokenStorage.
func (s *Store) CreateRefreshTokenSession(ctx context.Context, signature, _ string, r fosite.Requester) error {
	data, err := encodeRequest(r)
	if err != nil {
		return err
	}

	ttl := s.ttlFor(r, fosite.RefreshToken)
	key := keyRefreshToken + signature
	pipe := s.rdb.TxPipeline()
	pipe.HSet(ctx, key, "req", data, "active", "1")
	pipe.Expire(ctx, key, ttl)
	s.indexToken(ctx, pipe, r.GetID(), key, ttl)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("storage: create refresh token session: %w", err)
	}
	return nil
}

// GetRefreshTokenSession implements oauth2.RefreshTokenStorage. A rotated token comes
// back with fosite.ErrInactiveToken and its request, which makes fosite revoke the
// whole grant (RFC 9700 §4.14.2). A token of a locked or expired device is not found:
// the grant stays intact so that unlocking restores it.
func (s *Store) GetRefreshTokenSession(ctx context.Context, signature string, sess fosite.Session) (fosite.Requester, error) {
	vals, err := s.rdb.HMGet(ctx, keyRefreshToken+signature, "req", "active").Result()
	if err != nil {
		return nil, fmt.Errorf("storage: get refresh token session: %w", err)
	}
	data, _ := vals[0].(string)
	if data == "" {
		return nil, fosite.ErrNotFound
	}

	req, usable, err := s.decodeRequest(ctx, []byte(data), sess)
	if err != nil {
		return nil, err
	}
	if active, _ := vals[1].(string); active != "1" {
		return req, fosite.ErrInactiveToken
	}
	if usable != nil {
		return nil, usable
	}
	return req, nil
}

// DeleteRefreshTokenSession implements oauth2.RefreshTokenStorage. fosite calls it
// only when a rotated refresh token is presented at the token endpoint (RFC 9700
// §4.14.2): someone holds a copy, so besides deleting the token the store revokes its
// device for good, puts it on the revoked list and records the event. Introspecting or
// revoking an old token does not come here and revokes nothing more.
func (s *Store) DeleteRefreshTokenSession(ctx context.Context, signature string) error {
	key := keyRefreshToken + signature
	vals, err := s.rdb.HMGet(ctx, key, "req", "active").Result()
	if err != nil {
		return fmt.Errorf("storage: delete refresh token session: %w", err)
	}
	if data, _ := vals[0].(string); data != "" {
		var sr storedRequest
		if json.Unmarshal([]byte(data), &sr) == nil && vals[1] != "1" {
			if err := s.revokeDeviceForReuse(ctx, sr.DeviceID); err != nil {
				return err
			}
		}
	}
	if err := s.rdb.Del(ctx, key).Err(); err != nil {
		return fmt.Errorf("storage: delete refresh token session: %w", err)
	}
	return nil
}

// rotateScript marks one refresh token inactive, only if it is still active, and
// deletes the request's access tokens; all in one step so that of two concurrent
// refreshes with the same token exactly one wins.
var rotateScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'active') ~= '1' then return 0 end
redis.call('HSET', KEYS[1], 'active', '0')
for _, k in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if string.sub(k, 1, string.len(ARGV[1])) == ARGV[1] then
    redis.call('DEL', k)
    redis.call('SREM', KEYS[2], k)
  end
end
return 1
`)

// RotateRefreshToken implements oauth2.RefreshTokenStorage. The old refresh token is
// kept, inactive, until it expires, so that a replay is detected as reuse.
func (s *Store) RotateRefreshToken(ctx context.Context, requestID, signature string) error {
	keys := []string{keyRefreshToken + signature, keyRequestTokens + requestID}
	won, err := rotateScript.Run(ctx, s.rdb, keys, keyAccessToken).Int()
	if err != nil {
		return fmt.Errorf("storage: rotate refresh token: %w", err)
	}
	if won == 0 {
		return fmt.Errorf("storage: refresh token already rotated: %w", fosite.ErrSerializationFailure)
	}
	return nil
}

// revokeScript deletes every token of a request whose key starts with ARGV[1].
var revokeScript = redis.NewScript(`
local n = 0
for _, k in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if string.sub(k, 1, string.len(ARGV[1])) == ARGV[1] then
    n = n + redis.call('DEL', k)
    redis.call('SREM', KEYS[1], k)
  end
end
return n
`)

// RevokeRefreshToken implements oauth2.TokenRevocationStorage: it deletes every
// refresh token of the request (RFC 7009 §2.1).
func (s *Store) RevokeRefreshToken(ctx context.Context, requestID string) error {
	return s.revoke(ctx, requestID, keyRefreshToken)
}

// RevokeRefreshTokenMaybeGracePeriod implements oauth2.TokenRevocationStorage. There is
// no grace period: rotation is strict.
func (s *Store) RevokeRefreshTokenMaybeGracePeriod(ctx context.Context, requestID, _ string) error {
	return s.revoke(ctx, requestID, keyRefreshToken)
}

// RevokeAccessToken implements oauth2.TokenRevocationStorage.
func (s *Store) RevokeAccessToken(ctx context.Context, requestID string) error {
	return s.revoke(ctx, requestID, keyAccessToken)
}

// RevokeGrant deletes every access and refresh token of a request.
func (s *Store) RevokeGrant(ctx context.Context, requestID string) error {
	return s.revoke(ctx, requestID, "gh:")
}

func (s *Store) revoke(ctx context.Context, requestID, prefix string) error {
	err := revokeScript.Run(ctx, s.rdb, []string{keyRequestTokens + requestID}, prefix).Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("storage: revoke %s tokens of %s: %w", prefix, requestID, err)
	}
	return nil
}
