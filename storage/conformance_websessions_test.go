package storage_test

import (
	"errors"
	"testing"
	"time"

	"github.com/ory/fosite"
)

var webSessionCases = []conformanceCase{
	{"create get delete", func(t *testing.T, e *env) {
		start := e.clock.Now()
		token, err := e.store.CreateWebSession(e.ctx, "user-1", 12*time.Hour)
		if err != nil {
			t.Fatalf("CreateWebSession: %v", err)
		}
		if len(token) < 32 {
			t.Errorf("token %q is too short to be unguessable", token)
		}
		other, _ := e.store.CreateWebSession(e.ctx, "user-1", 12*time.Hour)
		if other == token {
			t.Fatalf("two sessions got the same token")
		}

		ws, err := e.store.WebSession(e.ctx, token)
		if err != nil {
			t.Fatalf("WebSession: %v", err)
		}
		if ws.UserID != "user-1" || !ws.AuthTime.Equal(start) || !ws.ExpiresAt.Equal(start.Add(12*time.Hour)) {
			t.Errorf("session = %+v, want user-1 from %v for 12h", ws, start)
		}

		if err := e.store.DeleteWebSession(e.ctx, token); err != nil {
			t.Fatalf("DeleteWebSession: %v", err)
		}
		if _, err := e.store.WebSession(e.ctx, token); !errors.Is(err, fosite.ErrNotFound) {
			t.Errorf("WebSession after delete = %v, want fosite.ErrNotFound", err)
		}
		if _, err := e.store.WebSession(e.ctx, other); err != nil {
			t.Errorf("the other session after delete: %v", err)
		}
	}},

	{"unknown token is fosite.ErrNotFound", func(t *testing.T, e *env) {
		if _, err := e.store.WebSession(e.ctx, "not-a-session"); !errors.Is(err, fosite.ErrNotFound) {
			t.Errorf("WebSession(unknown) = %v, want fosite.ErrNotFound", err)
		}
	}},

	{"ends at its expiry by the store clock", func(t *testing.T, e *env) {
		token, err := e.store.CreateWebSession(e.ctx, "user-1", time.Hour)
		if err != nil {
			t.Fatalf("CreateWebSession: %v", err)
		}
		e.clock.Add(time.Hour - time.Millisecond)
		if _, err := e.store.WebSession(e.ctx, token); err != nil {
			t.Errorf("WebSession a millisecond before expiry: %v", err)
		}
		e.clock.Add(time.Millisecond)
		if _, err := e.store.WebSession(e.ctx, token); !errors.Is(err, fosite.ErrNotFound) {
			t.Errorf("WebSession at expiry = %v, want fosite.ErrNotFound", err)
		}
		if ttl := e.rdb.PTTL(e.ctx, e.keys(t)[0]).Val(); ttl <= 0 || ttl > time.Hour {
			t.Errorf("session key PTTL = %v, want within the hour", ttl)
		}
	}},

	{"Redis keeps only the token's HMAC", func(t *testing.T, e *env) {
		token, err := e.store.CreateWebSession(e.ctx, "user-1", time.Hour)
		if err != nil {
			t.Fatalf("CreateWebSession: %v", err)
		}
		e.assertNotStored(t, token, token[:16], token[len(token)-16:])
	}},
}
