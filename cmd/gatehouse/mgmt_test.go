package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/cmd/gatehouse/internal/client"
)

// cannedAPI answers "METHOD /path" with a fixed status and body, and records each
// request with its body. Unknown requests get 404 not_found.
type cannedAPI struct {
	answers map[string]cannedAnswer

	mu       sync.Mutex
	requests []string
	bodies   map[string]string
}

type cannedAnswer struct {
	status int
	body   string
}

// mgmtOrgsBody is GET /orgs for a caller in two organizations.
const mgmtOrgsBody = `{"organizations": [
	{"id": "org_1", "name": "Acme", "role": "admin", "created_at": "2026-03-14T09:26:53Z"},
	{"id": "org_2", "name": "Beta", "role": "viewer", "created_at": "2026-03-14T09:26:53Z"}]}`

func (a *cannedAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Method + " " + r.URL.Path
	body, _ := io.ReadAll(r.Body)
	a.mu.Lock()
	a.requests = append(a.requests, key)
	a.bodies[key] = string(body)
	a.mu.Unlock()

	ans, ok := a.answers[key]
	if !ok {
		ans = cannedAnswer{404, `{"error": "not_found", "error_description": "Not found."}`}
	}
	if ans.body != "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(ans.status)
	io.WriteString(w, ans.body)
}

// sent reports whether the request key was received.
func (a *cannedAPI) sent(key string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, r := range a.requests {
		if r == key {
			return true
		}
	}
	return false
}

// runMgmt runs gatehouse args against a server answering with answers, through a
// credentials store holding a valid Gatehouse connection. stdin is not a terminal.
func runMgmt(t *testing.T, answers map[string]cannedAnswer, args ...string) (api *cannedAPI,
	stdout, stderr string, err error) {
	t.Helper()
	api = &cannedAPI{answers: answers, bodies: map[string]string{}}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)

	dir := t.TempDir()
	store := &client.Store{Dir: dir}
	err = store.Put(&client.Entry{URL: srv.URL, Issuer: srv.URL, ClientID: client.ClientID,
		TokenEndpoint: srv.URL + "/oauth2/token", AccessToken: "tok", TokenType: "Bearer",
		Expiry: time.Now().Add(time.Hour), ObtainedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}

	var out, errOut bytes.Buffer
	root := newRootCmd()
	root.SetArgs(append(args, "--config-dir", dir))
	root.SetIn(strings.NewReader("y\n"))
	root.SetOut(&out)
	root.SetErr(&errOut)
	err = root.Execute()
	return api, out.String(), errOut.String(), err
}

func TestMgmtCommandTree(t *testing.T) {
	for _, path := range []string{
		"org create", "org list", "org show", "org delete",
		"tenant create", "tenant list", "tenant rename", "tenant delete",
		"member list", "member add", "member set-role", "member remove",
		"invitation list", "invitation resend", "invitation revoke",
		"billing show", "billing set",
		"authorized-device list", "authorized-device describe", "authorized-device lock",
		"authorized-device unlock", "authorized-device delete",
		"devices list", "device describe",
		"audit list",
	} {
		args := strings.Fields(path)
		cmd, _, err := newRootCmd().Find(args)
		if err != nil || cmd.Name() != args[len(args)-1] {
			t.Errorf("gatehouse %s: not found (%v)", path, err)
		}
	}
}

func TestMgmtDeleteNeedsConfirmation(t *testing.T) {
	answers := map[string]cannedAnswer{
		"GET /api/v1/orgs": {200, mgmtOrgsBody},
		"GET /api/v1/orgs/org_1": {200, `{"id": "org_1", "name": "Acme", "role": "admin",
			"created_at": "2026-03-14T09:26:53Z", "member_count": 3, "tenant_count": 1}`},
		"DELETE /api/v1/orgs/org_1": {204, ""},
	}

	// Without a terminal and without -y: refused, nothing deleted.
	api, _, _, err := runMgmt(t, answers, "org", "delete", "Acme")
	want := "Refusing to go on without confirmation: stdin is not a terminal; pass -y to confirm."
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
	if api.sent("DELETE /api/v1/orgs/org_1") {
		t.Fatal("deleted without confirmation")
	}

	// With -y.
	api, stdout, _, err := runMgmt(t, answers, "org", "delete", "Acme", "-y")
	if err != nil {
		t.Fatal(err)
	}
	if !api.sent("DELETE /api/v1/orgs/org_1") || stdout != "Deleted organization Acme (org_1).\n" {
		t.Errorf("requests %v, stdout %q", api.requests, stdout)
	}
}

