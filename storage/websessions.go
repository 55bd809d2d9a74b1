package storage

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/ory/fosite"
)

// WebSession is a signed-in browser. Its token lives only in the cookie; Redis keeps
// its HMAC.
type WebSession struct {
	UserID    string
	AuthTime  time.Time
	ExpiresAt time.Time
}

// CreateWebSession starts a browser session for userID that lasts ttl and returns the
// token to put in the cookie.
func (s *Store) CreateWebSession(ctx context.Context, userID string, ttl time.Duration) (string, error) {
	token := rand.Text() + rand.Text()
	now := s.now().UTC()
	key := keyWebSession + s.mac("web_session", token)

	pipe := s.rdb.TxPipeline()
	pipe.HSet(ctx, key, "user_id", userID, "auth_time", ms(now), "expires_at", ms(now.Add(ttl)))
	pipe.Expire(ctx, key, ttl)
	if _, err := pipe.Exec(ctx); err != nil {
		return "", fmt.Errorf("storage: create web session: %w", err)
	}
	return token, nil
}

// WebSession loads the session of a cookie token; an unknown or ended one is
// fosite.ErrNotFound.
func (s *Store) WebSession(ctx context.Context, token string) (*WebSession, error) {
	f, err := s.rdb.HGetAll(ctx, keyWebSession+s.mac("web_session", token)).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: load web session: %w", err)
	}
	if len(f) == 0 {
		return nil, fosite.ErrNotFound
	}
	ws := &WebSession{UserID: f["user_id"], AuthTime: parseMS(f["auth_time"]), ExpiresAt: parseMS(f["expires_at"])}
	if !s.now().Before(ws.ExpiresAt) {
		return nil, fosite.ErrNotFound
	}
	return ws, nil
}

// DeleteWebSession signs a browser out.
func (s *Store) DeleteWebSession(ctx context.Context, token string) error {
	if err := s.rdb.Del(ctx, keyWebSession+s.mac("web_session", token)).Err(); err != nil {
		return fmt.Errorf("storage: delete web session: %w", err)
	}
	return nil
}
