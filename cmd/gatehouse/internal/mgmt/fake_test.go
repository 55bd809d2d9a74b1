package mgmt

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeToken is the access token the fake API accepts.
const fakeToken = "fake-access-token"

// t0 is the fixed time the fake's data is stamped with.
var t0 = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// fakeAPI plays the documented management API over data held in memory: Bearer
// authentication, 404 for an organization the caller is not in, strict JSON bodies,
// device prefixes that must be unique. Tests read and change its fields under mu.
type fakeAPI struct {
	mu sync.Mutex

	me          User
	orgs        []Org
	members     map[string][]Member
	invitations map[string][]Invitation
	tenants     map[string][]Tenant
	billing     map[string]Billing
	devices     []Device            // the caller's
	orgDevices  map[string][]Device // by org id
	events      []AuditEvent

	// requests are "METHOD /path?query" for every request received.
	requests []string
	// bodies are the decoded JSON bodies, by "METHOD /path".
	bodies map[string]map[string]any

	srv *httptest.Server
}

// newFakeAPI starts a fake with two organizations and some of everything in them.
func newFakeAPI(t *testing.T) *fakeAPI {
	t.Helper()
	f := &fakeAPI{
		me: User{ID: "usr_alice", Email: "alice@example.com", Name: "Alice Liddell"},
		orgs: []Org{
			{ID: "org_acme", Name: "Acme", Role: "admin", CreatedAt: t0},
			{ID: "org_beta", Name: "Beta", Role: "viewer", CreatedAt: t0.Add(time.Hour)},
		},
		members: map[string][]Member{
			"org_acme": {
				{UserID: "usr_alice", Email: "alice@example.com", Name: "Alice Liddell", Role: "admin"},
				{UserID: "usr_bob", Email: "Bob@Example.com", Name: "Bob", Role: "editor"},
				{UserID: "usr_gone", Role: "viewer"},
			},
			"org_beta": {{UserID: "usr_alice", Email: "alice@example.com", Name: "Alice Liddell", Role: "viewer"}},
		},
		invitations: map[string][]Invitation{"org_acme": {{ID: "inv_1", Email: "carol@example.com",
			Role: "viewer", Status: "pending", InvitedBy: "usr_alice", CreatedAt: t0,
			ExpiresAt: t0.Add(7 * 24 * time.Hour)}}},
		tenants: map[string][]Tenant{"org_acme": {{ID: "tnt_notes", Name: "Notes",
			URL: "https://notes.example/api", ClientID: "tenant-notes", CreatedAt: t0}}},
		billing: map[string]Billing{"org_acme": {Plan: "team", BillingEmail: "billing@acme.example"}},
		devices: []Device{
			{ID: "7f3a9c21-b4e8-4d05-9f6a-1c2b3d4e5f60", Status: DeviceActive, Trusted: true, ClientID: "gatehouse-cli",
				Hostname: "alice-laptop", OS: "darwin/arm64", ClientVersion: "1.4.0",
				IPAddress: "203.0.113.7", CreatedAt: t0, LastSeenAt: t0.Add(2 * time.Hour),
				ExpiresAt: t0.Add(30 * 24 * time.Hour), Tenant: "", UserID: "usr_alice"},
			{ID: "7f3b0000-0000-4000-8000-000000000001", Status: DeviceLocked, Trusted: false, ClientID: "notes-cli",
				Hostname: "build-01", OS: "linux/amd64", ClientVersion: "",
				IPAddress: "2001:db8::1", CreatedAt: t0, LastSeenAt: t0.Add(time.Minute),
				ExpiresAt: t0.Add(24 * time.Hour), Tenant: "https://notes.example/api",
				UserID: "usr_alice", OrgID: "org_acme"},
		},
		orgDevices: map[string][]Device{},
		events: []AuditEvent{
			{ID: "1773480413000-0", Type: "device.approved", Time: t0, ActorID: "usr_alice",
				DeviceID: "7f3a9c21-b4e8-4d05-9f6a-1c2b3d4e5f60", IPAddress: "203.0.113.7", Detail: "trusted"},
			{ID: "1773480473000-0", Type: "device.locked", Time: t0.Add(time.Minute),
				ActorID: "usr_alice", OrgID: "org_acme", DeviceID: "7f3b0000-0000-4000-8000-000000000001",
				TargetID: "usr_alice"},
		},
		bodies: map[string]map[string]any{},
	}
	f.orgDevices["org_acme"] = slices.Clone(f.devices)
	f.srv = httptest.NewServer(f.routes())
	t.Cleanup(f.srv.Close)
	return f
}

