package consent_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/consent"
	"github.com/gatehouse-auth/gatehouse/provider"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// deviceSpec is how authorizedDevice makes a device.
type deviceSpec struct {
	hostname, resource, orgID string
	trusted                   bool
	lifetime                  time.Duration
	// details, if not nil, is all the device says about itself; hostname is then unused.
	details *storage.DeviceDetails
}

// authorizedDevice approves a new device request for user, as the consent page
// would, and returns the device.
func (e *env) authorizedDevice(user *storage.User, spec deviceSpec) *storage.AuthorizedDevice {
	e.t.Helper()
	ctx := context.Background()
	now := e.clock.Now()
	code := provider.NewUserCode()
	req := &storage.DeviceRequest{
		ID: storage.NewID(), ClientID: testClientID, Scopes: []string{"openid"},
		Details: storage.DeviceDetails{Hostname: spec.hostname, OS: "linux/arm64",
			ClientName: "gatehouse", ClientVersion: "1.5.0", IPAddress: "198.51.100.20"},
		CreatedAt: now, ExpiresAt: now.Add(10 * time.Minute), Interval: 5 * time.Second,
	}
	if spec.resource != "" {
		req.Resource = []string{spec.resource}
	}
	if spec.details != nil {
		req.Details = *spec.details
	}
	if err := e.st.CreateDeviceRequest(ctx, "dc-"+req.ID, code, req); err != nil {
		e.t.Fatal(err)
	}
	if spec.lifetime == 0 {
		spec.lifetime = 24 * time.Hour
	}
	dev, err := e.st.ApproveDeviceRequest(ctx, code, storage.Approval{
		UserID: user.ID, Trusted: spec.trusted, AuthTime: now, ApprovedAt: now,
		ExpiresAt: now.Add(spec.lifetime), OrgID: spec.orgID,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return dev
}

// deviceStatus is the stored status of device id, "" once it is deleted.
func (e *env) deviceStatus(id string) string {
	e.t.Helper()
	dev, err := e.st.Device(context.Background(), id)
	if errors.Is(err, fosite.ErrNotFound) {
		return ""
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return dev.Status
}

// row is the table row of the device named hostname on the current page, "" if none.
func (b *browser) row(hostname string) string {
	for _, tr := range strings.Split(b.page, "<tr>") {
		if strings.Contains(tr, `<td class="long">`+hostname+"</td>") {
			return tr
		}
	}
	return ""
}

func TestDevicesNeedSignIn(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser()
	b.client.CheckRedirect = func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}
	for _, path := range []string{"/devices", "/devices?x=1"} {
		b.get(path)
		if b.status != http.StatusSeeOther || b.header.Get("Location") != "/login?return_to=/devices" {
			t.Errorf("GET %s answered %d to %q, want 303 to /login?return_to=/devices",
				path, b.status, b.header.Get("Location"))
		}
	}

	// Signing in goes back to the devices page.
	b.client.CheckRedirect = nil
	b.get("/login?return_to=/devices")
	b.submit("/login", url.Values{"email": {testEmail}, "password": {testPassword},
		"return_to": {"/devices"}})
	b.want(http.StatusOK, "Your devices")
}

func TestDevicesList(t *testing.T) {
	e := newEnv(t, nil)
	bob := e.newUser(otherEmail)
	e.authorizedDevice(e.user, deviceSpec{hostname: "build-box-7", trusted: true,
		lifetime: 30 * 24 * time.Hour})
	e.authorizedDevice(e.user, deviceSpec{hostname: "laptop",
		resource: "https://tenant.example/api", orgID: "org1"})
	e.authorizedDevice(bob, deviceSpec{hostname: "bobs-laptop"})
	b := e.browser().signIn()

	b.get("/devices").want(http.StatusOK, "Your devices", `href="/devices">Devices</a>`,
		"Sign out</button>")
	for _, col := range []string{"Device", "System", "Client", "IP address", "Tenant",
		"Trusted", "Status", "Authorized", "Last seen", "Expires"} {
		if !strings.Contains(b.page, `<th scope="col">`+col+`</th>`) {
			t.Errorf("no %s column", col)
		}
	}
	if strings.Contains(b.page, "bobs-laptop") {
		t.Error("the page lists another user's device")
	}

	tests := []struct {
		host  string
		cells []string
	}{
		{"build-box-7", []string{"<td>linux/arm64</td>", "<td>gatehouse 1.5.0</td>",
			"<td>198.51.100.20</td>", `<td class="long">Gatehouse</td>`, "<td>Yes</td>", ">Active</span>",
			`<time datetime="2030-01-02T03:04:05Z">2 Jan 2030 03:04</time>`,
			">1 Feb 2030 03:04</time>", ">Lock</button>", ">Delete</button>"}},
		{"laptop", []string{`<td class="long">https://tenant.example/api</td>`, "<td>No</td>",
			">3 Jan 2030 03:04</time>"}},
	}
	for _, tt := range tests {
		row := b.row(tt.host)
		if row == "" {
			t.Fatalf("no row for %s:\n%s", tt.host, b.page)
		}
		for _, c := range tt.cells {
			if !strings.Contains(row, c) {
				t.Errorf("the row of %s lacks %q:\n%s", tt.host, c, row)
			}
		}
		if strings.Contains(row, ">Unlock</button>") {
			t.Errorf("an active device offers Unlock:\n%s", row)
		}
	}
}

func TestDevicesStatuses(t *testing.T) {
	tests := []struct {
		name string
		// prepare changes the device.
		prepare      func(e *env, id string)
		status       string
		lock, unlock bool
	}{
		{"active", func(*env, string) {}, "Active", true, false},
		{"locked", func(e *env, id string) {
			if err := e.st.LockDevice(context.Background(), id); err != nil {
				e.t.Fatal(err)
			}
		}, "Locked", false, true},
		{"expired", func(e *env, _ string) { e.clock.Advance(25 * time.Hour) },
			"Expired", false, false},
		{"locked and expired", func(e *env, id string) {
			if err := e.st.LockDevice(context.Background(), id); err != nil {
				e.t.Fatal(err)
			}
			e.clock.Advance(25 * time.Hour)
		}, "Expired", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *consent.Config) { c.SessionLifetime = 48 * time.Hour })
			dev := e.authorizedDevice(e.user, deviceSpec{hostname: "build-box-7"})
			b := e.browser().signIn()
			tt.prepare(e, dev.ID)

			row := b.get("/devices").want(http.StatusOK).row("build-box-7")
			for text, want := range map[string]bool{
				">" + tt.status + "</span>": true, ">Lock</button>": tt.lock,
				">Unlock</button>": tt.unlock, ">Delete</button>": true,
			} {
				if strings.Contains(row, text) != want {
					t.Errorf("row has %q: %v, want %v:\n%s", text, !want, want, row)
				}
			}
		})
	}
}

