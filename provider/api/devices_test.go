package api

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/provider"
	"github.com/gatehouse-auth/gatehouse/rbac"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// tenantSecret is the client secret of the tenants these tests register.
const tenantSecret = "tenant-secret-for-tests"

// newTenant registers a tenant of org at u, with tenantSecret, and returns its client id.
func (f *fixture) newTenant(org, u string) string {
	f.t.Helper()
	t, _, err := f.store.CreateTenant(context.Background(),
		storage.TenantSpec{OrgID: org, Name: "Notes", URL: u, ClientSecret: tenantSecret})
	if err != nil {
		f.t.Fatal(err)
	}
	return t.ClientID
}

// active asks the introspection endpoint (RFC 7662), as the confidential client
// clientID, whether token is active.
func (f *fixture) active(clientID, token string) bool {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+provider.PathIntrospect,
		strings.NewReader(url.Values{"token": {token}}.Encode()))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(tenantSecret))
	r := f.send(req)
	if r.status != http.StatusOK {
		f.t.Fatalf("introspection: %d %s", r.status, r.raw)
	}
	return r.body["active"] == true
}

// devices reads a {"devices": [...]} answer.
func devices(t *testing.T, r response) []map[string]any {
	t.Helper()
	list, ok := r.body["devices"].([]any)
	if !ok {
		t.Fatalf("no devices array: %s", r.raw)
	}
	out := make([]map[string]any, 0, len(list))
	for _, d := range list {
		out = append(out, d.(map[string]any))
	}
	return out
}

func ids(devs []map[string]any) []string {
	out := make([]string, 0, len(devs))
	for _, d := range devs {
		out = append(out, d["id"].(string))
	}
	return out
}

func TestOwnDevicesList(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ada := f.person("ada")
	bob := f.connect(f.person("bob").user, "")
	f.clock.Add(2 * time.Second) // the list is by creation time, to the millisecond
	second := f.connect(ada.user, "")

	r := f.call("ada", http.MethodGet, "/api/v1/devices", nil)

	r.want(t, http.StatusOK, "")
	devs := devices(t, r)
	if len(devs) != 2 {
		t.Fatalf("ada has %d devices, want 2 (her token's and the second): %s", len(devs), r.raw)
	}
	if devs[0]["id"] != second.deviceID {
		t.Errorf("first device = %v, want the newest, %s", devs[0]["id"], second.deviceID)
	}
	for _, d := range devs {
		if d["id"] == bob.deviceID || d["user_id"] != ada.user.ID {
			t.Errorf("ada's list shows someone else's device: %v", d)
		}
	}

	d := devs[0]
	want := map[string]any{"status": "active", "trusted": true, "client_id": "gatehouse-cli",
		"hostname": "laptop-" + ada.user.ID[:4], "os": "linux/amd64", "client_version": "1.2.3",
		"ip_address": "127.0.0.1", "tenant": "", "org_id": ""}
	for k, v := range want {
		if d[k] != v {
			t.Errorf("%s = %v, want %v", k, d[k], v)
		}
	}
	now := f.clock.Now()
	for k, want := range map[string]time.Time{"created_at": now, "last_seen_at": now,
		"expires_at": now.Add(720 * time.Hour)} {
		s, _ := d[k].(string)
		got, err := time.Parse(time.RFC3339, s)
		if err != nil || !strings.HasSuffix(s, "Z") {
			t.Errorf("%s = %q, want an RFC 3339 time in UTC", k, s)
			continue
		}
		if got.Sub(want).Abs() > time.Second {
			t.Errorf("%s = %s, want %s", k, got, want)
		}
	}
}

// TestAnotherPersonsDevice checks that every device endpoint answers someone else's
// device exactly like an unknown id, and changes nothing.
func TestAnotherPersonsDevice(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.person("ada")
	bob := f.connect(f.person("bob").user, "")
	unknown := strings.Repeat("z", len(bob.deviceID))
	tests := []struct{ method, suffix string }{
		{http.MethodGet, ""},
		{http.MethodDelete, ""},
		{http.MethodPost, "/lock"},
		{http.MethodPost, "/unlock"},
	}
	for _, tt := range tests {
		for _, id := range []string{bob.deviceID, bob.deviceID[:6]} {
			t.Run(tt.method+tt.suffix+"/"+id, func(t *testing.T) {
				before := f.snapshot()

				r := f.call("ada", tt.method, "/api/v1/devices/"+id+tt.suffix, nil)

				r.want(t, http.StatusNotFound, "not_found")
				f.unchanged(t, before)
				other := f.call("ada", tt.method, "/api/v1/devices/"+unknown+tt.suffix, nil)
				if r.raw != other.raw {
					t.Errorf("someone else's device answers %s, an unknown one %s", r.raw, other.raw)
				}
			})
		}
	}
	if st, code := f.refresh(&bob); st != http.StatusOK {
		t.Errorf("bob's device no longer refreshes: %d %s", st, code)
	}
}