// client returns a Client that sends the fake's token.
func (f *fakeAPI) client() *Client {
	return New(f.srv.URL, &http.Client{Transport: bearer{fakeToken}})
}

// bearer adds an Authorization header, as client.Store.Client does.
type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// fakeError is an error answer of the fake.
type fakeError struct {
	status int
	code   string
	desc   string
	perm   string
}

func (e *fakeError) Error() string { return e.code }

// fakeHandler serves one route; it answers with a value and a status, or an error.
type fakeHandler func(r *http.Request, org string) (status int, body any, err *fakeError)

func (f *fakeAPI) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, h fakeHandler) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { f.serve(w, r, h) })
	}
	handle("GET /api/v1/me", f.getMe)
	handle("GET /api/v1/orgs", f.listOrgs)
	handle("POST /api/v1/orgs", f.createOrg)
	handle("GET /api/v1/orgs/{org}", f.getOrg)
	handle("DELETE /api/v1/orgs/{org}", f.deleteOrg)
	handle("GET /api/v1/orgs/{org}/members", f.listMembers)
	handle("POST /api/v1/orgs/{org}/members", f.addMember)
	handle("PATCH /api/v1/orgs/{org}/members/{id}", f.setRole)
	handle("DELETE /api/v1/orgs/{org}/members/{id}", f.removeMember)
	handle("GET /api/v1/orgs/{org}/invitations", f.listInvitations)
	handle("POST /api/v1/orgs/{org}/invitations/{id}/resend", f.resendInvitation)
	handle("DELETE /api/v1/orgs/{org}/invitations/{id}", f.revokeInvitation)
	handle("GET /api/v1/orgs/{org}/tenants", f.listTenants)
	handle("POST /api/v1/orgs/{org}/tenants", f.createTenant)
	handle("PATCH /api/v1/orgs/{org}/tenants/{id}", f.renameTenant)
	handle("DELETE /api/v1/orgs/{org}/tenants/{id}", f.deleteTenant)
	handle("GET /api/v1/orgs/{org}/billing", f.getBilling)
	handle("PUT /api/v1/orgs/{org}/billing", f.setBilling)
	handle("GET /api/v1/devices", f.listDevices)
	handle("GET /api/v1/devices/{id}", f.getDevice)
	handle("POST /api/v1/devices/{id}/lock", f.deviceStatus(DeviceLocked))
	handle("POST /api/v1/devices/{id}/unlock", f.deviceStatus(DeviceActive))
	handle("DELETE /api/v1/devices/{id}", f.deleteDevice)
	handle("GET /api/v1/orgs/{org}/devices", f.listDevices)
	handle("POST /api/v1/orgs/{org}/devices/{id}/lock", f.deviceStatus(DeviceLocked))
	handle("POST /api/v1/orgs/{org}/devices/{id}/unlock", f.deviceStatus(DeviceActive))
	handle("GET /api/v1/audit", f.listAudit)
	mux.HandleFunc("/api/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeFake(w, &fakeError{http.StatusNotFound, CodeNotFound, "No such endpoint.", ""})
	})
	return mux
}

// serve authenticates, records the request, checks the organization and the body, and
// runs h under the lock.
func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request, h fakeHandler) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Method+" "+r.URL.RequestURI())

	// RFC 6750 §2.1.
	if r.Header.Get("Authorization") != "Bearer "+fakeToken {
		writeFake(w, &fakeError{http.StatusUnauthorized, CodeInvalidToken, "The access token is invalid.", ""})
		return
	}

	// Bodies must be JSON objects declared as such.
	if r.ContentLength != 0 {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		var body map[string]any
		if mt != "application/json" || json.NewDecoder(r.Body).Decode(&body) != nil {
			writeFake(w, &fakeError{http.StatusBadRequest, CodeInvalidRequest, "Send a JSON object.", ""})
			return
		}
		f.bodies[r.Method+" "+r.URL.Path] = body
	}

	org := r.PathValue("org")
	if org != "" && f.org(org) == nil {
		writeFake(w, &fakeError{http.StatusNotFound, CodeNotFound, "Organization not found.", ""})
		return
	}

	status, body, ferr := h(r, org)
	if ferr != nil {
		writeFake(w, ferr)
		return
	}
	if body == nil {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func writeFake(w http.ResponseWriter, e *fakeError) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": e.code, "error_description": e.desc,
		"permission": e.perm})
}

func (f *fakeAPI) org(id string) *Org {
	for i := range f.orgs {
		if f.orgs[i].ID == id {
			return &f.orgs[i]
		}
	}
	return nil
}