func TestDevicesEmpty(t *testing.T) {
	e := newEnv(t, nil)
	e.authorizedDevice(e.newUser(otherEmail), deviceSpec{hostname: "bobs-laptop"})
	b := e.browser().signIn()
	b.get("/devices").want(http.StatusOK, "No devices yet. Run gatehouse connect to add one.")
	if strings.Contains(b.page, "<table>") {
		t.Error("an empty list shows a table")
	}
}

func TestDeviceActions(t *testing.T) {
	tests := []struct {
		name, path string
		// locked starts the device locked.
		locked     bool
		wantStatus string
		flash      string
		audit      string
	}{
		{"lock", "/devices/lock", false, storage.DeviceLocked,
			"Device locked. Its tokens stop working within seconds everywhere.",
			storage.AuditDeviceLocked},
		{"unlock", "/devices/unlock", true, storage.DeviceActive,
			"Device unlocked.", storage.AuditDeviceUnlocked},
		{"delete", "/devices/delete", false, "", "Device deleted.", storage.AuditDeviceDeleted},
		{"delete locked", "/devices/delete", true, "", "Device deleted.",
			storage.AuditDeviceDeleted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			dev := e.authorizedDevice(e.user, deviceSpec{hostname: "build-box-7", orgID: "org1"})
			if tt.locked {
				if err := e.st.LockDevice(context.Background(), dev.ID); err != nil {
					t.Fatal(err)
				}
			}
			b := e.browser().signIn().get("/devices")
			b.client.CheckRedirect = func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			}

			b.submit(tt.path, url.Values{"device_id": {dev.ID}})
			if b.status != http.StatusSeeOther || b.header.Get("Location") != "/devices" {
				t.Fatalf("answered %d to %q, want 303 to /devices", b.status,
					b.header.Get("Location"))
			}
			if got := e.deviceStatus(dev.ID); got != tt.wantStatus {
				t.Errorf("device is %q, want %q", got, tt.wantStatus)
			}
			e.wantAudit(storage.AuditEvent{Type: tt.audit, ActorID: e.user.ID, OrgID: "org1",
				DeviceID: dev.ID, IP: "127.0.0.1"})

			// The flash shows once.
			b.get("/devices").want(http.StatusOK, tt.flash)
			b.get("/devices")
			if strings.Contains(b.page, tt.flash) {
				t.Error("the flash shows again on reload")
			}
			if tt.wantStatus == "" && b.row("build-box-7") != "" {
				t.Error("a deleted device is still listed")
			}
		})
	}
}

