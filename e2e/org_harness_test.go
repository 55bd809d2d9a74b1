package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/testenv"
)

// This file calls Gatehouse's management API the way a client does, for the
// organization and authorized-device tests.

// mailServer returns serve flags that send invitation mail to the test mailpit,
// plus extra.
func mailServer(t testing.TB, extra map[string]string) serverOptions {
	t.Helper()
	flags := map[string]string{"smtp-url": "smtp://" + testenv.SMTPAddr(t)}
	for k, v := range extra {
		flags[k] = v
	}
	return serverOptions{Flags: flags}
}

// mgmtAPI calls Gatehouse's management API (/api/v1) with one access token.
type mgmtAPI struct {
	g     *gatehouse
	token string
}

// managementToken runs a device login without a resource in b, so for Gatehouse itself,
// and returns a client of the management API with its access token.
func managementToken(t testing.TB, g *gatehouse, b *browser) *mgmtAPI {
	t.Helper()
	_, ta := g.connect(t, b, false, nil)
	return &mgmtAPI{g: g, token: ta.AccessToken}
}

// call sends method path with body as JSON (nil for none) and reads the answer.
func (m *mgmtAPI) call(t testing.TB, method, path string, body any) answer {
	t.Helper()
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, m.g.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+m.token)
	return do(t, req)
}

// must sends the request, fails the test unless the answer has status, and decodes its
// body into out unless out is nil.
func (m *mgmtAPI) must(t testing.TB, status int, method, path string, body, out any) {
	t.Helper()
	a := m.call(t, method, path, body)
	if a.Status != status {
		t.Fatalf("%s %s: %d %s, want %d", method, path, a.Status, a.Body, status)
	}
	if out != nil {
		a.JSON(t, out)
	}
}

// apiOrg is an organization as the management API shows it.
type apiOrg struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

// apiMember is a member of an organization.
type apiMember struct {
	UserID string `json:"user_id"`
	Email  string `json:"email"`
	Role   string `json:"role"`
}

// apiInvitation is an invitation.
type apiInvitation struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	Status    string    `json:"status"`
	ExpiresAt time.Time `json:"expires_at"`
}

