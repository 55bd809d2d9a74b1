package rbac

import (
	"errors"
	"testing"
)

// checkRuleErr compares a rule's outcome with the expected one: nil, a sentinel, or a
// *PermissionError naming wantPerm.
func checkRuleErr(t *testing.T, err error, wantErr error, wantPerm Permission) {
	t.Helper()
	if wantPerm != "" {
		var pe *PermissionError
		if !errors.As(err, &pe) || pe.Permission != wantPerm {
			t.Fatalf("error = %v, want missing permission %s", err, wantPerm)
		}
		if !errors.Is(err, ErrForbidden) {
			t.Fatalf("errors.Is(%v, ErrForbidden) = false", err)
		}
		if want := "missing permission " + string(wantPerm); err.Error() != want {
			t.Fatalf("Error() = %q, want %q", err.Error(), want)
		}
		return
	}
	if wantErr == nil {
		if err != nil {
			t.Fatalf("error = %v, want nil", err)
		}
		return
	}
	if !errors.Is(err, wantErr) {
		t.Fatalf("error = %v, want %v", err, wantErr)
	}
}

func TestCheckInvite(t *testing.T) {
	tests := []struct {
		name     string
		actor    Role
		invited  Role
		wantErr  error
		wantPerm Permission
	}{
		{name: "admin invites admin", actor: RoleAdmin, invited: RoleAdmin},
		{name: "admin invites editor", actor: RoleAdmin, invited: RoleEditor},
		{name: "admin invites viewer", actor: RoleAdmin, invited: RoleViewer},
		{name: "editor invites admin", actor: RoleEditor, invited: RoleAdmin,
			wantPerm: PermManageAdmins},
		{name: "editor invites editor", actor: RoleEditor, invited: RoleEditor},
		{name: "editor invites viewer", actor: RoleEditor, invited: RoleViewer},
		{name: "viewer invites admin", actor: RoleViewer, invited: RoleAdmin,
			wantPerm: PermManageMembers},
		{name: "viewer invites editor", actor: RoleViewer, invited: RoleEditor,
			wantPerm: PermManageMembers},
		{name: "viewer invites viewer", actor: RoleViewer, invited: RoleViewer,
			wantPerm: PermManageMembers},
		{name: "unknown invited role", actor: RoleAdmin, invited: "owner",
			wantErr: ErrUnknownRole},
		{name: "unknown actor role", actor: "", invited: RoleViewer, wantErr: ErrUnknownRole},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckInvite(tt.actor, tt.invited)
			checkRuleErr(t, err, tt.wantErr, tt.wantPerm)
		})
	}
}

