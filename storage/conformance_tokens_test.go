package storage_test

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ory/fosite"
)

// tokenKind names the two token session families the store keeps.
type tokenKind string

const (
	accessToken  tokenKind = "access"
	refreshToken tokenKind = "refresh"
)

func (e *env) createToken(t testing.TB, kind tokenKind, signature string, r fosite.Requester) {
	t.Helper()
	var err error
	switch kind {
	case accessToken:
		err = e.store.CreateAccessTokenSession(e.ctx, signature, r)
	case refreshToken:
		err = e.store.CreateRefreshTokenSession(e.ctx, signature, "", r)
	}
	if err != nil {
		t.Fatalf("create %s token session %s: %v", kind, signature, err)
	}
}

func (e *env) getToken(kind tokenKind, signature string) (fosite.Requester, *testSession, error) {
	sess := &testSession{}
	var r fosite.Requester
	var err error
	switch kind {
	case accessToken:
		r, err = e.store.GetAccessTokenSession(e.ctx, signature, sess)
	case refreshToken:
		r, err = e.store.GetRefreshTokenSession(e.ctx, signature, sess)
	}
	return r, sess, err
}

// assertTokens checks which of the signatures of kind can still be loaded.
func (e *env) assertTokens(t *testing.T, kind tokenKind, live, gone []string) {
	t.Helper()
	for _, sig := range live {
		if _, _, err := e.getToken(kind, sig); err != nil {
			t.Errorf("%s token %s: %v, want it live", kind, sig, err)
		}
	}
	for _, sig := range gone {
		if _, _, err := e.getToken(kind, sig); !errors.Is(err, fosite.ErrNotFound) {
			t.Errorf("%s token %s: %v, want fosite.ErrNotFound", kind, sig, err)
		}
	}
}

