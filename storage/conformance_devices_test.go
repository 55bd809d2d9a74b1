package storage_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/ory/fosite"
	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// approvedDevice runs a device request through approval and returns the device.
func (e *env) approvedDevice(t *testing.T) *storage.AuthorizedDevice {
	t.Helper()
	dc, uc := newCodes()
	e.newDeviceRequest(t, dc, uc)
	a := e.approval()
	a.Trusted, a.ExpiresAt = false, e.clock.Now().Add(24*time.Hour)
	dev, err := e.store.ApproveDeviceRequest(e.ctx, uc, a)
	if err != nil {
		t.Fatalf("ApproveDeviceRequest: %v", err)
	}
	return dev
}

var deviceCases = []conformanceCase{
	// A device's tokens stop working the moment it is locked, deleted or past its
	// lifetime, whatever the tokens' own expiry says.
	{"tokens of an unusable device are refused", func(t *testing.T, e *env) {
		tests := []struct {
			name    string
			spoil   func(t *testing.T, dev *storage.AuthorizedDevice)
			refused bool
		}{
			{"active", func(*testing.T, *storage.AuthorizedDevice) {}, false},
			{"locked", func(t *testing.T, dev *storage.AuthorizedDevice) {
				if err := e.store.LockDevice(e.ctx, dev.ID); err != nil {
					t.Fatal(err)
				}
			}, true},
			{"locked in Redis directly", func(t *testing.T, dev *storage.AuthorizedDevice) {
				if err := e.rdb.HSet(e.ctx, "gh:device:"+dev.ID, "status", storage.DeviceLocked).Err(); err != nil {
					t.Fatal(err)
				}
			}, true},
			{"revoked for refresh token reuse", func(t *testing.T, dev *storage.AuthorizedDevice) {
				if err := e.rdb.HSet(e.ctx, "gh:device:"+dev.ID, "status", storage.DeviceRevoked).Err(); err != nil {
					t.Fatal(err)
				}
			}, true},
			{"status unknown to the store", func(t *testing.T, dev *storage.AuthorizedDevice) {
				if err := e.rdb.HSet(e.ctx, "gh:device:"+dev.ID, "status", "suspended").Err(); err != nil {
					t.Fatal(err)
				}
			}, true},
			{"record deleted", func(t *testing.T, dev *storage.AuthorizedDevice) {
				if err := e.rdb.Del(e.ctx, "gh:device:"+dev.ID).Err(); err != nil {
					t.Fatal(err)
				}
			}, true},
			{"DeleteDevice", func(t *testing.T, dev *storage.AuthorizedDevice) {
				if err := e.store.DeleteDevice(e.ctx, dev.ID); err != nil {
					t.Fatal(err)
				}
			}, true},
			{"past ExpiresAt", func(t *testing.T, dev *storage.AuthorizedDevice) {
				// Only the device has ended: move its end to now, leave the tokens' expiry.
				end := strconv.FormatInt(e.clock.Now().UnixMilli(), 10)
				if err := e.rdb.HSet(e.ctx, "gh:device:"+dev.ID, "expires_at", end).Err(); err != nil {
					t.Fatal(err)
				}
			}, true},
			{"past ExpiresAt by the clock", func(t *testing.T, dev *storage.AuthorizedDevice) {
				e.clock.Add(24 * time.Hour)
				t.Cleanup(func() { e.clock.Add(-24 * time.Hour) })
			}, true},
		}
		e.createCLIClients(t)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				dev := e.approvedDevice(t)
				r := e.tokenRequest(t, dev.ID, dev.ID)
				// Tokens valid for longer than the device, so only the device can end them.
				r.Session.SetExpiresAt(fosite.AccessToken, e.clock.Now().Add(48*time.Hour))
				r.Session.SetExpiresAt(fosite.RefreshToken, e.clock.Now().Add(48*time.Hour))
				e.createToken(t, accessToken, "at-"+dev.ID, r)
				e.createToken(t, refreshToken, "rt-"+dev.ID, r)

				tt.spoil(t, dev)

				for _, kind := range []tokenKind{accessToken, refreshToken} {
					sig := map[tokenKind]string{accessToken: "at-", refreshToken: "rt-"}[kind] + dev.ID
					got, sess, err := e.getToken(kind, sig)
					if !tt.refused {
						if err != nil || got.GetID() != dev.ID || sess.DeviceID != dev.ID {
							t.Errorf("%s token of an active device: %v, %v", kind, got, err)
						}
						continue
					}
					if !errors.Is(err, fosite.ErrNotFound) {
						t.Errorf("%s token: %v, want an error wrapping fosite.ErrNotFound", kind, err)
					}
					if got != nil {
						t.Errorf("%s token: a refused token came back with its request", kind)
					}
				}
			})
		}
	}},

	{"a refused device keeps its grant", func(t *testing.T, e *env) {
		e.createCLIClients(t)
		dev := e.approvedDevice(t)
		e.createToken(t, refreshToken, "rt-1", e.tokenRequest(t, dev.ID, dev.ID))
		key := "gh:device:" + dev.ID

		if err := e.store.LockDevice(e.ctx, dev.ID); err != nil {
			t.Fatalf("LockDevice: %v", err)
		}
		if _, _, err := e.getToken(refreshToken, "rt-1"); !errors.Is(err, fosite.ErrNotFound) {
			t.Fatalf("refresh token of a locked device: %v, want fosite.ErrNotFound", err)
		}
		if got := e.rdb.HGet(e.ctx, key, "status").Val(); got != storage.DeviceLocked {
			t.Fatalf("status after a refused refresh = %q, want it still locked", got)
		}
		if err := e.store.UnlockDevice(e.ctx, dev.ID); err != nil {
			t.Fatalf("UnlockDevice: %v", err)
		}
		if _, _, err := e.getToken(refreshToken, "rt-1"); err != nil {
			t.Errorf("refresh token after unlocking: %v, want it usable again", err)
		}
	}},

	{"device indexes live as long as their longest-lived device", func(t *testing.T, e *env) {
		const retention = 7 * 24 * time.Hour
		approve := func(trusted bool) {
			dc, uc := newCodes()
			e.newDeviceRequest(t, dc, uc)
			a := e.approval()
			a.Trusted = trusted
			if !trusted {
				a.ExpiresAt = e.clock.Now().Add(24 * time.Hour)
			}
			if _, err := e.store.ApproveDeviceRequest(e.ctx, uc, a); err != nil {
				t.Fatalf("ApproveDeviceRequest: %v", err)
			}
		}
		assertTTL := func(when string, life time.Duration) {
			t.Helper()
			want := e.clock.Now().Add(life + retention).Sub(time.Now())
			for _, key := range []string{"gh:userdevices:user-1", "gh:orgdevices:org-1"} {
				if ttl := e.rdb.PTTL(e.ctx, key).Val(); ttl < want-time.Minute || ttl > want+time.Minute {
					t.Errorf("%s: PTTL %s = %v, want about %v", when, key, ttl, want)
				}
			}
		}

		approve(false)
		assertTTL("after a 24 hour device", 24*time.Hour)
		approve(true)
		assertTTL("after a 30 day device", 30*24*time.Hour)
		approve(false)
		assertTTL("after another 24 hour device", 30*24*time.Hour)
	}},

	// Unlocking restores a device until its original expiry, never past it.
	{"a locked device whose time is up cannot be unlocked", func(t *testing.T, e *env) {
		dev := e.approvedDevice(t)
		if err := e.store.LockDevice(e.ctx, dev.ID); err != nil {
			t.Fatalf("LockDevice: %v", err)
		}
		e.clock.Add(dev.ExpiresAt.Sub(e.clock.Now()) + time.Second)
		for name, unlock := range map[string]func(context.Context, string) error{
			"UnlockDevice": e.store.UnlockDevice, "UnlockDeviceAsAdmin": e.store.UnlockDeviceAsAdmin,
		} {
			if err := unlock(e.ctx, dev.ID); !errors.Is(err, storage.ErrDeviceState) {
				t.Errorf("%s after expiry = %v, want ErrDeviceState", name, err)
			}
		}
		if got, _ := e.store.Device(e.ctx, dev.ID); got == nil || got.Status != storage.DeviceLocked {
			t.Errorf("device after the refused unlocks = %+v, want still locked", got)
		}
	}},

	// An organization admin's lock is the admin's to lift: the owner cannot undo it.
	{"an admin's lock can be lifted only by an admin", func(t *testing.T, e *env) {
		dev := e.approvedDevice(t)
		if err := e.store.LockDeviceAsAdmin(e.ctx, dev.ID); err != nil {
			t.Fatalf("LockDeviceAsAdmin: %v", err)
		}
		if err := e.store.UnlockDevice(e.ctx, dev.ID); !errors.Is(err, storage.ErrLockedByAdmin) {
			t.Fatalf("owner's UnlockDevice = %v, want ErrLockedByAdmin", err)
		}
		if got, _ := e.store.Device(e.ctx, dev.ID); got.Status != storage.DeviceLocked {
			t.Fatalf("status after the owner's refused unlock = %s, want locked", got.Status)
		}
		if err := e.store.UnlockDeviceAsAdmin(e.ctx, dev.ID); err != nil {
			t.Fatalf("UnlockDeviceAsAdmin: %v", err)
		}

		// The owner's own lock stays theirs to lift.
		if err := e.store.LockDevice(e.ctx, dev.ID); err != nil {
			t.Fatalf("LockDevice: %v", err)
		}
		if err := e.store.UnlockDevice(e.ctx, dev.ID); err != nil {
			t.Fatalf("owner's UnlockDevice of their own lock: %v", err)
		}
	}},

	// RFC 9700 §4.14.2: a rotated refresh token presented again means a stolen copy; the
	// device is revoked for good and its id goes on the revoked list.
	{"reuse of a rotated refresh token revokes the device for good", func(t *testing.T, e *env) {
		e.createCLIClients(t)
		dev, bystander := e.approvedDevice(t), e.approvedDevice(t)
		e.createToken(t, refreshToken, "rt-1", e.tokenRequest(t, dev.ID, dev.ID))
		e.createToken(t, refreshToken, "rt-b", e.tokenRequest(t, bystander.ID, bystander.ID))
		if err := e.store.RotateRefreshToken(e.ctx, dev.ID, "rt-1"); err != nil {
			t.Fatalf("RotateRefreshToken: %v", err)
		}
		e.createToken(t, refreshToken, "rt-2", e.tokenRequest(t, dev.ID, dev.ID))

		if _, _, err := e.getToken(refreshToken, "rt-1"); !errors.Is(err, fosite.ErrInactiveToken) {
			t.Fatalf("replayed refresh token: %v, want fosite.ErrInactiveToken", err)
		}
		// Looking at a rotated token (introspection, revocation) revokes nothing.
		if got, err := e.store.Device(e.ctx, dev.ID); err != nil || got.Status != storage.DeviceActive {
			t.Fatalf("device after a mere lookup = %+v (%v), want active", got, err)
		}

		// fosite's refresh handler deletes the replayed token, then the grant's tokens.
		if err := e.store.DeleteRefreshTokenSession(e.ctx, "rt-1"); err != nil {
			t.Fatalf("DeleteRefreshTokenSession: %v", err)
		}
		if err := e.store.RevokeRefreshToken(e.ctx, dev.ID); err != nil {
			t.Fatalf("RevokeRefreshToken: %v", err)
		}
		got, err := e.store.Device(e.ctx, dev.ID)
		if err != nil || got.Status != storage.DeviceRevoked {
			t.Errorf("device after reuse = %+v (%v), want revoked", got, err)
		}
		if _, _, err := e.getToken(refreshToken, "rt-2"); !errors.Is(err, fosite.ErrNotFound) {
			t.Errorf("the grant's newer refresh token: %v, want fosite.ErrNotFound", err)
		}
		if err := e.store.UnlockDevice(e.ctx, dev.ID); !errors.Is(err, storage.ErrDeviceState) {
			t.Errorf("UnlockDevice(revoked) = %v, want ErrDeviceState", err)
		}
		ids, err := e.store.RevokedDeviceIDs(e.ctx)
		if err != nil || !slices.Equal(ids, []string{dev.ID}) {
			t.Errorf("RevokedDeviceIDs = %v (%v), want [%s]", ids, err, dev.ID)
		}
		if _, _, err := e.getToken(refreshToken, "rt-b"); err != nil {
			t.Errorf("another device's refresh token: %v", err)
		}
	}},

	{"lock, unlock and delete keep the revoked list in step", func(t *testing.T, e *env) {
		locked, deleted := e.approvedDevice(t), e.approvedDevice(t)
		revoked := func() []string {
			t.Helper()
			ids, err := e.store.RevokedDeviceIDs(e.ctx)
			if err != nil {
				t.Fatalf("RevokedDeviceIDs: %v", err)
			}
			slices.Sort(ids)
			return ids
		}

		if err := e.store.LockDevice(e.ctx, locked.ID); err != nil {
			t.Fatalf("LockDevice: %v", err)
		}
		if err := e.store.LockDevice(e.ctx, locked.ID); !errors.Is(err, storage.ErrDeviceState) {
			t.Errorf("LockDevice twice = %v, want ErrDeviceState", err)
		}
		if err := e.store.DeleteDevice(e.ctx, deleted.ID); err != nil {
			t.Fatalf("DeleteDevice: %v", err)
		}
		want := []string{locked.ID, deleted.ID}
		slices.Sort(want)
		if got := revoked(); !slices.Equal(got, want) {
			t.Errorf("after lock and delete: %v, want %v", got, want)
		}
		// Each organization's tenants see their own devices only.
		orgIDs, err := e.store.OrgRevokedDeviceIDs(e.ctx, locked.OrgID)
		slices.Sort(orgIDs)
		if err != nil || locked.OrgID == "" || !slices.Equal(orgIDs, want) {
			t.Errorf("OrgRevokedDeviceIDs(%q) = %v (%v), want %v", locked.OrgID, orgIDs, err, want)
		}
		if other, err := e.store.OrgRevokedDeviceIDs(e.ctx, "another-org"); err != nil || len(other) != 0 {
			t.Errorf("OrgRevokedDeviceIDs(another-org) = %v (%v), want none", other, err)
		}
		// The score is the end of the authorization: a tenant refuses the JWTs until then.
		score := e.rdb.ZScore(e.ctx, "gh:revoked-devices", locked.ID).Val()
		if int64(score) != locked.ExpiresAt.UnixMilli() {
			t.Errorf("revoked list score %v, want the device's expiry %d", score, locked.ExpiresAt.UnixMilli())
		}

		if err := e.store.UnlockDevice(e.ctx, locked.ID); err != nil {
			t.Fatalf("UnlockDevice: %v", err)
		}
		if got := revoked(); !slices.Equal(got, []string{deleted.ID}) {
			t.Errorf("after unlock: %v, want [%s]", got, deleted.ID)
		}
		for name, err := range map[string]error{
			"LockDevice":   e.store.LockDevice(e.ctx, deleted.ID),
			"UnlockDevice": e.store.UnlockDevice(e.ctx, deleted.ID),
			"DeleteDevice": e.store.DeleteDevice(e.ctx, deleted.ID),
		} {
			if !errors.Is(err, fosite.ErrNotFound) {
				t.Errorf("%s(deleted) = %v, want fosite.ErrNotFound", name, err)
			}
		}
		if err := e.store.TouchDevice(e.ctx, deleted.ID, "192.0.2.9"); err != nil {
			t.Errorf("TouchDevice(deleted) = %v", err)
		}
		if _, err := e.store.Device(e.ctx, deleted.ID); !errors.Is(err, fosite.ErrNotFound) {
			t.Errorf("TouchDevice brought a deleted device back: %v", err)
		}

		e.clock.Add(24 * time.Hour)
		if got := revoked(); len(got) != 0 {
			t.Errorf("after the authorizations ended: %v, want none", got)
		}
	}},

	{"unknown device is fosite.ErrNotFound", func(t *testing.T, e *env) {
		if _, err := e.store.Device(e.ctx, "nope"); !errors.Is(err, fosite.ErrNotFound) {
			t.Errorf("Device(unknown) = %v, want fosite.ErrNotFound", err)
		}
	}},

	{"revoked device ids drop entries whose expiry has passed", func(t *testing.T, e *env) {
		now := e.clock.Now()
		at := func(d time.Duration) float64 { return float64(now.Add(d).UnixMilli()) }
		err := e.rdb.ZAdd(e.ctx, "gh:revoked-devices",
			redis.Z{Score: at(-time.Hour), Member: "ended-long-ago"},
			redis.Z{Score: at(0), Member: "ends-now"},
			redis.Z{Score: at(time.Millisecond), Member: "ends-in-a-millisecond"},
			redis.Z{Score: at(time.Hour), Member: "ends-in-an-hour"},
		).Err()
		if err != nil {
			t.Fatalf("ZADD: %v", err)
		}

		tests := []struct {
			advance time.Duration
			want    []string
		}{
			{0, []string{"ends-in-a-millisecond", "ends-in-an-hour"}},
			{time.Millisecond, []string{"ends-in-an-hour"}},
			{time.Hour, nil},
		}
		for _, tt := range tests {
			e.clock.Add(tt.advance)
			got, err := e.store.RevokedDeviceIDs(e.ctx)
			if err != nil {
				t.Fatalf("RevokedDeviceIDs: %v", err)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("at +%v: RevokedDeviceIDs = %v, want %v", e.clock.Now().Sub(now), got, tt.want)
			}
			if n := e.rdb.ZCard(e.ctx, "gh:revoked-devices").Val(); n != int64(len(tt.want)) {
				t.Errorf("at +%v: %d entries left in Redis, want the %d listed",
					e.clock.Now().Sub(now), n, len(tt.want))
			}
		}
	}},
}
