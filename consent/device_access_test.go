package consent_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/rbac"
	"github.com/gatehouse-auth/gatehouse/storage"
)

const (
	testTenantName = "Notes"
	testTenantURL  = "https://notes.acme.example/api"
)

// tenant creates the organization Acme, whose admin is a user of its own, with the
// tenant Notes at testTenantURL, and makes e.user a member with role unless role is "".
// It returns the organization id.
func (e *env) tenant(role rbac.Role) string {
	e.t.Helper()
	return e.tenantNamed(testOrgName, testTenantName, role)
}

// tenantNamed is tenant with other names.
func (e *env) tenantNamed(orgName, tenantName string, role rbac.Role) string {
	e.t.Helper()
	ctx := context.Background()
	admin := e.newUser("admin-" + storage.NewID() + "@example.com")
	org, err := e.st.CreateOrganization(ctx, orgName, admin.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, _, err := e.st.CreateTenant(ctx, storage.TenantSpec{OrgID: org.ID,
		Name: tenantName, URL: testTenantURL}); err != nil {
		e.t.Fatal(err)
	}
	if role != "" {
		if err := e.st.AddMember(ctx, org.ID, e.user.ID, role); err != nil {
			e.t.Fatal(err)
		}
	}
	return org.ID
}

func TestConfirmShowsAccess(t *testing.T) {
	const (
		approve = `value="approve">Approve</button>`
		deny    = `value="deny">Deny</button>`
		trust   = `<label for="trust">Trust this device</label>`
	)
	tests := []struct {
		name string
		// prepare sets the world up and returns the resource the device asks for.
		prepare func(e *env) string
		want    []string
		// approvable: the page offers Approve and the trust box, else only Deny.
		approvable bool
	}{
		{"Gatehouse itself", func(*env) string { return "" },
			[]string{"Access to Gatehouse itself (your account and organizations)"}, true},
		{"member", func(e *env) string { e.tenant(rbac.RoleEditor); return testTenantURL },
			[]string{"Access to the tenant Notes (https://notes.acme.example/api) of the " +
				"organization Acme as editor"}, true},
		{"not a member", func(e *env) string { e.tenant(""); return testTenantURL },
			[]string{"Access to the tenant Notes (https://notes.acme.example/api) of the " +
				"organization Acme\n</p>",
				"You are not a member of Acme, so you cannot approve this."}, false},
		{"no such tenant", func(*env) string { return "https://gone.example/api" },
			[]string{"Access to https://gone.example/api",
				"No tenant has this address any more, so you cannot approve this."}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			resource := tt.prepare(e)
			code, _ := e.newDeviceWith(func(r *storage.DeviceRequest) {
				if resource != "" {
					r.Resource = []string{resource}
				}
			})
			b := e.browser().signIn()

			b.submit("/device", url.Values{"user_code": {code}})
			b.want(http.StatusOK, "Approve this device?", deny)
			b.want(http.StatusOK, tt.want...)
			// The access is said before the buttons, the device's own words are marked.
			if strings.Index(b.page, tt.want[0]) > strings.Index(b.page, deny) {
				t.Error("the access asked for comes after the buttons")
			}
			b.want(http.StatusOK, "The device says:", "<dd>build-box-7</dd>")
			if got := strings.Contains(b.page, approve); got != tt.approvable {
				t.Errorf("Approve offered: %v, want %v", got, tt.approvable)
			}
			if got := strings.Contains(b.page, trust); got != tt.approvable {
				t.Errorf("Trust this device offered: %v, want %v", got, tt.approvable)
			}

			// The one button left works.
			b.submit("/device/decision", url.Values{"user_code": {code}, "action": {"deny"}})
			b.want(http.StatusOK, "Device denied")
		})
	}
}