func TestCheckRoleChange(t *testing.T) {
	tests := []struct {
		name       string
		actor      Role
		self       bool
		from, to   Role
		adminCount int
		wantErr    error
		wantPerm   Permission
	}{
		// Granting and taking away admin.
		{name: "admin grants admin", actor: RoleAdmin, from: RoleEditor, to: RoleAdmin,
			adminCount: 1},
		{name: "admin demotes another admin", actor: RoleAdmin, from: RoleAdmin,
			to: RoleEditor, adminCount: 2},
		{name: "admin demotes self with another admin left", actor: RoleAdmin, self: true,
			from: RoleAdmin, to: RoleViewer, adminCount: 2},
		{name: "last admin demotes self", actor: RoleAdmin, self: true, from: RoleAdmin,
			to: RoleEditor, adminCount: 1, wantErr: ErrLastAdmin},
		{name: "last admin demoted with stale count", actor: RoleAdmin, from: RoleAdmin,
			to: RoleViewer, adminCount: 0, wantErr: ErrLastAdmin},
		{name: "editor grants admin", actor: RoleEditor, from: RoleViewer, to: RoleAdmin,
			adminCount: 1, wantPerm: PermManageAdmins},
		{name: "editor demotes admin", actor: RoleEditor, from: RoleAdmin, to: RoleEditor,
			adminCount: 2, wantPerm: PermManageAdmins},
		{name: "editor demotes last admin", actor: RoleEditor, from: RoleAdmin,
			to: RoleViewer, adminCount: 1, wantPerm: PermManageAdmins},
		{name: "viewer grants admin", actor: RoleViewer, from: RoleViewer, to: RoleAdmin,
			adminCount: 1, wantPerm: PermManageAdmins},

		// Moves between editor and viewer.
		{name: "admin promotes viewer to editor", actor: RoleAdmin, from: RoleViewer,
			to: RoleEditor, adminCount: 1},
		{name: "editor promotes viewer to editor", actor: RoleEditor, from: RoleViewer,
			to: RoleEditor, adminCount: 1},
		{name: "editor demotes editor to viewer", actor: RoleEditor, from: RoleEditor,
			to: RoleViewer, adminCount: 1},
		{name: "editor demotes self to viewer", actor: RoleEditor, self: true,
			from: RoleEditor, to: RoleViewer, adminCount: 1},
		{name: "viewer promotes viewer", actor: RoleViewer, from: RoleViewer,
			to: RoleEditor, adminCount: 1, wantPerm: PermManageMembers},
		{name: "viewer demotes editor", actor: RoleViewer, from: RoleEditor,
			to: RoleViewer, adminCount: 1, wantPerm: PermManageMembers},

		// Nobody raises their own role.
		{name: "editor raises self to admin", actor: RoleEditor, self: true,
			from: RoleEditor, to: RoleAdmin, adminCount: 1, wantErr: ErrSelfPromotion},
		{name: "viewer raises self to editor", actor: RoleViewer, self: true,
			from: RoleViewer, to: RoleEditor, adminCount: 1, wantErr: ErrSelfPromotion},

		// No change and bad input.
		{name: "admin keeps last admin as admin", actor: RoleAdmin, self: true,
			from: RoleAdmin, to: RoleAdmin, adminCount: 1},
		{name: "editor keeps admin as admin", actor: RoleEditor, from: RoleAdmin,
			to: RoleAdmin, adminCount: 1, wantPerm: PermManageAdmins},
		{name: "unknown target role", actor: RoleAdmin, from: RoleViewer, to: "owner",
			adminCount: 1, wantErr: ErrUnknownRole},
		{name: "unknown actor role", actor: "root", from: RoleViewer, to: RoleEditor,
			adminCount: 1, wantErr: ErrUnknownRole},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckRoleChange(tt.actor, tt.self, tt.from, tt.to, tt.adminCount)
			checkRuleErr(t, err, tt.wantErr, tt.wantPerm)
		})
	}
}

func TestCheckRemoval(t *testing.T) {
	tests := []struct {
		name       string
		actor      Role
		target     Role
		adminCount int
		wantErr    error
		wantPerm   Permission
	}{
		{name: "admin removes admin", actor: RoleAdmin, target: RoleAdmin, adminCount: 2},
		{name: "admin removes last admin", actor: RoleAdmin, target: RoleAdmin,
			adminCount: 1, wantErr: ErrLastAdmin},
		{name: "admin removes editor", actor: RoleAdmin, target: RoleEditor, adminCount: 1},
		{name: "admin removes viewer", actor: RoleAdmin, target: RoleViewer, adminCount: 1},
		{name: "editor removes admin", actor: RoleEditor, target: RoleAdmin, adminCount: 2,
			wantPerm: PermManageAdmins},
		{name: "editor removes last admin", actor: RoleEditor, target: RoleAdmin,
			adminCount: 1, wantPerm: PermManageAdmins},
		{name: "editor removes editor", actor: RoleEditor, target: RoleEditor, adminCount: 1},
		{name: "editor removes viewer", actor: RoleEditor, target: RoleViewer, adminCount: 1},
		{name: "viewer removes admin", actor: RoleViewer, target: RoleAdmin, adminCount: 2,
			wantPerm: PermManageAdmins},
		{name: "viewer removes editor", actor: RoleViewer, target: RoleEditor,
			adminCount: 1, wantPerm: PermManageMembers},
		{name: "viewer removes viewer", actor: RoleViewer, target: RoleViewer,
			adminCount: 1, wantPerm: PermManageMembers},
		{name: "unknown target role", actor: RoleAdmin, target: "", adminCount: 1,
			wantErr: ErrUnknownRole},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckRemoval(tt.actor, tt.target, tt.adminCount)
			checkRuleErr(t, err, tt.wantErr, tt.wantPerm)
		})
	}
}
