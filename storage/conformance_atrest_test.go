package storage_test

import (
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ory/fosite"
	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// permanentKeys are the key prefixes that hold what lives until deleted: clients,
// users, the email index and the signing keys. Everything else must expire.
var permanentKeys = []string{"gh:client:", "gh:user:", "gh:email:", "gh:signing-keys"}

// selfTrimmedKeys hold many entries that each end at their own time, so the key has no
// expiry and the store trims old entries instead: the revoked devices list by score on
// every read, the audit stream by MINID on every write.
var selfTrimmedKeys = []string{"gh:revoked-devices", "gh:audit"}

// exercise drives every write path of the store once, the way a day of use would.
func (e *env) exercise(t *testing.T) {
	t.Helper()
	e.createCLIClients(t)
	e.createAda(t)
	if _, err := e.store.SigningKeys(e.ctx); err != nil {
		t.Fatalf("SigningKeys: %v", err)
	}

	// Device requests in every state, and a refused user code.
	pendingDC, pendingUC := newCodes()
	e.newDeviceRequest(t, pendingDC, pendingUC)
	e.poll(t, pendingDC, cliClientID)
	e.clock.Add(time.Second)
	e.poll(t, pendingDC, cliClientID) // slow_down
	otherDC, _ := newCodes()
	refused := &storage.DeviceRequest{ID: "x", ExpiresAt: e.clock.Now().Add(time.Minute)}
	_ = e.store.CreateDeviceRequest(e.ctx, otherDC, pendingUC, refused)
	deniedDC, deniedUC := newCodes()
	e.newDeviceRequest(t, deniedDC, deniedUC)
	if err := e.store.DenyDeviceRequest(e.ctx, deniedUC, "user-1"); err != nil {
		t.Fatalf("DenyDeviceRequest: %v", err)
	}
	dev := e.approvedDevice(t)

	// The device's grant: tokens, a rotation, a revocation.
	r := e.tokenRequest(t, dev.ID, dev.ID)
	e.createToken(t, accessToken, "at-1", r)
	e.createToken(t, refreshToken, "rt-1", r)
	if err := e.store.RotateRefreshToken(e.ctx, dev.ID, "rt-1"); err != nil {
		t.Fatalf("RotateRefreshToken: %v", err)
	}
	e.createToken(t, accessToken, "at-2", r)
	e.createToken(t, refreshToken, "rt-2", r)
	other := e.tokenRequest(t, "req-other", "")
	e.createToken(t, accessToken, "at-3", other)
	e.createToken(t, refreshToken, "rt-3", other)
	if err := e.store.RevokeAccessToken(e.ctx, "req-other"); err != nil {
		t.Fatalf("RevokeAccessToken: %v", err)
	}

	if _, err := e.store.CreateWebSession(e.ctx, "user-1", time.Hour); err != nil {
		t.Fatalf("CreateWebSession: %v", err)
	}
	if err := e.store.SetClientAssertionJWT(e.ctx, "jti-1", e.clock.Now().Add(time.Minute)); err != nil {
		t.Fatalf("SetClientAssertionJWT: %v", err)
	}
	locked, deleted := e.approvedDevice(t), e.approvedDevice(t)
	if err := e.store.LockDevice(e.ctx, locked.ID); err != nil {
		t.Fatalf("LockDevice: %v", err)
	}
	if err := e.store.DeleteDevice(e.ctx, deleted.ID); err != nil {
		t.Fatalf("DeleteDevice: %v", err)
	}
	if err := e.store.TouchDevice(e.ctx, dev.ID, "192.0.2.8"); err != nil {
		t.Fatalf("TouchDevice: %v", err)
	}
	err := e.store.RecordAudit(e.ctx, storage.AuditEvent{Type: storage.AuditDeviceLocked, DeviceID: locked.ID})
	if err != nil {
		t.Fatalf("RecordAudit: %v", err)
	}
	if _, err := e.store.RevokedDeviceIDs(e.ctx); err != nil {
		t.Fatalf("RevokedDeviceIDs: %v", err)
	}
}

var atRestCases = []conformanceCase{
	{"every key expires except the permanent ones", func(t *testing.T, e *env) {
		e.exercise(t)

		seen := map[string]bool{}
		for _, k := range e.keys(t) {
			prefix := k
			if i := strings.Index(k[len("gh:"):], ":"); i >= 0 {
				prefix = k[:len("gh:")+i+1]
			}
			seen[prefix] = true

			ttl, err := e.rdb.PTTL(e.ctx, k).Result()
			if err != nil {
				t.Fatalf("PTTL %s: %v", k, err)
			}
			hasPrefix := func(p string) bool { return strings.HasPrefix(k, p) }
			switch {
			case slices.ContainsFunc(permanentKeys, hasPrefix), slices.ContainsFunc(selfTrimmedKeys, hasPrefix):
				if ttl != -1 {
					t.Errorf("key %s has PTTL %v, want none", k, ttl)
				}
			case ttl <= 0:
				t.Errorf("key %s has PTTL %v, want it to expire", k, ttl)
			}
		}
		for _, p := range []string{"gh:at:", "gh:rt:", "gh:req:", "gh:dc:", "gh:uc:", "gh:device:",
			"gh:userdevices:", "gh:orgdevices:", "gh:websess:", "gh:jti:", "gh:client:", "gh:user:",
			"gh:email:", "gh:signing-keys", "gh:revoked-devices", "gh:audit"} {
			if !seen[p] {
				t.Errorf("the exercise wrote no %s key; the sweep above did not check it", p)
			}
		}
	}},

	{"device and user codes are never stored", func(t *testing.T, e *env) {
		e.createCLIClients(t)
		var secrets []string
		for _, decide := range []string{"pending", "approve", "deny"} {
			dc, uc := newCodes()
			e.newDeviceRequest(t, dc, uc)
			e.poll(t, dc, cliClientID)
			switch decide {
			case "approve":
				if _, err := e.store.ApproveDeviceRequest(e.ctx, uc, e.approval()); err != nil {
					t.Fatalf("ApproveDeviceRequest: %v", err)
				}
				e.poll(t, dc, cliClientID)
			case "deny":
				if err := e.store.DenyDeviceRequest(e.ctx, uc, "user-1"); err != nil {
					t.Fatalf("DenyDeviceRequest: %v", err)
				}
			}
			secrets = append(secrets, dc, uc, strings.ToLower(uc), uc[:4]+"-"+uc[4:], dc[2:])
		}
		e.assertNotStored(t, secrets...)
	}},
}

// closedAddr returns a loopback address on which nothing listens any more.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

var unavailableCases = []conformanceCase{
	{"IsUnavailable", func(t *testing.T, e *env) {
		down := redis.NewClient(&redis.Options{Addr: closedAddr(t), MaxRetries: -1, DialerRetries: 1,
			DialTimeout: time.Second})
		t.Cleanup(func() { down.Close() })
		downStore, err := storage.New(down, e.secret, storage.Options{Now: e.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		closed := redis.NewClient(&redis.Options{Addr: closedAddr(t)})
		closed.Close()

		dc, _ := newCodes()
		_, pollErr := downStore.PollDeviceCode(e.ctx, dc, cliClientID, pacing)
		_, clientErr := downStore.GetClient(e.ctx, cliClientID)
		_, tokenErr := downStore.GetAccessTokenSession(e.ctx, "at-1", &testSession{})
		_, notFoundErr := e.store.GetClient(e.ctx, "nope")
		tests := []struct {
			name string
			err  error
			want bool
		}{
			{"nil", nil, false},
			{"redis.Nil from a live server", e.rdb.Get(e.ctx, "gh:nothing").Err(), false},
			{"not found from the store", notFoundErr, false},
			{"connection refused", down.Ping(e.ctx).Err(), true},
			{"closed client", closed.Ping(e.ctx).Err(), true},
			{"store poll, server down", pollErr, true},
			{"store client lookup, server down", clientErr, true},
			{"store token lookup, server down", tokenErr, true},
			{"store ping, server down", downStore.Ping(e.ctx), true},
			{"fosite not found", fosite.ErrNotFound, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if tt.want && tt.err == nil {
					t.Fatalf("no error to classify")
				}
				if got := storage.IsUnavailable(tt.err); got != tt.want {
					t.Errorf("IsUnavailable(%v) = %v, want %v", tt.err, got, tt.want)
				}
			})
		}
	}},
}
