package e2e

import (
	"errors"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOrgCLIPermissions spot-checks the permission table through the gatehouse CLI, as a
// viewer uses it: what org:read allows works, and each thing the viewer role lacks is
// refused with a non-zero exit and a message naming the permission, with nothing
// changed.
func TestOrgCLIPermissions(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, mailServer(t, nil))
	admin := managementToken(t, g, signedInBrowser(t, g))
	acme := admin.orgNamed(t, "Acme")
	viewer := join(t, admin, acme.ID, "viewer")
	configDir := filepath.Join(t.TempDir(), "gatehouse")
	cliConnect(t, viewer.Browser, configDir, g.URL)

	t.Run("org:read", func(t *testing.T) {
		var org struct {
			ID          string `json:"id"`
			Role        string `json:"role"`
			MemberCount int    `json:"member_count"`
		}
		cliJSON(t, configDir, &org, "org", "show", "Acme")
		if org.ID != acme.ID || org.Role != "viewer" || org.MemberCount < 2 {
			t.Errorf("gatehouse org show Acme -o json = %+v, want %s with role viewer and its members", org, acme.ID)
		}
	})

	invitee := "never-" + randomHex(6) + "@example.com"
	refusals := []struct {
		name       string
		args       []string
		permission string
	}{
		{"invite", []string{"member", "add", "--email", invitee, "--role", "viewer"}, "members:manage"},
		{"create a tenant", []string{"tenant", "create", "--name", "Nope", "--url", "http://127.0.0.1:9/nope"},
			"tenants:manage"},
		{"see billing", []string{"billing", "show"}, "billing:manage"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			args := append(tt.args, "--org", "Acme", "-o", "json")
			out, err := runCLI(t, configDir, args...)
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() == 0 {
				t.Fatalf("gatehouse %s: %v, want a non-zero exit:\n%s", strings.Join(args, " "), err, out)
			}
			if !strings.Contains(out, "the "+tt.permission+" permission") {
				t.Errorf("gatehouse %s says %q, want it to name %s", strings.Join(args, " "), out, tt.permission)
			}
		})
	}

	// Nothing was done on the viewer's behalf.
	var invs struct {
		Invitations []apiInvitation `json:"invitations"`
	}
	admin.must(t, http.StatusOK, http.MethodGet, "/api/v1/orgs/"+acme.ID+"/invitations", nil, &invs)
	for _, inv := range invs.Invitations {
		if inv.Email == invitee {
			t.Errorf("the viewer's refused invitation of %s exists: %+v", invitee, inv)
		}
	}
	var tenants struct {
		Tenants []apiTenant `json:"tenants"`
	}
	admin.must(t, http.StatusOK, http.MethodGet, "/api/v1/orgs/"+acme.ID+"/tenants", nil, &tenants)
	for _, tn := range tenants.Tenants {
		if tn.Name == "Nope" {
			t.Errorf("the viewer's refused tenant exists: %+v", tn)
		}
	}
}
