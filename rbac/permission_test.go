package rbac

import (
	"slices"
	"testing"
)

// TestRoleCan checks the permission table cell by cell. The rows are written out again
// here on purpose: a change to the table must be made twice to pass.
func TestRoleCan(t *testing.T) {
	tests := []struct {
		name string
		role Role
		perm Permission
		want bool
	}{
		{name: "admin org:read", role: RoleAdmin, perm: PermViewOrg, want: true},
		{name: "editor org:read", role: RoleEditor, perm: PermViewOrg, want: true},
		{name: "viewer org:read", role: RoleViewer, perm: PermViewOrg, want: true},

		{name: "admin tenant:read", role: RoleAdmin, perm: PermTenantRead, want: true},
		{name: "editor tenant:read", role: RoleEditor, perm: PermTenantRead, want: true},
		{name: "viewer tenant:read", role: RoleViewer, perm: PermTenantRead, want: true},

		{name: "admin tenant:write", role: RoleAdmin, perm: PermTenantWrite, want: true},
		{name: "editor tenant:write", role: RoleEditor, perm: PermTenantWrite, want: true},
		{name: "viewer tenant:write", role: RoleViewer, perm: PermTenantWrite, want: false},

		{name: "admin tenants:manage", role: RoleAdmin, perm: PermManageTenants, want: true},
		{name: "editor tenants:manage", role: RoleEditor, perm: PermManageTenants, want: true},
		{name: "viewer tenants:manage", role: RoleViewer, perm: PermManageTenants, want: false},

		{name: "admin members:manage", role: RoleAdmin, perm: PermManageMembers, want: true},
		{name: "editor members:manage", role: RoleEditor, perm: PermManageMembers, want: true},
		{name: "viewer members:manage", role: RoleViewer, perm: PermManageMembers, want: false},

		{name: "admin admins:manage", role: RoleAdmin, perm: PermManageAdmins, want: true},
		{name: "editor admins:manage", role: RoleEditor, perm: PermManageAdmins, want: false},
		{name: "viewer admins:manage", role: RoleViewer, perm: PermManageAdmins, want: false},

		{name: "admin billing:manage", role: RoleAdmin, perm: PermBilling, want: true},
		{name: "editor billing:manage", role: RoleEditor, perm: PermBilling, want: false},
		{name: "viewer billing:manage", role: RoleViewer, perm: PermBilling, want: false},

		{name: "admin org:delete", role: RoleAdmin, perm: PermDeleteOrg, want: true},
		{name: "editor org:delete", role: RoleEditor, perm: PermDeleteOrg, want: false},
		{name: "viewer org:delete", role: RoleViewer, perm: PermDeleteOrg, want: false},

		{name: "admin devices:manage", role: RoleAdmin, perm: PermManageDevices, want: true},
		{name: "editor devices:manage", role: RoleEditor, perm: PermManageDevices, want: false},
		{name: "viewer devices:manage", role: RoleViewer, perm: PermManageDevices, want: false},

		{name: "empty role org:read", role: "", perm: PermViewOrg, want: false},
		{name: "unknown role org:read", role: "owner", perm: PermViewOrg, want: false},
		{name: "admin unknown permission", role: RoleAdmin, perm: "org:own", want: false},
		{name: "admin empty permission", role: RoleAdmin, perm: "", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.role.Can(tt.perm); got != tt.want {
				t.Fatalf("%q.Can(%q) = %v, want %v", tt.role, tt.perm, got, tt.want)
			}
		})
	}
}

func TestPermissionStrings(t *testing.T) {
	tests := []struct {
		name string
		perm Permission
		want string
	}{
		{name: "PermViewOrg", perm: PermViewOrg, want: "org:read"},
		{name: "PermTenantRead", perm: PermTenantRead, want: "tenant:read"},
		{name: "PermTenantWrite", perm: PermTenantWrite, want: "tenant:write"},
		{name: "PermManageTenants", perm: PermManageTenants, want: "tenants:manage"},
		{name: "PermManageMembers", perm: PermManageMembers, want: "members:manage"},
		{name: "PermManageAdmins", perm: PermManageAdmins, want: "admins:manage"},
		{name: "PermBilling", perm: PermBilling, want: "billing:manage"},
		{name: "PermDeleteOrg", perm: PermDeleteOrg, want: "org:delete"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.perm.String() != tt.want {
				t.Fatalf("%s = %q, want %q", tt.name, tt.perm, tt.want)
			}
			if !tt.perm.Valid() {
				t.Fatalf("%s not Valid", tt.name)
			}
		})
	}
}

func TestAllPermissions(t *testing.T) {
	all := AllPermissions()
	want := []Permission{
		PermViewOrg, PermTenantRead, PermTenantWrite, PermManageTenants,
		PermManageMembers, PermManageAdmins, PermBilling, PermDeleteOrg, PermManageDevices,
	}
	if !slices.Equal(all, want) {
		t.Fatalf("AllPermissions() = %v, want %v", all, want)
	}

	// The caller owns the slice: changing it must not change the table.
	all[0] = "changed"
	if AllPermissions()[0] != PermViewOrg {
		t.Fatal("AllPermissions() returned the table's own storage")
	}
}

func TestRolePermissions(t *testing.T) {
	tests := []struct {
		name string
		role Role
		want []Permission
	}{
		{name: "admin", role: RoleAdmin, want: AllPermissions()},
		{name: "editor", role: RoleEditor, want: []Permission{
			PermViewOrg, PermTenantRead, PermTenantWrite, PermManageTenants, PermManageMembers,
		}},
		{name: "viewer", role: RoleViewer, want: []Permission{PermViewOrg, PermTenantRead}},
		{name: "unknown", role: "owner", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.role.Permissions(); !slices.Equal(got, tt.want) {
				t.Fatalf("%q.Permissions() = %v, want %v", tt.role, got, tt.want)
			}
		})
	}
}
