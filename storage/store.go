// Package storage keeps all of Gatehouse's state in Redis: OAuth clients, fosite's token
// sessions, device authorization requests, authorized devices, users, browser sessions
// and signing keys. It knows no HTTP.
//
// Secrets never reach Redis in the clear: device codes, user codes, browser session
// tokens and client secrets are stored as HMAC-SHA256 values keyed by a secret derived
// from the server secret; passwords as argon2id; private keys encrypted with AES-GCM.
package storage

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ory/fosite"
	"github.com/redis/go-redis/v9"
)

// Store is the Redis-backed store. It is safe for concurrent use; every multi-step
// change is a single Lua script or MULTI/EXEC transaction.
type Store struct {
	rdb      redis.UniversalClient
	macKey   []byte
	encKey   []byte
	tokenKey []byte
	now      func() time.Time
}

// Options tunes a Store. The zero value of each field means its default.
type Options struct {
	// Now is the clock; the default is time.Now.
	Now func() time.Time
}

// New returns a Store on rdb. secret is the server secret (at least 32 bytes); every
// key the store uses for HMACs and encryption is derived from it with HKDF-SHA256.
func New(rdb redis.UniversalClient, secret []byte, opts Options) (*Store, error) {
	if len(secret) < 32 {
		return nil, fmt.Errorf("storage: server secret must be at least 32 bytes, got %d", len(secret))
	}

	s := &Store{rdb: rdb, now: opts.Now}
	if s.now == nil {
		s.now = time.Now
	}

	s.macKey = deriveKey(secret, "gatehouse hmac v1")
	s.encKey = deriveKey(secret, "gatehouse key encryption v1")
	s.tokenKey = deriveKey(secret, "gatehouse token hmac v1")
	return s, nil
}

// TokenSecret returns the 32-byte key fosite uses to HMAC opaque tokens.
func (s *Store) TokenSecret() []byte { return s.tokenKey }

// Ping reports whether Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("storage: ping: %w", err)
	}
	return nil
}

func deriveKey(secret []byte, info string) []byte {
	key, err := hkdf.Key(sha256.New, secret, nil, info, 32)
	if err != nil {
		panic("storage: hkdf cannot fail for a 32-byte key: " + err.Error())
	}
	return key
}

// mac returns the hex HMAC-SHA256 of value under the store's key, labelled by kind so
// that one value never maps to the same key in two namespaces.
func (s *Store) mac(kind, value string) string {
	h := hmac.New(sha256.New, s.macKey)
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(value))
	return hex.EncodeToString(h.Sum(nil))
}

// notFound maps redis.Nil to fosite.ErrNotFound at the storage boundary.
func notFound(err error) error {
	if errors.Is(err, redis.Nil) {
		return fosite.ErrNotFound
	}
	return err
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// parseMS reads a hash field written with ms; a missing or malformed one is the zero time.
func parseMS(field string) time.Time {
	v, _ := strconv.ParseInt(field, 10, 64)
	return fromMS(v)
}

// Redis returns the underlying client, for rate limiting that shares the same server.
func (s *Store) Redis() redis.UniversalClient { return s.rdb }

// DerivedKey returns a 32-byte key for purpose, derived from the server secret, for
// other components (such as CSRF protection) that need a stable secret key.
func (s *Store) DerivedKey(purpose string) []byte {
	return deriveKey(s.macKey, "derived "+purpose)
}

// hsetIfExistsScript sets fields of KEYS[2] only while KEYS[1] exists, so that a write
// racing a delete cannot bring back a key (without its TTL or its other fields).
var hsetIfExistsScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], unpack(ARGV))
return 1
`)

// hsetIfExists sets fieldValues (field, value, ...) on key if guard exists, and reports
// whether it did.
func (s *Store) hsetIfExists(ctx context.Context, guard, key string, fieldValues ...any) (bool, error) {
	n, err := hsetIfExistsScript.Run(ctx, s.rdb, []string{guard, key}, fieldValues...).Int()
	return n == 1, err
}
