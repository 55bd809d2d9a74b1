package mgmt

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

// TestClientRequests runs every client call against the fake and checks the request
// line, the body sent and what came back.
func TestClientRequests(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		call     func(c *Client) (any, error)
		request  string
		body     map[string]any // nil: no body
		want     any            // compared with reflect.DeepEqual; nil: not compared
		wantFake func(f *fakeAPI) bool
		wantErr  bool
	}{
		{
			name:    "me",
			call:    func(c *Client) (any, error) { return c.Me(ctx) },
			request: "GET /api/v1/me",
			want: &Me{User: User{ID: "usr_alice", Email: "alice@example.com", Name: "Alice Liddell"},
				Organizations: []MeOrg{{"org_acme", "Acme", "admin"}, {"org_beta", "Beta", "viewer"}}},
		},
		{
			name:    "create org",
			call:    func(c *Client) (any, error) { return c.CreateOrg(ctx, "Gamma") },
			request: "POST /api/v1/orgs",
			body:    map[string]any{"name": "Gamma"},
			want:    &Org{ID: "org_3", Name: "Gamma", Role: "admin", CreatedAt: t0},
		},
		{
			name:    "show org",
			call:    func(c *Client) (any, error) { return c.Org(ctx, "org_acme") },
			request: "GET /api/v1/orgs/org_acme",
			want: &OrgDetail{Org: Org{ID: "org_acme", Name: "Acme", Role: "admin", CreatedAt: t0},
				MemberCount: 3, TenantCount: 1},
		},
		{
			name:     "delete org",
			call:     func(c *Client) (any, error) { return nil, c.DeleteOrg(ctx, "org_acme") },
			request:  "DELETE /api/v1/orgs/org_acme",
			wantFake: func(f *fakeAPI) bool { return f.org("org_acme") == nil },
		},
		{
			name:    "add member",
			call:    func(c *Client) (any, error) { return c.AddMember(ctx, "org_acme", "dan@example.com", "editor") },
			request: "POST /api/v1/orgs/org_acme/members",
			body:    map[string]any{"email": "dan@example.com", "role": "editor"},
		},
		{
			name:    "set role",
			call:    func(c *Client) (any, error) { return c.SetMemberRole(ctx, "org_acme", "usr_bob", "viewer") },
			request: "PATCH /api/v1/orgs/org_acme/members/usr_bob",
			body:    map[string]any{"role": "viewer"},
			want:    &Member{UserID: "usr_bob", Email: "Bob@Example.com", Name: "Bob", Role: "viewer"},
		},
		{
			name:     "remove member",
			call:     func(c *Client) (any, error) { return nil, c.RemoveMember(ctx, "org_acme", "usr_bob") },
			request:  "DELETE /api/v1/orgs/org_acme/members/usr_bob",
			wantFake: func(f *fakeAPI) bool { return f.member("org_acme", "usr_bob") == nil },
		},
		{
			name:    "list invitations",
			call:    func(c *Client) (any, error) { return c.Invitations(ctx, "org_acme") },
			request: "GET /api/v1/orgs/org_acme/invitations",
		},
		{
			name:    "resend invitation",
			call:    func(c *Client) (any, error) { return c.ResendInvitation(ctx, "org_acme", "inv_1") },
			request: "POST /api/v1/orgs/org_acme/invitations/inv_1/resend",
		},
		{
			name:     "revoke invitation",
			call:     func(c *Client) (any, error) { return nil, c.RevokeInvitation(ctx, "org_acme", "inv_1") },
			request:  "DELETE /api/v1/orgs/org_acme/invitations/inv_1",
			wantFake: func(f *fakeAPI) bool { return len(f.invitations["org_acme"]) == 0 },
		},
		{
			name:    "create tenant",
			call:    func(c *Client) (any, error) { return c.CreateTenant(ctx, "org_acme", "Wiki", "https://wiki.example") },
			request: "POST /api/v1/orgs/org_acme/tenants",
			body:    map[string]any{"name": "Wiki", "url": "https://wiki.example"},
			want: &NewTenant{Tenant: Tenant{ID: "tnt_new", Name: "Wiki", URL: "https://wiki.example",
				ClientID: "tenant-new", CreatedAt: t0}, ClientSecret: "s3cret-shown-once"},
		},
		{
			name:    "rename tenant",
			call:    func(c *Client) (any, error) { return c.RenameTenant(ctx, "org_acme", "tnt_notes", "Jottings") },
			request: "PATCH /api/v1/orgs/org_acme/tenants/tnt_notes",
			body:    map[string]any{"name": "Jottings"},
		},
		{
			name:     "delete tenant",
			call:     func(c *Client) (any, error) { return nil, c.DeleteTenant(ctx, "org_acme", "tnt_notes") },
			request:  "DELETE /api/v1/orgs/org_acme/tenants/tnt_notes",
			wantFake: func(f *fakeAPI) bool { return len(f.tenants["org_acme"]) == 0 },
		},
		{
			name:    "billing",
			call:    func(c *Client) (any, error) { return c.Billing(ctx, "org_acme") },
			request: "GET /api/v1/orgs/org_acme/billing",
			want:    &Billing{Plan: "team", BillingEmail: "billing@acme.example"},
		},
		{
			name: "set billing",
			call: func(c *Client) (any, error) {
				return c.SetBilling(ctx, "org_acme", Billing{Plan: "enterprise"})
			},
			request: "PUT /api/v1/orgs/org_acme/billing",
			body:    map[string]any{"plan": "enterprise", "billing_email": ""},
			want:    &Billing{Plan: "enterprise"},
		},
		{
			name:    "own devices",
			call:    func(c *Client) (any, error) { return c.Devices(ctx, "") },
			request: "GET /api/v1/devices",
		},
		{
			name:    "org devices",
			call:    func(c *Client) (any, error) { return c.Devices(ctx, "org_acme") },
			request: "GET /api/v1/orgs/org_acme/devices",
		},
		{
			name: "describe by prefix",
			call: func(c *Client) (any, error) {
				d, err := c.Device(ctx, "7f3a")
				if err != nil {
					return nil, err
				}
				return d.ID, nil
			},
			request: "GET /api/v1/devices/7f3a",
			want:    "7f3a9c21-b4e8-4d05-9f6a-1c2b3d4e5f60",
		},
		{
			name: "lock own device",
			call: func(c *Client) (any, error) {
				d, err := c.LockDevice(ctx, "", "7f3a")
				if err != nil {
					return nil, err
				}
				return d.Status, nil
			},
			request: "POST /api/v1/devices/7f3a/lock",
			want:    DeviceLocked,
		},
		{
			name: "unlock as admin",
			call: func(c *Client) (any, error) {
				d, err := c.UnlockDevice(ctx, "org_acme", "7f3b")
				if err != nil {
					return nil, err
				}
				return d.Status, nil
			},
			request: "POST /api/v1/orgs/org_acme/devices/7f3b/unlock",
			want:    DeviceActive,
		},
		{
			name:     "delete device",
			call:     func(c *Client) (any, error) { return nil, c.DeleteDevice(ctx, "7f3b") },
			request:  "DELETE /api/v1/devices/7f3b",
			wantFake: func(f *fakeAPI) bool { return len(f.devices) == 1 },
		},
		{
			name: "audit of an org with a limit",
			call: func(c *Client) (any, error) {
				evs, err := c.Audit(ctx, AuditQuery{Org: "org_acme", Limit: 5})
				if err != nil {
					return nil, err
				}
				return len(evs), nil
			},
			request: "GET /api/v1/audit?limit=5&org=org_acme",
			want:    1,
		},
		{
			name:    "audit, server's defaults",
			call:    func(c *Client) (any, error) { return c.Audit(ctx, AuditQuery{}) },
			request: "GET /api/v1/audit",
		},
		{
			name:    "ids are escaped into the path",
			call:    func(c *Client) (any, error) { return c.Device(ctx, "a/b?c") },
			request: "GET /api/v1/devices/a%2Fb%3Fc",
			wantErr: true, // no such device
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAPI(t)
			got, err := tt.call(f.client())
			if (err != nil) != tt.wantErr {
				t.Fatalf("call: err = %v, want error %v", err, tt.wantErr)
			}

			if r := f.lastRequest(); r != tt.request {
				t.Errorf("request = %q, want %q", r, tt.request)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if body := f.bodies[pathOf(tt.request)]; !reflect.DeepEqual(body, tt.body) {
				t.Errorf("body = %v, want %v", body, tt.body)
			}
			if tt.want != nil && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if tt.wantFake != nil && !tt.wantFake(f) {
				t.Error("the fake's state did not change as expected")
			}
		})
	}
}