func TestMgmtOrgFlag(t *testing.T) {
	members := `{"members": [{"user_id": "usr_1", "email": "a@example.com", "name": "A", "role": "viewer"}]}`
	answers := map[string]cannedAnswer{
		"GET /api/v1/orgs":               {200, mgmtOrgsBody},
		"GET /api/v1/orgs/org_2/members": {200, members},
	}

	// By name, printed as JSON: the API's member objects, as an array.
	_, stdout, _, err := runMgmt(t, answers, "member", "list", "--org", "Beta", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	var env map[string]any
	_ = json.Unmarshal([]byte(members), &env)
	want = env["members"]
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stdout = %s, want the members array of %s", stdout, members)
	}

	// Two organizations and no --org.
	_, _, _, err = runMgmt(t, answers, "member", "list")
	if err == nil || err.Error() != "There are 2 organizations (Acme, Beta); choose one with --org." {
		t.Errorf("err = %v", err)
	}
}

func TestMgmtBillingSetKeepsWhatIsNotGiven(t *testing.T) {
	answers := map[string]cannedAnswer{
		"GET /api/v1/orgs":               {200, mgmtOrgsBody},
		"GET /api/v1/orgs/org_1/billing": {200, `{"plan": "free", "billing_email": "old@acme.example"}`},
		"PUT /api/v1/orgs/org_1/billing": {200, `{"plan": "team", "billing_email": "old@acme.example"}`},
	}
	api, stdout, _, err := runMgmt(t, answers, "billing", "set", "--org", "Acme", "--plan", "team")
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]string
	_ = json.Unmarshal([]byte(api.bodies["PUT /api/v1/orgs/org_1/billing"]), &body)
	if !reflect.DeepEqual(body, map[string]string{"plan": "team", "billing_email": "old@acme.example"}) {
		t.Errorf("PUT body = %v", body)
	}
	if stdout != "Billing of Acme: plan team, billing email old@acme.example.\n" {
		t.Errorf("stdout = %q", stdout)
	}

	_, _, _, err = runMgmt(t, answers, "billing", "set", "--org", "Acme")
	if err == nil || !strings.HasPrefix(err.Error(), "Nothing to change") {
		t.Errorf("err = %v", err)
	}
}

func TestMgmtDeviceDeleteUsesTheFullID(t *testing.T) {
	const full = "7f3a9c21-b4e8-4d05-9f6a-1c2b3d4e5f60"
	answers := map[string]cannedAnswer{
		"GET /api/v1/devices/7f3a": {200, `{"id": "` + full + `", "status": "active", "hostname": "laptop",
			"os": "linux/amd64", "created_at": "2026-03-14T09:26:53Z", "last_seen_at": "2026-03-14T09:26:53Z",
			"expires_at": "2026-04-13T09:26:53Z"}`},
		"DELETE /api/v1/devices/" + full: {204, ""},
	}
	api, stdout, _, err := runMgmt(t, answers, "devices", "delete", "7f3a", "-y")
	if err != nil {
		t.Fatal(err)
	}
	if !api.sent("DELETE /api/v1/devices/"+full) || !strings.Contains(stdout, full) {
		t.Errorf("requests %v, stdout %q", api.requests, stdout)
	}
}

func TestMgmtDeviceLockAsAdmin(t *testing.T) {
	answers := map[string]cannedAnswer{
		"GET /api/v1/orgs": {200, mgmtOrgsBody},
		"POST /api/v1/orgs/org_1/devices/7f3a/lock": {200, `{"id": "7f3a9c21", "status": "locked",
			"hostname": "laptop"}`},
	}
	_, stdout, _, err := runMgmt(t, answers, "device", "lock", "7f3a", "--org", "Acme")
	if err != nil {
		t.Fatal(err)
	}
	if stdout != "Locked authorized device 7f3a9c21 (laptop); it is now locked.\n" {
		t.Errorf("stdout = %q", stdout)
	}
}

func TestMgmtTenantCreateShowsTheSecretOnce(t *testing.T) {
	answers := map[string]cannedAnswer{
		"GET /api/v1/orgs": {200, mgmtOrgsBody},
		"POST /api/v1/orgs/org_1/tenants": {201, `{"id": "tnt_1", "name": "Wiki", "url": "https://wiki.example",
			"client_id": "tenant-wiki", "created_at": "2026-03-14T09:26:53Z", "client_secret": "s3cret"}`},
	}
	_, stdout, stderr, err := runMgmt(t, answers, "tenant", "create", "--org", "org_1", "--name", "Wiki",
		"--url", "https://wiki.example")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(stdout, "s3cret") != 1 || !strings.Contains(stderr, "Store the client secret now") {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
}

func TestMgmtRefusalMessage(t *testing.T) {
	answers := map[string]cannedAnswer{
		"GET /api/v1/orgs": {200, mgmtOrgsBody},
		"POST /api/v1/orgs/org_2/members": {403, `{"error": "forbidden",
			"error_description": "Your role lacks it.", "permission": "members:manage"}`},
	}
	_, _, _, err := runMgmt(t, answers, "member", "add", "--org", "Beta", "--email", "c@example.com",
		"--role", "viewer")
	if err == nil || err.Error() != "Refused: you need the members:manage permission." {
		t.Errorf("err = %v", err)
	}
}
