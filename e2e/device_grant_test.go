package e2e

import (
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// TestDeviceGrants checks what happens to an authorized device as its tokens are used:
// a replayed refresh token revokes the device and leaves an audit event, two devices
// approved in one browser session stay independent, a refresh updates last_seen_at,
// and gatehouse logout deletes the device.
func TestDeviceGrants(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, serverOptions{})
	b := signedInBrowser(t, g)
	owner := managementToken(t, g, b)
	acme := owner.orgNamed(t, "Acme")
	tenant := startDemoTenant(t, g)

	t.Run("replay revokes the device", func(t *testing.T) {
		t.Parallel()
		_, first := g.connect(t, b, false, forTenant())
		id := deviceID(t, first.AccessToken)
		second := g.refresh(t, first.RefreshToken)
		wantTokens(t, "refresh", second)
		wantNotes(t, "the refreshed token", tenant, http.MethodGet, second.AccessToken, http.StatusOK)

		// RFC 9700 §4.14.2: the rotated token again ends the whole grant.
		wantError(t, "replay", g.refresh(t, first.RefreshToken), http.StatusBadRequest, "invalid_grant")
		wantError(t, "refresh with the newer token after the replay", g.refresh(t, second.RefreshToken),
			http.StatusBadRequest, "invalid_grant")
		if d := owner.device(t, id); d.Status != "revoked" {
			t.Errorf("the replayed device's status is %q, want revoked", d.Status)
		}
		if a := owner.call(t, http.MethodPost, "/api/v1/devices/"+id+"/unlock", nil); a.Status == http.StatusOK {
			t.Errorf("unlock of a revoked device answered 200 %s, want a refusal", a.Body)
		}

		// The tenant refuses the revoked device's unexpired JWT from its next poll.
		if _, ok := eventually(15*time.Second, func() bool {
			return notesStatus(tenant, second.AccessToken) == http.StatusUnauthorized
		}); !ok {
			t.Errorf("the tenant still takes the JWT of a device revoked for reuse after 15 s")
		}

		// The owner and the organization's admin both see it in the audit trail.
		for _, org := range []string{"", acme.ID} {
			if !hasEvent(owner.audit(t, org), "refresh_token.reuse_detected", id) {
				t.Errorf("GET /api/v1/audit?org=%s has no refresh_token.reuse_detected for device %s", org, id)
			}
		}
	})

	t.Run("two devices of one session are independent", func(t *testing.T) {
		t.Parallel()
		_, one := g.connect(t, b, false, forTenant())
		_, two := g.connect(t, b, false, forTenant())
		idOne, idTwo := deviceID(t, one.AccessToken), deviceID(t, two.AccessToken)
		if idOne == idTwo {
			t.Fatalf("two approvals share device %s", idOne)
		}

		// Refreshing one, in turns with the other, never disturbs it.
		for i := range 3 {
			one = g.refresh(t, one.RefreshToken)
			wantTokens(t, "refresh device one", one)
			if in := g.introspect(t, two.RefreshToken, "refresh_token"); !in.Active {
				t.Fatalf("round %d: device two's refresh token went inactive when device one refreshed", i)
			}
			two = g.refresh(t, two.RefreshToken)
			wantTokens(t, "refresh device two", two)
		}

		// Not even a replay revoking the first.
		old := one
		one = g.refresh(t, one.RefreshToken)
		wantTokens(t, "refresh device one", one)
		wantError(t, "replay on device one", g.refresh(t, old.RefreshToken), http.StatusBadRequest, "invalid_grant")
		wantTokens(t, "refresh device two after device one was revoked", g.refresh(t, two.RefreshToken))
		if d := owner.device(t, idTwo); d.Status != "active" {
			t.Errorf("device two is %q after device one was revoked, want active", d.Status)
		}
	})

	t.Run("last_seen_at follows refreshes", func(t *testing.T) {
		t.Parallel()
		_, ta := g.connect(t, b, false, nil)
		id := deviceID(t, ta.AccessToken)
		seen := owner.device(t, id).LastSeenAt

		next := g.refresh(t, ta.RefreshToken)
		wantTokens(t, "refresh", next)
		d := owner.device(t, id)
		// Whole milliseconds on the server's clock: a second of slack.
		if !d.LastSeenAt.After(seen) || d.LastSeenAt.After(next.At.Add(time.Second)) {
			t.Errorf("last_seen_at %v after a refresh at %v, want later than %v and not after the refresh",
				d.LastSeenAt, next.At, seen)
		}
	})

	t.Run("gatehouse logout deletes its device", func(t *testing.T) {
		t.Parallel()
		configDir := filepath.Join(t.TempDir(), "gatehouse")
		cliConnect(t, b, configDir, g.URL)
		id := connectionDevice(t, configDir, g.URL)
		if !owner.hasDevice(t, id) {
			t.Fatalf("the connected CLI's device %s is not listed", id)
		}

		if out, err := runCLI(t, configDir, "logout", "--url", g.URL); err != nil {
			t.Fatalf("gatehouse logout: %v\n%s", err, out)
		}
		if owner.hasDevice(t, id) {
			t.Errorf("the logged-out CLI's device %s is still listed", id)
		}
		if a := owner.call(t, http.MethodGet, "/api/v1/devices/"+id, nil); a.Status != http.StatusNotFound {
			t.Errorf("GET the logged-out CLI's device: %d %s, want 404", a.Status, a.Body)
		}
	})
}

// hasEvent reports whether events hold one of type typ about device id.
func hasEvent(events []apiEvent, typ, id string) bool {
	for _, ev := range events {
		if ev.Type == typ && ev.DeviceID == id {
			return true
		}
	}
	return false
}