func TestDevicePrefix(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ada := f.person("ada").user
	f.connect(f.person("bob").user, "") // bob's ids must never count

	// Device ids are random base32, so two of at most 33 devices share a first
	// character.
	byFirst := map[byte][]string{}
	var shared []string
	have, err := f.store.UserDevices(context.Background(), ada.ID)
	if err != nil || len(have) != 1 {
		t.Fatalf("ada's devices: %v %v", have, err)
	}
	byFirst[have[0].ID[0]] = []string{have[0].ID}
	for len(shared) == 0 {
		g := f.connect(ada, "")
		first := g.deviceID[0]
		byFirst[first] = append(byFirst[first], g.deviceID)
		if len(byFirst[first]) == 2 {
			shared = byFirst[first]
		}
	}
	ambiguous := commonPrefix(shared[0], shared[1])
	unique := shared[0][:len(ambiguous)+1]

	t.Run("unique prefix", func(t *testing.T) {
		r := f.call("ada", http.MethodGet, "/api/v1/devices/"+unique, nil)
		r.want(t, http.StatusOK, "")
		if r.body["id"] != shared[0] {
			t.Errorf("id = %v, want %s", r.body["id"], shared[0])
		}
	})
	t.Run("prefix in capitals", func(t *testing.T) {
		r := f.call("ada", http.MethodGet, "/api/v1/devices/"+strings.ToUpper(unique), nil)
		r.want(t, http.StatusOK, "")
		if r.body["id"] != shared[0] {
			t.Errorf("id = %v, want %s", r.body["id"], shared[0])
		}
	})
	for _, tt := range []struct{ method, suffix string }{
		{http.MethodGet, ""}, {http.MethodPost, "/lock"}, {http.MethodDelete, ""},
	} {
		t.Run("ambiguous "+tt.method+tt.suffix, func(t *testing.T) {
			before := f.snapshot()

			r := f.call("ada", tt.method, "/api/v1/devices/"+ambiguous+tt.suffix, nil)

			r.want(t, http.StatusConflict, "conflict")
			if d, _ := r.body["error_description"].(string); !strings.Contains(d, "matches more than one device") {
				t.Errorf("error_description = %q", d)
			}
			f.unchanged(t, before)
		})
	}
}

func commonPrefix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return a[:n]
}

