package e2e

import (
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// deviceFields are the fields the management API and `gatehouse authorized-device
// -o json` show of every device.
var deviceFields = []string{"id", "status", "trusted", "client_id", "hostname", "os", "client_version",
	"ip_address", "created_at", "last_seen_at", "expires_at", "tenant"}

// TestDeviceCLI lists and describes authorized devices with the gatehouse CLI, after
// connecting it to Gatehouse and to a tenant: each shows what the terminal said about
// itself and where it connected, by full id or prefix, under every alias.
func TestDeviceCLI(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, serverOptions{})
	b := signedInBrowser(t, g)
	admin := managementToken(t, g, b)
	tn := admin.createTenant(t, admin.orgNamed(t, "Acme").ID, "CLI notes")
	runAPITenant(t, g, tn)

	configDir := filepath.Join(t.TempDir(), "gatehouse")
	before := time.Now()
	cliConnect(t, b, configDir, g.URL)
	cliConnect(t, b, configDir, tn.URL)
	after := time.Now()
	wantTenant := map[string]string{
		connectionDevice(t, configDir, g.URL):  "",
		connectionDevice(t, configDir, tn.URL): tn.URL,
	}
	host, _ := os.Hostname()

	check := func(t *testing.T, what string, d apiDevice) {
		t.Helper()
		if d.Status != "active" || d.Trusted || d.ClientID != cliClientID || d.Hostname != host ||
			d.OS != runtime.GOOS+"/"+runtime.GOARCH || d.ClientVersion == "" || d.IPAddress != "127.0.0.1" {
			t.Errorf("%s: %+v, want an active untrusted %s on %s (%s/%s) with a version, from 127.0.0.1",
				what, d, cliClientID, host, runtime.GOOS, runtime.GOARCH)
		}
		if d.Tenant != wantTenant[d.ID] {
			t.Errorf("%s: tenant %q, want %q", what, d.Tenant, wantTenant[d.ID])
		}
		// Times are the server's, whole milliseconds: a second of slack.
		if d.CreatedAt.Before(before.Add(-time.Second)) || d.CreatedAt.After(after.Add(time.Second)) ||
			d.LastSeenAt.Before(d.CreatedAt) || !within(d.ExpiresAt.Sub(d.CreatedAt).Milliseconds(),
			(2*time.Minute).Milliseconds(), 1000) {
			t.Errorf("%s: created %v, last seen %v, expires %v; want created between %v and %v, "+
				"last seen since, expiring the 2m device lifetime later", what, d.CreatedAt, d.LastSeenAt,
				d.ExpiresAt, before, after)
		}
	}

	t.Run("API shows every field", func(t *testing.T) {
		a := admin.call(t, http.MethodGet, "/api/v1/devices", nil)
		var raw struct {
			Devices []map[string]any `json:"devices"`
		}
		a.JSON(t, &raw)
		for _, d := range raw.Devices {
			for _, f := range deviceFields {
				if _, ok := d[f]; !ok {
					t.Errorf("GET /api/v1/devices: device %v lacks %s", d["id"], f)
				}
			}
		}
	})

	for _, alias := range []string{"authorized-device", "devices", "device"} {
		t.Run(alias+" list", func(t *testing.T) {
			var devs []apiDevice
			cliJSON(t, configDir, &devs, alias, "list")
			var seen []string
			for _, d := range devs {
				if _, ok := wantTenant[d.ID]; ok {
					seen = append(seen, d.ID)
					check(t, "gatehouse "+alias+" list", d)
				}
			}
			if len(seen) != len(wantTenant) {
				t.Errorf("gatehouse %s list -o json shows %v of the CLI's devices %v", alias, seen, wantTenant)
			}
		})
	}

	t.Run("describe", func(t *testing.T) {
		// By full id under the command's name, by the 12-character prefix the table
		// shows under its shortest alias.
		ids := slices.Sorted(maps.Keys(wantTenant))
		for _, args := range [][]string{
			{"authorized-device", "describe", ids[0]},
			{"device", "describe", ids[1][:12]},
		} {
			var raw json.RawMessage
			cliJSON(t, configDir, &raw, args...)
			var d apiDevice
			var fields map[string]any
			if err := errors.Join(json.Unmarshal(raw, &d), json.Unmarshal(raw, &fields)); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(d.ID, args[2]) {
				t.Errorf("gatehouse %s shows device %s", strings.Join(args, " "), d.ID)
			}
			check(t, "gatehouse "+strings.Join(args, " "), d)
			for _, f := range deviceFields {
				if _, ok := fields[f]; !ok {
					t.Errorf("gatehouse %s -o json lacks %s: %s", strings.Join(args, " "), f, raw)
				}
			}
		}
	})

	t.Run("unknown prefix", func(t *testing.T) {
		out, err := runCLI(t, configDir, "devices", "describe", "zzzz-no-such-device")
		var exit *exec.ExitError
		if !errors.As(err, &exit) || !strings.Contains(out, "No such authorized device.") {
			t.Errorf("gatehouse devices describe of an unknown prefix: %v %q, want a non-zero exit saying so", err, out)
		}
	})

	t.Run("lock, unlock, delete", func(t *testing.T) {
		var tenantDevice string
		for id, u := range wantTenant {
			if u != "" {
				tenantDevice = id
			}
		}
		prefix := tenantDevice[:12]
		for _, tt := range []struct {
			args   []string
			status string
		}{
			{[]string{"devices", "lock", prefix}, "locked"},
			{[]string{"devices", "unlock", prefix}, "active"},
		} {
			var d apiDevice
			cliJSON(t, configDir, &d, tt.args...)
			if d.ID != tenantDevice || d.Status != tt.status {
				t.Errorf("gatehouse %s -o json = %+v, want device %s %s", strings.Join(tt.args, " "), d, tenantDevice,
					tt.status)
			}
			if got := admin.device(t, tenantDevice).Status; got != tt.status {
				t.Errorf("after gatehouse %s the API shows the device %s", strings.Join(tt.args, " "), got)
			}
		}

		if out, err := runCLI(t, configDir, "devices", "delete", prefix, "-y"); err != nil {
			t.Fatalf("gatehouse devices delete %s -y: %v\n%s", prefix, err, out)
		}
		if admin.hasDevice(t, tenantDevice) {
			t.Errorf("gatehouse devices delete left device %s listed", tenantDevice)
		}
	})
}