// str reads a string field of the request's body.
func (f *fakeAPI) str(r *http.Request, field string) string {
	s, _ := f.bodies[r.Method+" "+r.URL.Path][field].(string)
	return s
}

func notFound(what string) *fakeError {
	return &fakeError{http.StatusNotFound, CodeNotFound, what + " not found.", ""}
}

func (f *fakeAPI) getMe(*http.Request, string) (int, any, *fakeError) {
	orgs := []MeOrg{}
	for _, o := range f.orgs {
		orgs = append(orgs, MeOrg{ID: o.ID, Name: o.Name, Role: o.Role})
	}
	return 200, Me{User: f.me, Organizations: orgs}, nil
}

func (f *fakeAPI) listOrgs(*http.Request, string) (int, any, *fakeError) {
	return 200, map[string]any{"organizations": nonNil(f.orgs)}, nil
}

func (f *fakeAPI) createOrg(r *http.Request, _ string) (int, any, *fakeError) {
	o := Org{ID: fmt.Sprintf("org_%d", len(f.orgs)+1), Name: f.str(r, "name"), Role: "admin", CreatedAt: t0}
	f.orgs = append(f.orgs, o)
	return 201, o, nil
}

func (f *fakeAPI) getOrg(_ *http.Request, org string) (int, any, *fakeError) {
	return 200, OrgDetail{Org: *f.org(org), MemberCount: len(f.members[org]),
		TenantCount: len(f.tenants[org])}, nil
}

func (f *fakeAPI) deleteOrg(_ *http.Request, org string) (int, any, *fakeError) {
	if f.org(org).Role != "admin" {
		return 0, nil, &fakeError{403, CodeForbidden, "Lacks org:delete.", "org:delete"}
	}
	f.orgs = slices.DeleteFunc(f.orgs, func(o Org) bool { return o.ID == org })
	return 204, nil, nil
}

func (f *fakeAPI) listMembers(_ *http.Request, org string) (int, any, *fakeError) {
	return 200, map[string]any{"members": nonNil(f.members[org])}, nil
}

func (f *fakeAPI) addMember(r *http.Request, org string) (int, any, *fakeError) {
	inv := Invitation{ID: fmt.Sprintf("inv_%d", len(f.invitations[org])+1), Email: f.str(r, "email"),
		Role: f.str(r, "role"), Status: "pending", InvitedBy: f.me.ID, CreatedAt: t0,
		ExpiresAt: t0.Add(7 * 24 * time.Hour)}
	f.invitations[org] = append(f.invitations[org], inv)
	return 201, inv, nil
}

func (f *fakeAPI) member(org, id string) *Member {
	for i, m := range f.members[org] {
		if m.UserID == id {
			return &f.members[org][i]
		}
	}
	return nil
}

func (f *fakeAPI) setRole(r *http.Request, org string) (int, any, *fakeError) {
	m := f.member(org, r.PathValue("id"))
	if m == nil {
		return 0, nil, notFound("Member")
	}
	if m.Role == "admin" && f.str(r, "role") != "admin" {
		return 0, nil, &fakeError{409, CodeLastAdmin, "", ""}
	}
	m.Role = f.str(r, "role")
	return 200, *m, nil
}

func (f *fakeAPI) removeMember(r *http.Request, org string) (int, any, *fakeError) {
	if f.member(org, r.PathValue("id")) == nil {
		return 0, nil, notFound("Member")
	}
	f.members[org] = slices.DeleteFunc(f.members[org], func(m Member) bool { return m.UserID == r.PathValue("id") })
	return 204, nil, nil
}

func (f *fakeAPI) listInvitations(_ *http.Request, org string) (int, any, *fakeError) {
	return 200, map[string]any{"invitations": nonNil(f.invitations[org])}, nil
}

func (f *fakeAPI) resendInvitation(r *http.Request, org string) (int, any, *fakeError) {
	for i, inv := range f.invitations[org] {
		if inv.ID == r.PathValue("id") {
			f.invitations[org][i].ExpiresAt = t0.Add(14 * 24 * time.Hour)
			return 200, f.invitations[org][i], nil
		}
	}
	return 0, nil, notFound("Invitation")
}

func (f *fakeAPI) revokeInvitation(r *http.Request, org string) (int, any, *fakeError) {
	n := len(f.invitations[org])
	f.invitations[org] = slices.DeleteFunc(f.invitations[org], func(i Invitation) bool { return i.ID == r.PathValue("id") })
	if len(f.invitations[org]) == n {
		return 0, nil, notFound("Invitation")
	}
	return 204, nil, nil
}