// TestLockUnlockExpiry follows one device for a tenant, authorized for 30 minutes,
// through lock, unlock and the end of its authorization, at the token and
// introspection endpoints.
func TestLockUnlockExpiry(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ada := f.person("ada")
	org := f.newOrg("Acme", map[string]rbac.Role{"ada": rbac.RoleAdmin})
	client := f.newTenant(org, "https://notes.example.com")
	g := f.connectFor(ada.user, "https://notes.example.com", 30*time.Minute)
	path := "/api/v1/devices/" + g.deviceID

	if st, code := f.refresh(&g); st != http.StatusOK {
		t.Fatalf("refresh before locking: %d %s", st, code)
	}
	if !f.active(client, g.access) || !f.active(client, g.refresh) {
		t.Fatal("the tokens are inactive before locking")
	}

	// Lock: the tokens stop working, without being revoked.
	r := f.call("ada", http.MethodPost, path+"/lock", nil)
	r.want(t, http.StatusOK, "")
	if r.body["status"] != "locked" || r.body["id"] != g.deviceID || r.body["tenant"] != "https://notes.example.com" ||
		r.body["org_id"] != org {
		t.Errorf("lock answered %s", r.raw)
	}
	if st, code := f.refresh(&g); st != http.StatusBadRequest || code != "invalid_grant" {
		t.Errorf("refresh of a locked device: %d %s, want 400 invalid_grant", st, code)
	}
	if f.active(client, g.access) || f.active(client, g.refresh) {
		t.Error("introspection says a locked device's tokens are active")
	}
	if got := f.call("ada", http.MethodGet, path, nil); got.body["status"] != "locked" {
		t.Errorf("GET after lock: %s", got.raw)
	}

	before := f.snapshot()
	r = f.call("ada", http.MethodPost, path+"/lock", nil)
	r.want(t, http.StatusConflict, "conflict")
	if d := r.body["error_description"]; d != "The device is not active: it is locked." {
		t.Errorf("locking twice: %v", d)
	}
	f.unchanged(t, before)

	// Unlock: the same refresh token works again.
	r = f.call("ada", http.MethodPost, path+"/unlock", nil)
	r.want(t, http.StatusOK, "")
	if r.body["status"] != "active" {
		t.Errorf("unlock answered %s", r.raw)
	}
	if st, code := f.refresh(&g); st != http.StatusOK {
		t.Fatalf("refresh after unlocking: %d %s", st, code)
	}
	if !f.active(client, g.access) {
		t.Error("introspection says an unlocked device's token is inactive")
	}

	before = f.snapshot()
	r = f.call("ada", http.MethodPost, path+"/unlock", nil)
	r.want(t, http.StatusConflict, "conflict")
	if d := r.body["error_description"]; d != "The device is not locked: it is active." {
		t.Errorf("unlocking an active device: %v", d)
	}
	f.unchanged(t, before)

	// A lock and unlock just before the end do not extend the authorization.
	f.clock.Add(29 * time.Minute)
	f.call("ada", http.MethodPost, path+"/lock", nil).want(t, http.StatusOK, "")
	f.call("ada", http.MethodPost, path+"/unlock", nil).want(t, http.StatusOK, "")
	if st, code := f.refresh(&g); st != http.StatusOK {
		t.Fatalf("refresh a minute before the end: %d %s", st, code)
	}
	f.clock.Add(time.Minute)
	if st, code := f.refresh(&g); st != http.StatusBadRequest || code != "invalid_grant" {
		t.Errorf("refresh at the original expiry: %d %s, want 400 invalid_grant", st, code)
	}
	r = f.call("ada", http.MethodGet, path, nil)
	if r.body["status"] != "expired" {
		t.Errorf("GET after the expiry: %s", r.raw)
	}
	r = f.call("ada", http.MethodPost, path+"/lock", nil)
	r.want(t, http.StatusConflict, "conflict")
	if d := r.body["error_description"]; d != "The device is not active: it is expired." {
		t.Errorf("locking an expired device: %v", d)
	}
}

func TestDeleteDevice(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ada := f.person("ada")
	g := f.connect(ada.user, "")
	path := "/api/v1/devices/" + g.deviceID

	r := f.call("ada", http.MethodDelete, path, nil)

	r.want(t, http.StatusNoContent, "")
	if r.raw != "" {
		t.Errorf("204 with a body: %q", r.raw)
	}
	if st, code := f.refresh(&g); st != http.StatusBadRequest || code != "invalid_grant" {
		t.Errorf("refresh of a deleted device: %d %s, want 400 invalid_grant", st, code)
	}
	f.call("ada", http.MethodGet, path, nil).want(t, http.StatusNotFound, "not_found")
	f.call("ada", http.MethodPost, path+"/unlock", nil).want(t, http.StatusNotFound, "not_found")
	for _, d := range devices(t, f.call("ada", http.MethodGet, "/api/v1/devices", nil)) {
		if d["id"] == g.deviceID {
			t.Error("the deleted device is still listed")
		}
	}
	revoked, err := f.store.RevokedDeviceIDs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(revoked, ","), g.deviceID) {
		t.Errorf("revoked devices %v lack the deleted one, so tenants would still take its JWTs", revoked)
	}
	// Later, still refused: the grant's tokens are gone, not merely suspended.
	f.clock.Add(time.Minute)
	if st, code := f.refresh(&g); st != http.StatusBadRequest || code != "invalid_grant" {
		t.Errorf("refresh of a deleted device, later: %d %s", st, code)
	}
}

// TestLockingYourOwnTokensDevice checks that the device whose token makes the request
// can be locked, and that its token then stops working at once.
func TestLockingYourOwnTokensDevice(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.person("ada")
	devs := devices(t, f.call("ada", http.MethodGet, "/api/v1/devices", nil))
	if len(devs) != 1 {
		t.Fatalf("devices = %v", devs)
	}

	f.call("ada", http.MethodPost, "/api/v1/devices/"+devs[0]["id"].(string)+"/lock", nil).
		want(t, http.StatusOK, "")

	f.call("ada", http.MethodGet, "/api/v1/devices", nil).want(t, http.StatusUnauthorized, "invalid_token")
}