// apiTenant is a tenant just registered, with its client secret.
type apiTenant struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	URL          string `json:"url"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// apiError is the error body of the management API.
type apiError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	Permission  string `json:"permission"`
}

// orgNamed returns the caller's organization called name.
func (m *mgmtAPI) orgNamed(t testing.TB, name string) apiOrg {
	t.Helper()
	var out struct {
		Organizations []apiOrg `json:"organizations"`
	}
	m.must(t, http.StatusOK, http.MethodGet, "/api/v1/orgs", nil, &out)
	for _, o := range out.Organizations {
		if o.Name == name {
			return o
		}
	}
	t.Fatalf("no organization %q among %+v", name, out.Organizations)
	return apiOrg{}
}

// createOrg creates an organization whose first admin is the caller.
func (m *mgmtAPI) createOrg(t testing.TB, name string) apiOrg {
	t.Helper()
	var o apiOrg
	m.must(t, http.StatusCreated, http.MethodPost, "/api/v1/orgs", map[string]string{"name": name}, &o)
	return o
}

// members returns the organization's members.
func (m *mgmtAPI) members(t testing.TB, orgID string) []apiMember {
	t.Helper()
	var out struct {
		Members []apiMember `json:"members"`
	}
	m.must(t, http.StatusOK, http.MethodGet, "/api/v1/orgs/"+orgID+"/members", nil, &out)
	return out.Members
}

// memberID returns the user id of the member with email.
func (m *mgmtAPI) memberID(t testing.TB, orgID, email string) string {
	t.Helper()
	for _, mem := range m.members(t, orgID) {
		if mem.Email == email {
			return mem.UserID
		}
	}
	t.Fatalf("%s is not a member of %s", email, orgID)
	return ""
}

// invite invites email to the organization with role.
func (m *mgmtAPI) invite(t testing.TB, orgID, email, role string) apiInvitation {
	t.Helper()
	var inv apiInvitation
	m.must(t, http.StatusCreated, http.MethodPost, "/api/v1/orgs/"+orgID+"/members",
		map[string]string{"email": email, "role": role}, &inv)
	if inv.ID == "" || inv.Status != "pending" {
		t.Fatalf("invitation %+v, want a pending one with an id", inv)
	}
	return inv
}

// setRole changes a member's role and returns the answer.
func (m *mgmtAPI) setRole(t testing.TB, orgID, userID, role string) answer {
	t.Helper()
	return m.call(t, http.MethodPatch, "/api/v1/orgs/"+orgID+"/members/"+userID,
		map[string]string{"role": role})
}

// createTenant registers a tenant at http://127.0.0.1:PORT, a port free for the
// demo tenant that will serve it.
func (m *mgmtAPI) createTenant(t testing.TB, orgID, name string) apiTenant {
	t.Helper()
	u := "http://127.0.0.1:" + strconv.Itoa(testenv.FreePort(t))
	var tn apiTenant
	m.must(t, http.StatusCreated, http.MethodPost, "/api/v1/orgs/"+orgID+"/tenants",
		map[string]string{"name": name, "url": u}, &tn)
	if tn.URL != u || tn.ClientID == "" || tn.ClientSecret == "" {
		t.Fatalf("tenant %+v, want url %s with client credentials", tn, u)
	}
	return tn
}

// apiDevice is an authorized device as the management API shows it.
type apiDevice struct {
	ID            string    `json:"id"`
	Status        string    `json:"status"`
	Trusted       bool      `json:"trusted"`
	ClientID      string    `json:"client_id"`
	Hostname      string    `json:"hostname"`
	OS            string    `json:"os"`
	ClientVersion string    `json:"client_version"`
	IPAddress     string    `json:"ip_address"`
	CreatedAt     time.Time `json:"created_at"`
	LastSeenAt    time.Time `json:"last_seen_at"`
	ExpiresAt     time.Time `json:"expires_at"`
	Tenant        string    `json:"tenant"`
	UserID        string    `json:"user_id"`
	OrgID         string    `json:"org_id"`
}

// device returns the caller's device id, failing the test unless it is found.
func (m *mgmtAPI) device(t testing.TB, id string) apiDevice {
	t.Helper()
	var d apiDevice
	m.must(t, http.StatusOK, http.MethodGet, "/api/v1/devices/"+id, nil, &d)
	return d
}

// devices returns the caller's devices.
func (m *mgmtAPI) devices(t testing.TB) []apiDevice {
	t.Helper()
	var out struct {
		Devices []apiDevice `json:"devices"`
	}
	m.must(t, http.StatusOK, http.MethodGet, "/api/v1/devices", nil, &out)
	return out.Devices
}

// hasDevice reports whether the caller's device list shows id.
func (m *mgmtAPI) hasDevice(t testing.TB, id string) bool {
	t.Helper()
	for _, d := range m.devices(t) {
		if d.ID == id {
			return true
		}
	}
	return false
}

// apiEvent is an audit event.
type apiEvent struct {
	Type     string    `json:"type"`
	Time     time.Time `json:"time"`
	ActorID  string    `json:"actor_id"`
	OrgID    string    `json:"org_id"`
	DeviceID string    `json:"device_id"`
}

// audit returns the caller's audit events, or the organization's when orgID is set.
func (m *mgmtAPI) audit(t testing.TB, orgID string) []apiEvent {
	t.Helper()
	path := "/api/v1/audit"
	if orgID != "" {
		path += "?org=" + orgID
	}
	var out struct {
		Events []apiEvent `json:"events"`
	}
	m.must(t, http.StatusOK, http.MethodGet, path, nil, &out)
	return out.Events
}
