package rbac

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/rbac/rbactest"
)

// verifyDevice verifies a fresh token for deviceID and returns the error.
func verifyDevice(t *testing.T, v *Verifier, fi *rbactest.Issuer, now time.Time,
	deviceID string) error {
	t.Helper()
	raw := mint(fi, now, tokenOpts{claims: func(c map[string]any) { c["device_id"] = deviceID }})
	_, err := v.Verify(context.Background(), raw)
	return err
}

func TestRevocationRevokeAndRestore(t *testing.T) {
	fi := newFakeIssuer(t)
	fi.SetRevoked("lost-laptop")
	clock := newFakeClock()
	v := newTestVerifier(t, fi, clock, nil)

	steps := []struct {
		name    string
		edit    func()
		advance time.Duration
		device  string
		wantErr error
	}{
		{name: "revoked device refused", device: "lost-laptop", wantErr: ErrDeviceRevoked},
		{name: "other device passes", device: "desk-pc"},
		{name: "still refused before the list is stale", edit: func() { fi.SetRevoked() },
			advance: time.Hour, device: "lost-laptop", wantErr: ErrDeviceRevoked},
		{name: "passes after a refresh", advance: time.Hour + time.Second,
			device: "lost-laptop"},
		{name: "newly revoked device refused after a refresh",
			edit:    func() { fi.SetRevoked("desk-pc") },
			advance: 2*time.Hour + time.Second, device: "desk-pc", wantErr: ErrDeviceRevoked},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.edit != nil {
				st.edit()
			}
			clock.Advance(st.advance)
			err := verifyDevice(t, v, fi, clock.Now(), st.device)
			if st.wantErr == nil && err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if !errors.Is(err, st.wantErr) {
				t.Fatalf("Verify error = %v, want %v", err, st.wantErr)
			}
		})
	}
}

func TestRevocationEndpointDownKeepsLastList(t *testing.T) {
	fi := newFakeIssuer(t)
	fi.SetRevoked("lost-laptop")
	clock := newFakeClock()
	var logs syncBuffer
	v := newTestVerifier(t, fi, clock, func(c *VerifierConfig) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})

	// The issuer now forgets the revocation but cannot be reached: the last good list
	// must still refuse the device.
	fi.SetRevocationDown(true)
	fi.SetRevoked()
	clock.Advance(3 * time.Hour)
	hits := fi.RevocationRequests()

	err := verifyDevice(t, v, fi, clock.Now(), "lost-laptop")
	if !errors.Is(err, ErrDeviceRevoked) {
		t.Fatalf("revoked device while list is down: %v, want ErrDeviceRevoked", err)
	}
	if fi.RevocationRequests() == hits {
		t.Fatal("a stale list was not re-fetched")
	}
	if err := verifyDevice(t, v, fi, clock.Now(), "desk-pc"); err != nil {
		t.Fatalf("other device while list is down: %v", err)
	}
	if !strings.Contains(logs.String(), "keeping the last good list") {
		t.Fatalf("failure not logged; logs:\n%s", logs.String())
	}

	// Back up: the forgotten revocation takes effect.
	fi.SetRevocationDown(false)
	clock.Advance(time.Hour)
	if err := verifyDevice(t, v, fi, clock.Now(), "lost-laptop"); err != nil {
		t.Fatalf("after recovery: %v", err)
	}
}

func TestRevocationFailsClosedWithoutList(t *testing.T) {
	fi := newFakeIssuer(t)
	fi.SetRevocationDown(true)
	clock := newFakeClock()
	v := newTestVerifier(t, fi, clock, nil)

	err := verifyDevice(t, v, fi, clock.Now(), "desk-pc")
	if !errors.Is(err, ErrRevocationUnavailable) {
		t.Fatalf("Verify error = %v, want ErrRevocationUnavailable", err)
	}
	if errors.Is(err, ErrInvalidToken) {
		t.Fatal("ErrRevocationUnavailable must not match ErrInvalidToken")
	}

	fi.SetRevocationDown(false)
	clock.Advance(time.Hour)
	if err := verifyDevice(t, v, fi, clock.Now(), "desk-pc"); err != nil {
		t.Fatalf("after the list arrived: %v", err)
	}
}

func TestRevocationSkipped(t *testing.T) {
	tests := []struct {
		name         string
		noEndpoint   bool
		noClientAuth bool
	}{
		{name: "endpoint not advertised", noEndpoint: true},
		{name: "no client credentials", noClientAuth: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fi := newFakeIssuerWith(t, rbactest.Options{NoRevocation: tt.noEndpoint})
			fi.SetRevoked("lost-laptop")
			clock := newFakeClock()
			v := newTestVerifier(t, fi, clock, func(c *VerifierConfig) {
				if tt.noClientAuth {
					c.ClientID, c.ClientSecret = "", ""
				}
			})

			// Documented: without revocation, a revoked device passes until expiry.
			if err := verifyDevice(t, v, fi, clock.Now(), "lost-laptop"); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if n := fi.RevocationRequests(); n != 0 {
				t.Fatalf("revocation list fetched %d times, want 0", n)
			}
		})
	}
}

func TestRevocationWrongCredentials(t *testing.T) {
	fi := newFakeIssuer(t)
	clock := newFakeClock()
	v := newTestVerifier(t, fi, clock, func(c *VerifierConfig) {
		c.ClientSecret = "wrong"
	})

	err := verifyDevice(t, v, fi, clock.Now(), "desk-pc")
	if !errors.Is(err, ErrRevocationUnavailable) {
		t.Fatalf("Verify error = %v, want ErrRevocationUnavailable", err)
	}
}

// TestRevocationBackgroundRefresh runs the real ticker with a short interval and the
// real clock: a device revoked at the issuer is refused once the next good fetch lands.
func TestRevocationBackgroundRefresh(t *testing.T) {
	fi := newFakeIssuer(t)
	v := newTestVerifier(t, fi, newFakeClock(), func(c *VerifierConfig) {
		c.RevocationRefresh = 10 * time.Millisecond
		c.Now = nil
	})
	<-fi.RevocationServed() // the first fetch, made by NewVerifier

	fi.SetRevoked("lost-laptop")
	// Signals already queued came from answers built before setRevoked: drop them.
	// The first answer after it may still be on its way into the verifier when it
	// signals; the second fetch starts only once the first is stored.
	for len(fi.RevocationServed()) > 0 {
		<-fi.RevocationServed()
	}
	for range 2 {
		select {
		case <-fi.RevocationServed():
		case <-time.After(5 * time.Second):
			t.Fatal("no background refresh within 5 s")
		}
	}

	err := verifyDevice(t, v, fi, time.Now(), "lost-laptop")
	if !errors.Is(err, ErrDeviceRevoked) {
		t.Fatalf("Verify error = %v, want ErrDeviceRevoked", err)
	}

	v.Close()
	v.Close() // a second Close is harmless
}

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