func (f *fakeAPI) listTenants(_ *http.Request, org string) (int, any, *fakeError) {
	return 200, map[string]any{"tenants": nonNil(f.tenants[org])}, nil
}

func (f *fakeAPI) createTenant(r *http.Request, org string) (int, any, *fakeError) {
	for _, ts := range f.tenants {
		for _, t := range ts {
			if t.URL == f.str(r, "url") {
				return 0, nil, &fakeError{409, CodeConflict, "A tenant with this url is already registered.", ""}
			}
		}
	}
	t := Tenant{ID: "tnt_new", Name: f.str(r, "name"), URL: f.str(r, "url"), ClientID: "tenant-new", CreatedAt: t0}
	f.tenants[org] = append(f.tenants[org], t)
	return 201, NewTenant{Tenant: t, ClientSecret: "s3cret-shown-once"}, nil
}

func (f *fakeAPI) renameTenant(r *http.Request, org string) (int, any, *fakeError) {
	for i, t := range f.tenants[org] {
		if t.ID == r.PathValue("id") {
			f.tenants[org][i].Name = f.str(r, "name")
			return 200, f.tenants[org][i], nil
		}
	}
	return 0, nil, notFound("Tenant")
}

func (f *fakeAPI) deleteTenant(r *http.Request, org string) (int, any, *fakeError) {
	n := len(f.tenants[org])
	f.tenants[org] = slices.DeleteFunc(f.tenants[org], func(t Tenant) bool { return t.ID == r.PathValue("id") })
	if len(f.tenants[org]) == n {
		return 0, nil, notFound("Tenant")
	}
	return 204, nil, nil
}

func (f *fakeAPI) getBilling(_ *http.Request, org string) (int, any, *fakeError) {
	b, ok := f.billing[org]
	if !ok {
		b = Billing{Plan: "free"}
	}
	return 200, b, nil
}

func (f *fakeAPI) setBilling(r *http.Request, org string) (int, any, *fakeError) {
	b := Billing{Plan: f.str(r, "plan"), BillingEmail: f.str(r, "billing_email")}
	f.billing[org] = b
	return 200, b, nil
}

// deviceList is the caller's devices, or org's on the admin routes.
func (f *fakeAPI) deviceList(org string) []Device {
	if org == "" {
		return f.devices
	}
	return f.orgDevices[org]
}

// findDevice resolves an id or unique prefix, as the API does.
func (f *fakeAPI) findDevice(org, prefix string) (*Device, *fakeError) {
	list := f.deviceList(org)
	var found []int
	for i, d := range list {
		if strings.HasPrefix(d.ID, prefix) {
			found = append(found, i)
		}
	}
	switch len(found) {
	case 0:
		return nil, notFound("Device")
	case 1:
		return &list[found[0]], nil
	}
	return nil, &fakeError{409, CodeConflict, "The prefix matches several devices; give more of the id.", ""}
}

func (f *fakeAPI) listDevices(_ *http.Request, org string) (int, any, *fakeError) {
	return 200, map[string]any{"devices": nonNil(f.deviceList(org))}, nil
}

func (f *fakeAPI) getDevice(r *http.Request, _ string) (int, any, *fakeError) {
	d, err := f.findDevice("", r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return 200, *d, nil
}

func (f *fakeAPI) deviceStatus(status string) fakeHandler {
	return func(r *http.Request, org string) (int, any, *fakeError) {
		d, err := f.findDevice(org, r.PathValue("id"))
		if err != nil {
			return 0, nil, err
		}
		d.Status = status
		return 200, *d, nil
	}
}

func (f *fakeAPI) deleteDevice(r *http.Request, _ string) (int, any, *fakeError) {
	d, err := f.findDevice("", r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	id := d.ID
	f.devices = slices.DeleteFunc(f.devices, func(d Device) bool { return d.ID == id })
	return 204, nil, nil
}

func (f *fakeAPI) listAudit(r *http.Request, _ string) (int, any, *fakeError) {
	org := r.URL.Query().Get("org")
	if org != "" && f.org(org) == nil {
		return 0, nil, notFound("Organization")
	}
	var out []AuditEvent
	for _, e := range f.events {
		if org == "" || e.OrgID == org {
			out = append(out, e)
		}
	}
	var limit int
	fmt.Sscan(r.URL.Query().Get("limit"), &limit)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return 200, map[string]any{"events": nonNil(out)}, nil
}

// lastRequest returns the last request the fake received.
func (f *fakeAPI) lastRequest() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.requests) == 0 {
		return ""
	}
	return f.requests[len(f.requests)-1]
}