// TestOrgDevices is the admin's side: the organization's devices are its members'
// devices for its tenants, which an admin may lock and unlock and nobody else may.
func TestOrgDevices(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	org := f.newOrg("Acme", acme)
	other := f.newOrg("Other", map[string]rbac.Role{"ada": rbac.RoleAdmin, "vic": rbac.RoleViewer})
	client := f.newTenant(org, "https://notes.example.com")
	f.newTenant(other, "https://other.example.com")
	f.person("bob")
	vic := f.person("vic")
	g := f.connect(vic.user, "https://notes.example.com")
	elsewhere := f.connect(vic.user, "https://other.example.com")
	gatehouse := f.connect(vic.user, "")
	devicesPath := "/api/v1/orgs/" + org + "/devices"

	t.Run("list", func(t *testing.T) {
		r := f.call("ada", http.MethodGet, devicesPath, nil)
		r.want(t, http.StatusOK, "")
		devs := devices(t, r)
		if len(devs) != 1 || devs[0]["id"] != g.deviceID {
			t.Fatalf("devices = %v, want only vic's device for the org's tenant, %s", ids(devs), g.deviceID)
		}
		d := devs[0]
		if d["user_id"] != vic.user.ID || d["org_id"] != org || d["tenant"] != "https://notes.example.com" ||
			d["status"] != "active" {
			t.Errorf("device = %v", d)
		}
	})
	t.Run("refusals write nothing", func(t *testing.T) {
		tests := []struct {
			name, who, method, path string
			status                  int
			code, permission        string
		}{
			{"an editor lists", "eve", http.MethodGet, devicesPath, 403, "forbidden", "devices:manage"},
			{"an editor locks", "eve", http.MethodPost, devicesPath + "/" + g.deviceID + "/lock", 403,
				"forbidden", "devices:manage"},
			{"a viewer unlocks", "vic", http.MethodPost, devicesPath + "/" + g.deviceID + "/unlock", 403,
				"forbidden", "devices:manage"},
			{"not a member", "bob", http.MethodGet, devicesPath, 404, "not_found", ""},
			{"the member's device for Gatehouse", "ada", http.MethodPost,
				devicesPath + "/" + gatehouse.deviceID + "/lock", 404, "not_found", ""},
			{"the member's device for another organization", "ada", http.MethodPost,
				devicesPath + "/" + elsewhere.deviceID + "/lock", 404, "not_found", ""},
			{"unlock an active device", "ada", http.MethodPost, devicesPath + "/" + g.deviceID + "/unlock",
				409, "conflict", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := f.snapshot()
				r := f.call(tt.who, tt.method, tt.path, nil)
				r.want(t, tt.status, tt.code)
				checkProblem(t, r, tt.permission, "")
				f.unchanged(t, before)
			})
		}
	})
	t.Run("an admin locks and unlocks, by prefix", func(t *testing.T) {
		r := f.call("ada", http.MethodPost, devicesPath+"/"+g.deviceID[:8]+"/lock", nil)
		r.want(t, http.StatusOK, "")
		if r.body["status"] != "locked" || r.body["id"] != g.deviceID {
			t.Errorf("lock answered %s", r.raw)
		}
		if st, code := f.refresh(&g); st != http.StatusBadRequest || code != "invalid_grant" {
			t.Errorf("refresh of the locked device: %d %s", st, code)
		}
		if f.active(client, g.access) {
			t.Error("introspection says the locked device's token is active")
		}
		mine := f.call("vic", http.MethodGet, "/api/v1/devices/"+g.deviceID, nil)
		if mine.body["status"] != "locked" {
			t.Errorf("vic sees his device as %s", mine.raw)
		}
		if st, code := f.refresh(&elsewhere); st != http.StatusOK {
			t.Errorf("vic's device for another organization stopped working: %d %s", st, code)
		}

		f.call("ada", http.MethodPost, devicesPath+"/"+g.deviceID+"/unlock", nil).want(t, http.StatusOK, "")
		if st, code := f.refresh(&g); st != http.StatusOK {
			t.Errorf("refresh after the admin unlocked: %d %s", st, code)
		}
	})
}
