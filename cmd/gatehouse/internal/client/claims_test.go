package client

import "testing"

// TestEntryClaims checks display decoding and the precedence of the two tokens.
func TestEntryClaims(t *testing.T) {
	tests := []struct {
		name string
		e    Entry
		want Claims
	}{
		{
			name: "access token wins, ID token fills in",
			e: Entry{
				AccessToken: fakeJWT(map[string]any{"sub": "u1", "org_id": "o1",
					"org_role": "member", "tenant_id": "t1", "device_id": "d1"}),
				IDToken: fakeJWT(map[string]any{"sub": "stale", "email": "ada@example.com",
					"name": "Ada"}),
			},
			want: Claims{Subject: "u1", Email: "ada@example.com", Name: "Ada", OrgID: "o1",
				OrgRole: "member", TenantID: "t1", DeviceID: "d1"},
		},
		{
			name: "opaque access token",
			e: Entry{AccessToken: "ory_at_opaque",
				IDToken: fakeJWT(map[string]any{"sub": "u1", "email": "ada@example.com"})},
			want: Claims{Subject: "u1", Email: "ada@example.com"},
		},
		{name: "garbage", e: Entry{AccessToken: "a.%%%.c", IDToken: "x.e30.y.z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Claims(); got != tt.want {
				t.Errorf("Claims = %+v, want %+v", got, tt.want)
			}
		})
	}
}