var tokenCases = []conformanceCase{
	{"round trip", func(t *testing.T, e *env) {
		e.createCLIClients(t)
		for _, kind := range []tokenKind{accessToken, refreshToken} {
			t.Run(string(kind), func(t *testing.T) {
				want := e.tokenRequest(t, "req-"+string(kind), "")
				e.createToken(t, kind, "sig-"+string(kind), want)

				got, sess, err := e.getToken(kind, "sig-"+string(kind))
				if err != nil {
					t.Fatalf("get: %v", err)
				}
				if got.GetSession() != sess {
					t.Errorf("request's session is not the session passed in")
				}
				wantSess := want.Session.(*testSession)
				if sess.Subject != wantSess.Subject || sess.Note != wantSess.Note ||
					!sess.GetExpiresAt(fosite.AccessToken).Equal(wantSess.GetExpiresAt(fosite.AccessToken)) ||
					!sess.GetExpiresAt(fosite.RefreshToken).Equal(wantSess.GetExpiresAt(fosite.RefreshToken)) {
					t.Errorf("session = %+v, want %+v", sess, wantSess)
				}
				switch {
				case got.GetID() != want.ID, !got.GetRequestedAt().Equal(want.RequestedAt):
					t.Errorf("id %s at %v, want %s at %v", got.GetID(), got.GetRequestedAt(), want.ID, want.RequestedAt)
				case got.GetClient().GetID() != cliClientID:
					t.Errorf("client %s, want %s", got.GetClient().GetID(), cliClientID)
				case !slices.Equal(got.GetRequestedScopes(), want.RequestedScope),
					!slices.Equal(got.GetGrantedScopes(), want.GrantedScope),
					!slices.Equal(got.GetRequestedAudience(), want.RequestedAudience),
					!slices.Equal(got.GetGrantedAudience(), want.GrantedAudience):
					t.Errorf("scopes %v/%v audience %v/%v", got.GetRequestedScopes(), got.GetGrantedScopes(),
						got.GetRequestedAudience(), got.GetGrantedAudience())
				}

				if kind == accessToken {
					err = e.store.DeleteAccessTokenSession(e.ctx, "sig-"+string(kind))
				} else {
					err = e.store.DeleteRefreshTokenSession(e.ctx, "sig-"+string(kind))
				}
				if err != nil {
					t.Fatalf("delete: %v", err)
				}
				e.assertTokens(t, kind, nil, []string{"sig-" + string(kind)})
			})
		}
	}},

	{"a request loads without a session value", func(t *testing.T, e *env) {
		// fosite's revocation handler asks for the request with a nil session.
		e.createCLIClients(t)
		r := e.tokenRequest(t, "req-1", "")
		e.createToken(t, accessToken, "at-1", r)
		e.createToken(t, refreshToken, "rt-1", r)
		at, err := e.store.GetAccessTokenSession(e.ctx, "at-1", nil)
		if err != nil || at.GetID() != "req-1" || at.GetClient().GetID() != cliClientID {
			t.Errorf("GetAccessTokenSession(nil session) = %v, %v; want req-1 of %s", at, err, cliClientID)
		}
		rt, err := e.store.GetRefreshTokenSession(e.ctx, "rt-1", nil)
		if err != nil || rt.GetID() != "req-1" {
			t.Errorf("GetRefreshTokenSession(nil session) = %v, %v; want req-1", rt, err)
		}
	}},

	{"tokens of a deleted client are not found", func(t *testing.T, e *env) {
		e.createCLIClients(t)
		r := e.tokenRequest(t, "req-1", "")
		e.createToken(t, accessToken, "at-1", r)
		e.createToken(t, refreshToken, "rt-1", r)
		if err := e.store.DeleteClient(e.ctx, cliClientID); err != nil {
			t.Fatalf("DeleteClient: %v", err)
		}
		e.assertTokens(t, accessToken, nil, []string{"at-1"})
		e.assertTokens(t, refreshToken, nil, []string{"rt-1"})
	}},

	{"a session without expiry is kept for an hour", func(t *testing.T, e *env) {
		e.createCLIClients(t)
		r := e.tokenRequest(t, "req-1", "")
		r.Session.(*testSession).Expires = nil
		e.createToken(t, accessToken, "at-1", r)
		e.createToken(t, refreshToken, "rt-1", r)
		for _, key := range []string{"gh:at:at-1", "gh:rt:rt-1", "gh:req:req-1"} {
			if ttl := e.rdb.PTTL(e.ctx, key).Val(); ttl < 59*time.Minute || ttl > time.Hour {
				t.Errorf("PTTL %s = %v, want an hour", key, ttl)
			}
		}
	}},

	{"unknown signature is fosite.ErrNotFound", func(t *testing.T, e *env) {
		e.assertTokens(t, accessToken, nil, []string{"nope"})
		e.assertTokens(t, refreshToken, nil, []string{"nope"})
	}},

	{"only grant_type scope resource and audience are stored", func(t *testing.T, e *env) {
		e.createCLIClients(t)
		r := e.tokenRequest(t, "req-1", "")
		e.createToken(t, accessToken, "at-1", r)
		e.createToken(t, refreshToken, "rt-1", r)

		for _, kind := range []tokenKind{accessToken, refreshToken} {
			got, _, err := e.getToken(kind, map[tokenKind]string{accessToken: "at-1", refreshToken: "rt-1"}[kind])
			if err != nil {
				t.Fatalf("get %s: %v", kind, err)
			}
			var keys []string
			for k := range got.GetRequestForm() {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if want := []string{"audience", "grant_type", "resource", "scope"}; !slices.Equal(keys, want) {
				t.Errorf("%s token form keys = %v, want %v", kind, keys, want)
			}
			if got.GetRequestForm().Get("scope") != "openid offline_access" {
				t.Errorf("%s token form scope = %q", kind, got.GetRequestForm().Get("scope"))
			}
		}
		e.assertNotStored(t, formClientSecret, formRefreshToken, formDeviceCode, "client_secret")
	}},

	{"keys expire with the session", func(t *testing.T, e *env) {
		e.createCLIClients(t)
		r := e.tokenRequest(t, "req-1", "")
		e.createToken(t, accessToken, "at-1", r)
		e.createToken(t, refreshToken, "rt-1", r)

		tests := []struct {
			key      string
			min, max time.Duration
		}{
			{"gh:at:at-1", 59 * time.Minute, time.Hour},
			{"gh:rt:rt-1", 23*time.Hour + 59*time.Minute, 24 * time.Hour},
			{"gh:req:req-1", 23*time.Hour + 59*time.Minute, 24 * time.Hour},
		}
		for _, tt := range tests {
			ttl, err := e.rdb.PTTL(e.ctx, tt.key).Result()
			if err != nil {
				t.Fatalf("PTTL %s: %v", tt.key, err)
			}
			if ttl < tt.min || ttl > tt.max {
				t.Errorf("PTTL %s = %v, want between %v and %v", tt.key, ttl, tt.min, tt.max)
			}
		}
	}},

	{"rotate marks the old refresh token inactive and drops the access tokens", func(t *testing.T, e *env) {
		e.createCLIClients(t)
		mine, other := e.tokenRequest(t, "req-1", ""), e.tokenRequest(t, "req-2", "")
		e.createToken(t, accessToken, "at-1a", mine)
		e.createToken(t, accessToken, "at-1b", mine)
		e.createToken(t, refreshToken, "rt-1", mine)
		e.createToken(t, accessToken, "at-2", other)
		e.createToken(t, refreshToken, "rt-2", other)

		if err := e.store.RotateRefreshToken(e.ctx, "req-1", "rt-1"); err != nil {
			t.Fatalf("RotateRefreshToken: %v", err)
		}

		// RFC 9700 §4.14.2: a replayed refresh token must be recognizable as rotated.
		got, _, err := e.getToken(refreshToken, "rt-1")
		if !errors.Is(err, fosite.ErrInactiveToken) {
			t.Errorf("get rotated refresh token: %v, want fosite.ErrInactiveToken", err)
		}
		if got == nil || got.GetID() != "req-1" {
			t.Errorf("get rotated refresh token returned request %v, want req-1 with the error", got)
		}
		e.assertTokens(t, accessToken, []string{"at-2"}, []string{"at-1a", "at-1b"})
		e.assertTokens(t, refreshToken, []string{"rt-2"}, nil)

		if err := e.store.RotateRefreshToken(e.ctx, "req-1", "rt-1"); err == nil {
			t.Errorf("second RotateRefreshToken of the same token succeeded")
		}
	}},

	{"rotate of one token by 50 at once succeeds once", func(t *testing.T, e *env) {
		e.createCLIClients(t)
		e.createToken(t, refreshToken, "rt-1", e.tokenRequest(t, "req-1", ""))

		const n = 50
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				errs[i] = e.store.RotateRefreshToken(e.ctx, "req-1", "rt-1")
			})
		}
		close(start)
		wg.Wait()

		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, fosite.ErrSerializationFailure):
				t.Errorf("losing RotateRefreshToken: %v, want fosite.ErrSerializationFailure", err)
			}
		}
		if won != 1 {
			t.Errorf("%d of %d concurrent rotations succeeded, want exactly 1", won, n)
		}
	}},

	{"revoke by request id", func(t *testing.T, e *env) {
		tests := []struct {
			name                    string
			revoke                  func(e *env, requestID string) error
			accessGone, refreshGone bool
		}{
			{"refresh tokens", func(e *env, id string) error {
				return e.store.RevokeRefreshToken(e.ctx, id)
			}, false, true},
			{"refresh tokens, grace period variant", func(e *env, id string) error {
				return e.store.RevokeRefreshTokenMaybeGracePeriod(e.ctx, id, "rt-1a")
			}, false, true},
			{"access tokens", func(e *env, id string) error {
				return e.store.RevokeAccessToken(e.ctx, id)
			}, true, false},
			{"grant", func(e *env, id string) error { return e.store.RevokeGrant(e.ctx, id) }, true, true},
		}
		e.createCLIClients(t)
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				// Request ids differ per case so that the cases share the database safely.
				mine, other := fmt.Sprintf("req-%d-mine", i), fmt.Sprintf("req-%d-other", i)
				sig := func(kind, id, n string) string { return kind + "-" + id + "-" + n }
				for _, id := range []string{mine, other} {
					r := e.tokenRequest(t, id, "")
					e.createToken(t, accessToken, sig("at", id, "a"), r)
					e.createToken(t, accessToken, sig("at", id, "b"), r)
					e.createToken(t, refreshToken, sig("rt", id, "a"), r)
					e.createToken(t, refreshToken, sig("rt", id, "b"), r)
				}

				if err := tt.revoke(e, mine); err != nil {
					t.Fatalf("revoke: %v", err)
				}

				mineAT := []string{sig("at", mine, "a"), sig("at", mine, "b")}
				mineRT := []string{sig("rt", mine, "a"), sig("rt", mine, "b")}
				otherAT := []string{sig("at", other, "a"), sig("at", other, "b")}
				otherRT := []string{sig("rt", other, "a"), sig("rt", other, "b")}
				liveAT, goneAT := slices.Concat(otherAT, mineAT), []string(nil)
				if tt.accessGone {
					liveAT, goneAT = otherAT, mineAT
				}
				liveRT, goneRT := slices.Concat(otherRT, mineRT), []string(nil)
				if tt.refreshGone {
					liveRT, goneRT = otherRT, mineRT
				}
				e.assertTokens(t, accessToken, liveAT, goneAT)
				e.assertTokens(t, refreshToken, liveRT, goneRT)
			})
		}
	}},

	{"revoke of an unknown request is no error", func(t *testing.T, e *env) {
		for name, err := range map[string]error{
			"RevokeRefreshToken": e.store.RevokeRefreshToken(e.ctx, "nope"),
			"RevokeAccessToken":  e.store.RevokeAccessToken(e.ctx, "nope"),
			"RevokeGrant":        e.store.RevokeGrant(e.ctx, "nope"),
		} {
			if err != nil {
				t.Errorf("%s(unknown) = %v", name, err)
			}
		}
	}},

	{"authorization codes are refused", func(t *testing.T, e *env) {
		e.createCLIClients(t)
		if err := e.store.CreateAuthorizeCodeSession(e.ctx, "code", e.tokenRequest(t, "r", "")); err == nil {
			t.Errorf("CreateAuthorizeCodeSession succeeded; Gatehouse issues no authorization codes")
		}
		_, err := e.store.GetAuthorizeCodeSession(e.ctx, "code", &testSession{})
		if !errors.Is(err, fosite.ErrNotFound) {
			t.Errorf("GetAuthorizeCodeSession = %v, want fosite.ErrNotFound", err)
		}
		if keys := e.keys(t); slices.ContainsFunc(keys, func(k string) bool { return strings.Contains(k, "code") }) {
			t.Errorf("keys after a refused authorization code: %v", keys)
		}
	}},
}
