package e2e

import (
	"net/http"
	"testing"
	"time"
)

// TestDeviceOrgAdmin locks a member's device the way an admin shuts out a lost laptop:
// through the organization's device endpoints, which need devices:manage and reach
// only the devices members connected to the organization's tenants.
func TestDeviceOrgAdmin(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, mailServer(t, nil))
	admin := managementToken(t, g, signedInBrowser(t, g))
	acme := admin.orgNamed(t, "Acme")
	tenant := startDemoTenant(t, g)

	editor := join(t, admin, acme.ID, "editor")
	own := managementToken(t, g, editor.Browser)
	_, ta := g.connect(t, editor.Browser, false, forTenant())
	laptop, mgmtDevice := deviceID(t, ta.AccessToken), deviceID(t, own.token)
	orgDevices := "/api/v1/orgs/" + acme.ID + "/devices"

	t.Run("list", func(t *testing.T) {
		var out struct {
			Devices []apiDevice `json:"devices"`
		}
		admin.must(t, http.StatusOK, http.MethodGet, orgDevices, nil, &out)
		var found bool
		for _, d := range out.Devices {
			switch d.ID {
			case laptop:
				found = true
				if d.UserID != editor.UserID || d.OrgID != acme.ID || d.Tenant != tenantURL {
					t.Errorf("the editor's tenant device is listed as %+v", d)
				}
			case mgmtDevice:
				t.Errorf("the organization's devices include the editor's device for Gatehouse itself")
			}
		}
		if !found {
			t.Errorf("the organization's devices lack the editor's tenant device %s", laptop)
		}
	})

	t.Run("members without devices:manage", func(t *testing.T) {
		for _, tt := range []struct{ method, path string }{
			{http.MethodGet, orgDevices},
			{http.MethodPost, orgDevices + "/" + laptop + "/lock"},
		} {
			a := own.call(t, tt.method, tt.path, nil)
			var e apiError
			a.JSON(t, &e)
			if a.Status != http.StatusForbidden || e.Permission != "devices:manage" {
				t.Errorf("the editor's %s %s: %d %s, want 403 naming devices:manage",
					tt.method, tt.path, a.Status, a.Body)
			}
		}
	})

	t.Run("lock and unlock", func(t *testing.T) {
		// By the 12-character prefix the CLI shows.
		admin.must(t, http.StatusOK, http.MethodPost, orgDevices+"/"+laptop[:12]+"/lock", nil, nil)
		wantError(t, "the editor's refresh once locked", g.refresh(t, ta.RefreshToken),
			http.StatusBadRequest, "invalid_grant")
		if d := own.device(t, laptop); d.Status != "locked" {
			t.Errorf("the editor sees the device as %q, want locked", d.Status)
		}
		if _, ok := eventually(15*time.Second, func() bool {
			return notesStatus(tenant, ta.AccessToken) == http.StatusUnauthorized
		}); !ok {
			t.Errorf("the tenant still takes the device's JWT 15 s after the admin locked it")
		}
		if !hasEvent(admin.audit(t, acme.ID), "device.locked", laptop) {
			t.Errorf("the organization's audit trail has no device.locked for %s", laptop)
		}

		// The owner sees in their own trail what the admin did to their device; the
		// organization's trail is for admins only.
		if !hasEvent(own.audit(t, ""), "device.locked", laptop) {
			t.Errorf("the editor's own audit trail has no device.locked for %s", laptop)
		}
		a := own.call(t, http.MethodGet, "/api/v1/audit?org="+acme.ID, nil)
		var e apiError
		a.JSON(t, &e)
		if a.Status != http.StatusForbidden || e.Permission != "admins:manage" {
			t.Errorf("the editor reads the organization's audit trail: %d %s, want 403 naming admins:manage",
				a.Status, a.Body)
		}

		// Only an admin lifts an admin's lock.
		if a := own.call(t, http.MethodPost, "/api/v1/devices/"+laptop+"/unlock", nil); a.Status != http.StatusConflict {
			t.Errorf("the editor unlocks the admin's lock: %d %s, want 409", a.Status, a.Body)
		}
		wantError(t, "the editor's refresh after trying to unlock", g.refresh(t, ta.RefreshToken),
			http.StatusBadRequest, "invalid_grant")

		admin.must(t, http.StatusOK, http.MethodPost, orgDevices+"/"+laptop+"/unlock", nil, nil)
		wantTokens(t, "the editor's refresh once unlocked", g.refresh(t, ta.RefreshToken))
	})

	t.Run("not the organization's device", func(t *testing.T) {
		a := admin.call(t, http.MethodPost, orgDevices+"/"+mgmtDevice+"/lock", nil)
		if a.Status != http.StatusNotFound {
			t.Errorf("lock the editor's device for Gatehouse itself as Acme's admin: %d %s, want 404", a.Status, a.Body)
		}
		own.must(t, http.StatusOK, http.MethodGet, "/api/v1/me", nil, nil)
	})
}
