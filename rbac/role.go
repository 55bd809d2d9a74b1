package rbac

import (
	"errors"
	"fmt"
)

// Role is a member's role inside one organization. The zero value is no role: it ranks
// below every real role and is granted no permission.
type Role string

// The roles an organization member can hold, from most to least powerful.
const (
	RoleAdmin  Role = "admin"
	RoleEditor Role = "editor"
	RoleViewer Role = "viewer"
)

// ErrUnknownRole is returned, wrapped with the offending value, when a string or a
// [Role] is not one of the known roles.
var ErrUnknownRole = errors.New("rbac: unknown role")

// Roles returns every known role, most powerful first. The caller owns the slice.
func Roles() []Role {
	return []Role{RoleAdmin, RoleEditor, RoleViewer}
}

// ParseRole returns the role named by s. The match is exact and case-sensitive, so
// "Admin" is refused: role names are protocol values (the org_role claim), not labels.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", fmt.Errorf("%w %q", ErrUnknownRole, s)
	}
	return r, nil
}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	return r.Rank() > 0
}

// Rank orders roles by power: 3 for admin, 2 for editor, 1 for viewer and 0 for
// anything else, including the empty role.
func (r Role) Rank() int {
	switch r {
	case RoleAdmin:
		return 3
	case RoleEditor:
		return 2
	case RoleViewer:
		return 1
	}
	return 0
}

// AtLeast reports whether r is a known role ranking at or above other. An unknown r is
// never at least anything.
func (r Role) AtLeast(other Role) bool {
	return r.Valid() && r.Rank() >= other.Rank()
}

// String returns the role's protocol value.
func (r Role) String() string {
	return string(r)
}
