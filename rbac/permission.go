package rbac

// Permission names one thing a member may do. Its value is the string carried in APIs
// and error messages, such as "tenant:write".
type Permission string

// The permissions Gatehouse knows. Which role holds which is decided by the table in
// this file and nowhere else.
const (
	// PermViewOrg allows seeing the organization, its members and its tenants.
	PermViewOrg Permission = "org:read"
	// PermTenantRead allows using the organization's tenants with view permission.
	PermTenantRead Permission = "tenant:read"
	// PermTenantWrite allows using the organization's tenants with write permission.
	PermTenantWrite Permission = "tenant:write"
	// PermManageTenants allows creating, renaming and deleting tenants.
	PermManageTenants Permission = "tenants:manage"
	// PermManageMembers allows inviting and removing members and moving members
	// between the editor and viewer roles.
	PermManageMembers Permission = "members:manage"
	// PermManageAdmins allows granting or taking away the admin role and removing an
	// admin.
	PermManageAdmins Permission = "admins:manage"
	// PermBilling allows seeing and changing billing and subscription information.
	PermBilling Permission = "billing:manage"
	// PermDeleteOrg allows deleting the organization.
	PermDeleteOrg Permission = "org:delete"
	// PermManageDevices allows listing, locking and unlocking the devices that members
	// authorized for the organization's tenants (to shut out a lost laptop).
	PermManageDevices Permission = "devices:manage"
)

// grants is the one table of who may do what: one row per permission, one column per
// role. AllPermissions returns the rows in this order.
var grants = []struct {
	perm                  Permission
	admin, editor, viewer bool
}{
	{PermViewOrg, true, true, true},
	{PermTenantRead, true, true, true},
	{PermTenantWrite, true, true, false},
	{PermManageTenants, true, true, false},
	{PermManageMembers, true, true, false},
	{PermManageAdmins, true, false, false},
	{PermBilling, true, false, false},
	{PermDeleteOrg, true, false, false},
	{PermManageDevices, true, false, false},
}

// Can reports whether role r holds permission p. An unknown role holds nothing, and
// nobody holds an unknown permission.
func (r Role) Can(p Permission) bool {
	for _, g := range grants {
		if g.perm != p {
			continue
		}
		switch r {
		case RoleAdmin:
			return g.admin
		case RoleEditor:
			return g.editor
		case RoleViewer:
			return g.viewer
		}
		return false
	}
	return false
}

// Permissions returns every permission r holds, in table order. The caller owns the
// slice.
func (r Role) Permissions() []Permission {
	var out []Permission
	for _, p := range AllPermissions() {
		if r.Can(p) {
			out = append(out, p)
		}
	}
	return out
}

// AllPermissions returns every known permission in table order. The caller owns the
// slice.
func AllPermissions() []Permission {
	out := make([]Permission, len(grants))
	for i, g := range grants {
		out[i] = g.perm
	}
	return out
}

// Valid reports whether p is a known permission.
func (p Permission) Valid() bool {
	for _, g := range grants {
		if g.perm == p {
			return true
		}
	}
	return false
}

// String returns the permission's protocol value.
func (p Permission) String() string {
	return string(p)
}
