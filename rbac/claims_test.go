package rbac

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestAudienceUnmarshal(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Audience
		wantErr bool
	}{
		{name: "string", in: `"https://a"`, want: Audience{"https://a"}},
		{name: "array", in: `["https://a","https://b"]`, want: Audience{"https://a", "https://b"}},
		{name: "empty array", in: `[]`, want: Audience{}},
		{name: "null", in: `null`, want: nil},
		{name: "number", in: `7`, wantErr: true},
		{name: "array of numbers", in: `[1]`, wantErr: true},
		{name: "object", in: `{"aud":"x"}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Claims
			err := json.Unmarshal([]byte(`{"aud":`+tt.in+`}`), &c)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Unmarshal aud %s succeeded, want an error", tt.in)
				}
				return
			}
			if err != nil || !slices.Equal(c.Audience, tt.want) {
				t.Fatalf("aud %s = %q, %v; want %q", tt.in, c.Audience, err, tt.want)
			}
		})
	}
}

func TestNumericDateUnmarshal(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    NumericDate
		wantErr bool
	}{
		{name: "integer", in: `1700000000`, want: 1700000000},
		{name: "fraction dropped", in: `1700000000.9`, want: 1700000000},
		{name: "exponent", in: `1.7e9`, want: 1700000000},
		{name: "null", in: `null`, want: 0},
		{name: "string", in: `"1700000000"`, wantErr: true},
		{name: "negative", in: `-1`, wantErr: true},
		{name: "huge", in: `1e300`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Claims
			err := json.Unmarshal([]byte(`{"exp":`+tt.in+`}`), &c)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Unmarshal exp %s succeeded, want an error", tt.in)
				}
				return
			}
			if err != nil || c.Expiry != tt.want {
				t.Fatalf("exp %s = %d, %v; want %d", tt.in, c.Expiry, err, tt.want)
			}
		})
	}
}

func TestClaimsMethods(t *testing.T) {
	tests := []struct {
		name     string
		claims   Claims
		scope    string
		perm     Permission
		wantRole Role
		wantScp  bool
		wantCan  bool
	}{
		{name: "admin with scope", claims: Claims{OrgRole: "admin", Scope: "openid tenant"},
			scope: "tenant", perm: PermBilling, wantRole: RoleAdmin, wantScp: true,
			wantCan: true},
		{name: "viewer cannot write", claims: Claims{OrgRole: "viewer", Scope: "openid"},
			scope: "tenant", perm: PermTenantWrite, wantRole: RoleViewer},
		{name: "scope prefix is not a scope", claims: Claims{OrgRole: "editor",
			Scope: "tenants"}, scope: "tenant", perm: PermTenantWrite, wantRole: RoleEditor,
			wantCan: true},
		{name: "scope case-sensitive", claims: Claims{Scope: "Tenant"}, scope: "tenant",
			perm: PermViewOrg},
		{name: "empty scope asked", claims: Claims{Scope: "a  b"}, scope: "", perm: PermViewOrg},
		{name: "no role", claims: Claims{}, scope: "x", perm: PermViewOrg},
		{name: "unknown role", claims: Claims{OrgRole: "owner"}, perm: PermViewOrg},
		{name: "role in capitals", claims: Claims{OrgRole: "ADMIN"}, perm: PermViewOrg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.claims.Role(); got != tt.wantRole {
				t.Errorf("Role() = %q, want %q", got, tt.wantRole)
			}
			if got := tt.claims.HasScope(tt.scope); got != tt.wantScp {
				t.Errorf("HasScope(%q) = %v, want %v", tt.scope, got, tt.wantScp)
			}
			if got := tt.claims.Can(tt.perm); got != tt.wantCan {
				t.Errorf("Can(%q) = %v, want %v", tt.perm, got, tt.wantCan)
			}
		})
	}
}
