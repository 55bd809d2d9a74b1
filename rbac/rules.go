package rbac

import (
	"errors"
	"fmt"
)

// PermissionError reports that an actor's role lacks Permission. Its message names the
// permission, for example "missing permission admins:manage", and is safe to show the
// actor. errors.Is(err, ErrForbidden) holds for it.
type PermissionError struct {
	Permission Permission
}

// Error returns "missing permission " followed by the permission's value.
func (e *PermissionError) Error() string {
	return "missing permission " + string(e.Permission)
}

// Is lets errors.Is match any *PermissionError against ErrForbidden.
func (e *PermissionError) Is(target error) bool {
	return target == ErrForbidden
}

// Sentinel outcomes of the business rules. Compare with errors.Is.
var (
	// ErrForbidden matches every *PermissionError.
	ErrForbidden = errors.New("rbac: forbidden")
	// ErrLastAdmin refuses a change that would leave the organization with no admin.
	ErrLastAdmin = errors.New("rbac: the organization's last admin cannot be demoted or removed")
	// ErrSelfPromotion refuses a member raising their own role.
	ErrSelfPromotion = errors.New("rbac: members cannot raise their own role")
)

// need returns a *PermissionError unless actor holds p.
func need(actor Role, p Permission) error {
	if actor.Can(p) {
		return nil
	}
	return &PermissionError{Permission: p}
}

// validRoles returns ErrUnknownRole, wrapped with the first offending value, unless
// every role is known.
func validRoles(roles ...Role) error {
	for _, r := range roles {
		if !r.Valid() {
			return fmt.Errorf("%w %q", ErrUnknownRole, string(r))
		}
	}
	return nil
}

// CheckInvite decides whether actor may invite someone into the organization with the
// role invited. Inviting needs PermManageMembers; inviting an admin also needs
// PermManageAdmins. It returns nil when allowed, a *PermissionError naming the first
// missing permission, or ErrUnknownRole.
func CheckInvite(actor Role, invited Role) error {
	if err := validRoles(actor, invited); err != nil {
		return err
	}

	if err := need(actor, PermManageMembers); err != nil {
		return err
	}
	if invited == RoleAdmin {
		return need(actor, PermManageAdmins)
	}
	return nil
}

// CheckRoleChange decides whether actor may move a member from role from to role to.
// actorIsTarget says the actor is changing their own role; adminCount is the number of
// admins the organization has now, the target included.
//
// The rules, in the order they are checked:
//   - nobody raises their own role (ErrSelfPromotion);
//   - a change to or from admin needs PermManageAdmins, any other change needs
//     PermManageMembers (*PermissionError);
//   - the last admin cannot be demoted (ErrLastAdmin).
//
// A change from a role to itself is allowed to anyone who could make it, and changes
// nothing.
func CheckRoleChange(actor Role, actorIsTarget bool, from, to Role, adminCount int) error {
	if err := validRoles(actor, from, to); err != nil {
		return err
	}

	if actorIsTarget && to.Rank() > from.Rank() {
		return ErrSelfPromotion
	}

	perm := PermManageMembers
	if from == RoleAdmin || to == RoleAdmin {
		perm = PermManageAdmins
	}
	if err := need(actor, perm); err != nil {
		return err
	}

	if from == RoleAdmin && to != RoleAdmin && adminCount <= 1 {
		return ErrLastAdmin
	}
	return nil
}

// CheckRemoval decides whether actor may remove a member holding role target from the
// organization. adminCount is the number of admins the organization has now, the
// target included. Removing an admin needs PermManageAdmins and is refused with
// ErrLastAdmin for the last one; removing anyone else needs PermManageMembers.
//
// Leaving an organization of one's own accord is a different operation and is not
// decided here.
func CheckRemoval(actor Role, target Role, adminCount int) error {
	if err := validRoles(actor, target); err != nil {
		return err
	}

	if target != RoleAdmin {
		return need(actor, PermManageMembers)
	}
	if err := need(actor, PermManageAdmins); err != nil {
		return err
	}
	if adminCount <= 1 {
		return ErrLastAdmin
	}
	return nil
}