func TestDeviceActionsRefused(t *testing.T) {
	tests := []struct {
		name, path string
		prepare    func(e *env, id string)
		want       string
		status     string
	}{
		{"unlock an active device", "/devices/unlock", func(*env, string) {},
			"This device is not locked.", storage.DeviceActive},
		{"lock a locked device", "/devices/lock", func(e *env, id string) {
			e.st.LockDevice(context.Background(), id)
		}, "This device is already locked.", storage.DeviceLocked},
		{"lock an expired device", "/devices/lock", func(e *env, _ string) {
			e.clock.Advance(25 * time.Hour)
		}, "This device is not active, so it cannot be locked.", storage.DeviceActive},
		{"unlock an expired device", "/devices/unlock", func(e *env, id string) {
			e.st.LockDevice(context.Background(), id)
			e.clock.Advance(25 * time.Hour)
		}, "The authorization of this device has expired", storage.DeviceLocked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *consent.Config) { c.SessionLifetime = 48 * time.Hour })
			dev := e.authorizedDevice(e.user, deviceSpec{hostname: "build-box-7"})
			b := e.browser().signIn().get("/devices")
			tt.prepare(e, dev.ID)

			b.submit(tt.path, url.Values{"device_id": {dev.ID}})
			b.want(http.StatusOK, "Your devices", `role="alert">`+tt.want)
			if got := e.deviceStatus(dev.ID); got != tt.status {
				t.Errorf("device is %q, want %q", got, tt.status)
			}
			if evs := e.audits(); len(evs) != 0 {
				t.Errorf("a refused action was audited: %+v", evs)
			}
		})
	}
}

func TestDeviceActionsOnAnotherUsersDevice(t *testing.T) {
	for _, path := range []string{"/devices/lock", "/devices/unlock", "/devices/delete"} {
		t.Run(path, func(t *testing.T) {
			e := newEnv(t, nil)
			bobs := e.authorizedDevice(e.newUser(otherEmail), deviceSpec{hostname: "bobs-laptop"})
			mine := e.authorizedDevice(e.user, deviceSpec{hostname: "build-box-7"})
			b := e.browser().signIn().get("/devices")

			for _, id := range []string{bobs.ID, "no-such-device", "", strings.Repeat("a", 65)} {
				b.submit(path, url.Values{"device_id": {id}})
				b.want(http.StatusNotFound, "No such device.")
			}
			if got := e.deviceStatus(bobs.ID); got != storage.DeviceActive {
				t.Errorf("the other user's device is %q", got)
			}
			if got := e.deviceStatus(mine.ID); got != storage.DeviceActive {
				t.Errorf("the signed-in user's device is %q", got)
			}
			if evs := e.audits(); len(evs) != 0 {
				t.Errorf("audited: %+v", evs)
			}
		})
	}
}

func TestDeviceActionsCSRF(t *testing.T) {
	for _, path := range []string{"/devices/lock", "/devices/unlock", "/devices/delete"} {
		t.Run(path, func(t *testing.T) {
			e := newEnv(t, nil)
			dev := e.authorizedDevice(e.user, deviceSpec{hostname: "build-box-7"})
			b := e.browser().signIn().get("/devices")
			b.do(http.MethodPost, path, url.Values{"device_id": {dev.ID}})
			b.want(http.StatusForbidden, "Request refused")
			if got := e.deviceStatus(dev.ID); got != storage.DeviceActive {
				t.Errorf("device is %q after a forged form", got)
			}
		})
	}
}

func TestDeviceActionsSignedOut(t *testing.T) {
	e := newEnv(t, nil)
	dev := e.authorizedDevice(e.user, deviceSpec{hostname: "build-box-7"})
	b := e.browser().signIn().get("/devices")
	page := b.page
	b.submit("/logout", url.Values{})

	b.page = page
	b.submit("/devices/lock", url.Values{"device_id": {dev.ID}})
	b.want(http.StatusOK, "Sign in</button>", `name="return_to" value="/devices"`)
	if got := e.deviceStatus(dev.ID); got != storage.DeviceActive {
		t.Errorf("device is %q", got)
	}
}

var deviceIDInURLRE = regexp.MustCompile(`(href|action)="[^"]*device_id`)

func TestDeviceIDsStayInForms(t *testing.T) {
	e := newEnv(t, nil)
	dev := e.authorizedDevice(e.user, deviceSpec{hostname: "build-box-7"})
	b := e.browser().signIn().get("/devices")
	b.want(http.StatusOK, `<input type="hidden" name="device_id" value="`+dev.ID+`">`)
	if deviceIDInURLRE.MatchString(b.page) {
		t.Errorf("a device id is in a URL:\n%s", b.page)
	}
}

func TestDevicesRedisDown(t *testing.T) {
	e := newEnv(t, nil)
	dev := e.authorizedDevice(e.user, deviceSpec{hostname: "build-box-7"})
	b := e.browser().signIn().get("/devices")
	page := b.page
	e.mr.Close()

	b.get("/devices").want(http.StatusServiceUnavailable, "Gatehouse is temporarily unavailable")
	b.page = page
	b.submit("/devices/lock", url.Values{"device_id": {dev.ID}})
	b.want(http.StatusServiceUnavailable, "Gatehouse is temporarily unavailable")
}
