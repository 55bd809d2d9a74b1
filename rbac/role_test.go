package rbac

import (
	"errors"
	"testing"
)

func TestParseRole(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Role
		wantErr bool
	}{
		{name: "admin", in: "admin", want: RoleAdmin},
		{name: "editor", in: "editor", want: RoleEditor},
		{name: "viewer", in: "viewer", want: RoleViewer},
		{name: "empty", in: "", wantErr: true},
		{name: "capitalized", in: "Admin", wantErr: true},
		{name: "padded", in: " viewer", wantErr: true},
		{name: "owner", in: "owner", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRole(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrUnknownRole) {
					t.Fatalf("ParseRole(%q) error = %v, want ErrUnknownRole", tt.in, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseRole(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestRoleRank(t *testing.T) {
	tests := []struct {
		name  string
		role  Role
		other Role
		want  bool
	}{
		{name: "admin over editor", role: RoleAdmin, other: RoleEditor, want: true},
		{name: "admin over viewer", role: RoleAdmin, other: RoleViewer, want: true},
		{name: "editor over viewer", role: RoleEditor, other: RoleViewer, want: true},
		{name: "viewer at viewer", role: RoleViewer, other: RoleViewer, want: true},
		{name: "viewer under editor", role: RoleViewer, other: RoleEditor, want: false},
		{name: "editor under admin", role: RoleEditor, other: RoleAdmin, want: false},
		{name: "empty under viewer", role: "", other: RoleViewer, want: false},
		{name: "unknown at empty", role: "root", other: "", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.role.AtLeast(tt.other); got != tt.want {
				t.Fatalf("%q.AtLeast(%q) = %v, want %v", tt.role, tt.other, got, tt.want)
			}
		})
	}
}

func TestRoles(t *testing.T) {
	roles := Roles()
	for i := 1; i < len(roles); i++ {
		if roles[i-1].Rank() <= roles[i].Rank() {
			t.Fatalf("Roles() not ordered most powerful first: %v", roles)
		}
	}
	for _, r := range roles {
		if !r.Valid() {
			t.Fatalf("Roles() has invalid role %q", r)
		}
	}
}
