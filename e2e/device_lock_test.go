package e2e

import (
	"net/http"
	"testing"
	"time"
)

// lockBound is how soon after a lock a tenant must refuse the device's still-unexpired
// JWTs: it learns of locks from the revoked devices list it polls every 2 s.
const lockBound = 5 * time.Second

// TestDeviceLock locks a device connected to the demo tenant through the management
// API, and measures how long the tenant goes on taking its unexpired JWT. At Gatehouse
// the lock is at once: no refresh, introspection says inactive, userinfo refuses.
// Unlocking restores all of it; deleting ends it for good.
func TestDeviceLock(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, serverOptions{})
	b := signedInBrowser(t, g)
	owner := managementToken(t, g, b)
	tenant := startDemoTenant(t, g)
	_, ta := g.connect(t, b, false, forTenant())
	id := deviceID(t, ta.AccessToken)

	works := func(t *testing.T, when string) {
		t.Helper()
		wantNotes(t, when, tenant, http.MethodGet, ta.AccessToken, http.StatusOK)
		if in := g.introspect(t, ta.AccessToken, "access_token"); !in.Active {
			t.Errorf("%s: the access token introspects inactive", when)
		}
		if a := userinfo(t, g, http.MethodGet, "Bearer "+ta.AccessToken); a.Status != http.StatusOK {
			t.Errorf("%s: userinfo %d %s, want 200", when, a.Status, a.Body)
		}
	}
	refused := func(t *testing.T, when string) {
		t.Helper()
		for _, tok := range []struct{ hint, value string }{
			{"access_token", ta.AccessToken}, {"refresh_token", ta.RefreshToken},
		} {
			if in := g.introspect(t, tok.value, tok.hint); in.Active {
				t.Errorf("%s: the %s introspects active", when, tok.hint)
			}
		}
		wantChallenge(t, userinfo(t, g, http.MethodGet, "Bearer "+ta.AccessToken), http.StatusUnauthorized,
			"invalid_token")
		wantError(t, when+": refresh", g.refresh(t, ta.RefreshToken), http.StatusBadRequest, "invalid_grant")
	}
	works(t, "before the lock")

	// Lock, and watch the tenant while Gatehouse is checked.
	start := time.Now()
	var d apiDevice
	owner.must(t, http.StatusOK, http.MethodPost, "/api/v1/devices/"+id+"/lock", nil, &d)
	if d.ID != id || d.Status != "locked" {
		t.Errorf("lock answered %+v, want device %s locked", d, id)
	}
	tenantRefused := make(chan time.Duration, 1)
	go func() {
		_, ok := eventually(15*time.Second, func() bool {
			return notesStatus(tenant, ta.AccessToken) == http.StatusUnauthorized
		})
		if !ok {
			tenantRefused <- -1
			return
		}
		tenantRefused <- time.Since(start)
	}()
	refused(t, "at once after the lock")
	if got := owner.device(t, id).Status; got != "locked" {
		t.Errorf("the locked device's status is %q", got)
	}
	switch delay := <-tenantRefused; {
	case delay < 0:
		t.Errorf("the tenant still takes the locked device's JWT 15 s after the lock")
	case delay > lockBound:
		t.Errorf("lock-to-refusal delay: %v, want at most %v", delay, lockBound)
	default:
		t.Logf("lock-to-refusal delay: %v", delay)
	}
	if t.Failed() {
		t.FailNow()
	}

	t.Run("unlock", func(t *testing.T) {
		owner.must(t, http.StatusOK, http.MethodPost, "/api/v1/devices/"+id+"/unlock", nil, &d)
		if d.Status != "active" {
			t.Errorf("unlock answered status %q, want active", d.Status)
		}
		// The tenant drops the device from its list at its next poll.
		if _, ok := eventually(15*time.Second, func() bool {
			return tenantCall(t, tenant, http.MethodGet, ta.AccessToken, "").Status == http.StatusOK
		}); !ok {
			t.Errorf("the tenant still refuses the unlocked device's JWT after 15 s")
		}
		works(t, "after the unlock")
		// The refresh refused while locked did not use the refresh token up.
		next := g.refresh(t, ta.RefreshToken)
		wantTokens(t, "refresh after the unlock", next)
		ta = next
	})

	t.Run("delete", func(t *testing.T) {
		owner.must(t, http.StatusNoContent, http.MethodDelete, "/api/v1/devices/"+id, nil, nil)
		refused(t, "after the delete")
		for _, a := range []answer{
			owner.call(t, http.MethodGet, "/api/v1/devices/"+id, nil),
			owner.call(t, http.MethodPost, "/api/v1/devices/"+id+"/unlock", nil),
		} {
			if a.Status != http.StatusNotFound {
				t.Errorf("the deleted device: %d %s, want 404", a.Status, a.Body)
			}
		}
		if owner.hasDevice(t, id) {
			t.Errorf("the deleted device is still listed")
		}
		if _, ok := eventually(15*time.Second, func() bool {
			return tenantCall(t, tenant, http.MethodGet, ta.AccessToken, "").Status == http.StatusUnauthorized
		}); !ok {
			t.Errorf("the tenant still takes the deleted device's JWT after 15 s")
		}
	})

	t.Run("audit trail", func(t *testing.T) {
		// The owner sees what was done to the device, deleted since.
		events := owner.audit(t, "")
		for _, typ := range []string{"device.approved", "device.locked", "device.unlocked", "device.deleted"} {
			if !hasEvent(events, typ, id) {
				t.Errorf("the owner's audit trail has no %s for device %s", typ, id)
			}
		}
	})

	t.Run("a locked management device", func(t *testing.T) {
		// The management API refuses the tokens of a locked device too.
		other := managementToken(t, g, b)
		otherID := deviceID(t, other.token)
		owner.must(t, http.StatusOK, http.MethodPost, "/api/v1/devices/"+otherID+"/lock", nil, nil)
		a := other.call(t, http.MethodGet, "/api/v1/me", nil)
		wantChallenge(t, a, http.StatusUnauthorized, "invalid_token")
		owner.must(t, http.StatusOK, http.MethodPost, "/api/v1/devices/"+otherID+"/unlock", nil, nil)
		other.must(t, http.StatusOK, http.MethodGet, "/api/v1/me", nil, nil)

		// Locking twice is a conflict, not a second lock.
		owner.must(t, http.StatusOK, http.MethodPost, "/api/v1/devices/"+otherID+"/lock", nil, nil)
		a = owner.call(t, http.MethodPost, "/api/v1/devices/"+otherID+"/lock", nil)
		if a.Status != http.StatusConflict {
			t.Errorf("lock a locked device: %d %s, want 409", a.Status, a.Body)
		}
	})
}

// notesStatus is the status of GET /api/notes at the tenant at base with token, or -1
// when the request fails. Unlike tenantCall it may run outside the test's goroutine.
func notesStatus(base, token string) int {
	req, err := http.NewRequest(http.MethodGet, base+"/api/notes", nil)
	if err != nil {
		return -1
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := httpClient.Do(req)
	if err != nil {
		return -1
	}
	resp.Body.Close()
	return resp.StatusCode
}