// pathOf drops the query from a request line.
func pathOf(request string) string {
	for i, c := range request {
		if c == '?' {
			return request[:i]
		}
	}
	return request
}

// TestListsAreNeverNil checks that an empty list decodes as an empty slice, so that
// -o json prints [] and not null, even when the server sends null.
func TestListsAreNeverNil(t *testing.T) {
	ctx := context.Background()
	f := newFakeAPI(t)
	f.mu.Lock()
	f.devices, f.events, f.members["org_beta"] = nil, nil, nil
	f.mu.Unlock()
	c := f.client()

	devs, err := c.Devices(ctx, "")
	if err != nil || devs == nil {
		t.Errorf("Devices = %#v, %v; want an empty slice", devs, err)
	}
	evs, err := c.Audit(ctx, AuditQuery{Org: "org_beta"})
	if err != nil || evs == nil {
		t.Errorf("Audit = %#v, %v; want an empty slice", evs, err)
	}
	ms, err := c.Members(ctx, "org_beta")
	if err != nil || ms == nil {
		t.Errorf("Members = %#v, %v; want an empty slice", ms, err)
	}
}

// TestAmbiguousDevicePrefix checks that the server's 409 for a prefix that fits two
// devices reaches the caller as an APIError with its description.
func TestAmbiguousDevicePrefix(t *testing.T) {
	f := newFakeAPI(t)
	_, err := f.client().Device(context.Background(), "7f3")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 409 || apiErr.Code != CodeConflict {
		t.Fatalf("err = %v, want a 409 conflict", err)
	}
	msg, _ := Message(err)
	if want := "The prefix matches several devices; give more of the id."; msg != want {
		t.Errorf("message = %q, want %q", msg, want)
	}
}

// TestWithoutToken checks that a request without a token is a 401 and explains itself.
func TestWithoutToken(t *testing.T) {
	f := newFakeAPI(t)
	c := New(f.srv.URL, nil)
	_, err := c.Orgs(context.Background())
	msg, ok := Message(err)
	want := "Not connected to Gatehouse or the session ended: run gatehouse connect --url " + f.srv.URL
	if !ok || msg != want {
		t.Errorf("message = %q, want %q", msg, want)
	}
}
