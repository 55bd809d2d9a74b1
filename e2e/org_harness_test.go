package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/gatehouse-auth/gatehouse/internal/testenv"
)

// This file is the harness of the organization and authorized-device tests: the
// management API as a client calls it, invitation mail read back from mailpit, the
// demo-tenant binary, device logins with x/oauth2 and the gatehouse CLI binary.

// memberPassword is the password every invited test account is created with.
const memberPassword = "e2e-member-password"

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

// member is a person who joined an organization through an invitation.
type member struct {
	Email, UserID string
	// Browser is signed in as the member: accepting the invitation signed it in.
	Browser *browser
}

// join invites a new person with role, reads the invitation mail, and creates the
// account on the accept page in a fresh browser.
func join(t testing.TB, admin *mgmtAPI, orgID, role string) member {
	t.Helper()
	email := role + "-" + randomHex(6) + "@example.com"
	admin.invite(t, orgID, email, role)
	b := newBrowser(t, admin.g)
	p := acceptLink(t, b, invitationLink(t, admin.g, email))
	if !p.Has("You joined ") || !p.Has(" as "+role+".") {
		t.Fatalf("accept the invitation of %s: got %d, want the joined page:\n%s", email, p.Status, p.HTML)
	}
	return member{Email: email, UserID: admin.memberID(t, orgID, email), Browser: b}
}

// acceptLink opens an invitation link in b, which must show the account form, and
// creates the account.
func acceptLink(t testing.TB, b *browser, link string) page {
	t.Helper()
	form := openInvitation(t, b, link)
	if form.Status != http.StatusOK || !form.Has("Create your Gatehouse account") {
		t.Fatalf("GET %s: %d, want the invitation page with the account form:\n%s", link, form.Status, form.HTML)
	}
	return b.submit(t, form, "/invitations/accept", url.Values{
		"token":            {hiddenField(t, form, "token")},
		"action":           {hiddenField(t, form, "action")},
		"name":             {"E2E Member"},
		"password":         {memberPassword},
		"confirm_password": {memberPassword},
	})
}

// openInvitation loads an invitation link, which must point at b's Gatehouse.
func openInvitation(t testing.TB, b *browser, link string) page {
	t.Helper()
	path, ok := strings.CutPrefix(link, b.g.URL)
	if !ok || !strings.HasPrefix(path, "/invitations/accept?token=") {
		t.Fatalf("invitation link %q, want %s/invitations/accept?token=...", link, b.g.URL)
	}
	return b.get(t, path)
}

// acceptURL finds the accept link in an invitation mail.
var acceptURL = regexp.MustCompile(`https?://[^\s"<>]+/invitations/accept\?token=[^\s"<>&]+`)

// invitationLink waits for the newest invitation mail to email in mailpit, which every
// test package shares (recipients are unique), and returns its accept link.
func invitationLink(t testing.TB, g *gatehouse, email string) string {
	t.Helper()
	return invitationLinks(t, g, email, 1)[0]
}

// invitationLinks waits until mailpit holds n mails to email and returns their accept
// links, newest first.
func invitationLinks(t testing.TB, g *gatehouse, email string, n int) []string {
	t.Helper()
	base := testenv.MailpitURL(t)
	deadline := time.Now().Add(15 * time.Second)
	for {
		var found struct {
			Messages []struct {
				ID string `json:"ID"`
			} `json:"messages"`
		}
		getJSON(t, base+"/api/v1/search?"+url.Values{"query": {"to:" + email}}.Encode(), &found)
		if len(found.Messages) >= n {
			links := make([]string, n)
			for i, msg := range found.Messages[:n] {
				var body struct {
					Text string `json:"Text"`
				}
				getJSON(t, base+"/api/v1/message/"+msg.ID, &body)
				links[i] = acceptURL.FindString(body.Text)
				if links[i] == "" {
					t.Fatalf("the invitation mail to %s has no accept link:\n%s", email, body.Text)
				}
			}
			return links
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit holds %d invitation mails to %s after 15 s, want %d; gatehouse log:\n%s",
				len(found.Messages), email, n, g.logs.Tail(40))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// runAPITenant runs cmd/demo-tenant for a tenant registered with createTenant, listening
// at its URL with the client credentials the API returned, and returns the URL once it
// answers /healthz. startDemoTenant runs the tenant --dev seeds instead.
func runAPITenant(t testing.TB, g *gatehouse, tn apiTenant) string {
	t.Helper()
	logs := &logBuffer{}
	cmd := exec.Command(binaries.demoTenant, "--listen", strings.TrimPrefix(tn.URL, "http://"),
		"--url", tn.URL, "--issuer", g.URL, "--client-id", tn.ClientID)
	cmd.Env = append(withoutGatehouseEnv(), "GATEHOUSE_DEMO_CLIENT_SECRET="+tn.ClientSecret)
	cmd.Stdout, cmd.Stderr = logs, logs
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start demo-tenant: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(stopTimeout):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("demo-tenant log (%s):\n%s", tn.URL, logs.Tail(60))
		}
	})

	// It discovers Gatehouse before it listens, then answers /healthz.
	hc := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(readyTimeout)
	for {
		resp, err := hc.Get(tn.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return tn.URL
			}
		}
		select {
		case <-exited:
			t.Fatalf("demo-tenant for %s exited before it served:\n%s", tn.URL, logs.Tail(40))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo-tenant for %s not serving after %v:\n%s", tn.URL, readyTimeout, logs.Tail(40))
		}
	}
}

// withoutGatehouseEnv is the test's environment without GATEHOUSE_ variables.
func withoutGatehouseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GATEHOUSE_") {
			env = append(env, kv)
		}
	}
	return env
}

// wantNotes fails the test unless the tenant at base answers method /api/notes with
// token by status; a POST adds a note.
func wantNotes(t testing.TB, what, base, method, token string, status int) answer {
	t.Helper()
	body := ""
	if method == http.MethodPost {
		body = `{"text":"note by ` + what + `"}`
	}
	a := tenantCall(t, base, method, token, body)
	if a.Status != status {
		t.Errorf("%s: %s %s/api/notes: %d %s, want %d", what, method, base, a.Status, a.Body, status)
	}
	return a
}

// oauthLogin runs the device flow the way a Go CLI would, with x/oauth2, for resource
// (RFC 8707; "" for Gatehouse itself), approving in b. The resource goes with both the
// device authorization and the token request.
func oauthLogin(t testing.TB, g *gatehouse, b *browser, resource string) *oauth2.Token {
	t.Helper()
	cfg := &oauth2.Config{
		ClientID: cliClientID,
		Endpoint: oauth2.Endpoint{
			DeviceAuthURL: g.URL + pathDeviceAuthorization,
			TokenURL:      g.URL + pathToken,
			AuthStyle:     oauth2.AuthStyleInParams,
		},
		Scopes: strings.Fields(allScopes),
	}
	var opts []oauth2.AuthCodeOption
	if resource != "" {
		opts = append(opts, oauth2.SetAuthURLParam("resource", resource))
	}
	ctx := context.WithValue(t.Context(), oauth2.HTTPClient, httpClient)
	da, err := cfg.DeviceAuth(ctx, opts...)
	if err != nil {
		t.Fatalf("DeviceAuth for %q: %v", resource, err)
	}
	b.approve(t, da.UserCode, false)
	tok, err := cfg.DeviceAccessToken(ctx, da, opts...)
	if err != nil {
		t.Fatalf("DeviceAccessToken for %q: %v", resource, err)
	}
	return tok
}

// jwtClaims decodes a JWT's claims without checking it; verifyAccessTokenFor checks.
func jwtClaims(t testing.TB, raw string) map[string]any {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %d parts", len(parts))
	}
	data, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("JWT payload: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(data, &claims); err != nil {
		t.Fatalf("JWT payload: %v", err)
	}
	return claims
}

// deviceID is the device_id claim of an access token.
func deviceID(t testing.TB, accessToken string) string {
	t.Helper()
	id, _ := jwtClaims(t, accessToken)["device_id"].(string)
	if id == "" {
		t.Fatalf("access token without device_id")
	}
	return id
}

// cliJSON runs the gatehouse CLI with args and -o json, fails the test unless it exits
// 0, and decodes what it printed on stdout into out.
func cliJSON(t testing.TB, configDir string, out any, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), cliTimeout)
	defer cancel()
	cmd := cliCommand(ctx, configDir, append(args, "-o", "json")...)
	var stderr logBuffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("gatehouse %s -o json: %v\n%s%s", strings.Join(args, " "), err, stdout, stderr.String())
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("gatehouse %s -o json: not JSON (%v):\n%s", strings.Join(args, " "), err, stdout)
	}
}

// cliConnect runs `gatehouse connect --url serverURL --no-browser` in configDir,
// approves the code it prints in b, and waits for it to store the connection.
func cliConnect(t testing.TB, b *browser, configDir, serverURL string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), cliTimeout)
	defer cancel()
	cmd := cliCommand(ctx, configDir, "connect", "--no-browser", "--url", serverURL)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr logBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start gatehouse connect: %v", err)
	}
	output := make(chan string, 1)
	code := make(chan string, 1)
	go func() { output <- scanForCode(stdout, code) }()

	select {
	case userCode := <-code:
		b.approve(t, userCode, false)
	case out := <-output:
		_ = cmd.Wait()
		t.Fatalf("gatehouse connect --url %s showed no code:\n%s%s", serverURL, out, stderr.String())
	}
	out := <-output
	if err := cmd.Wait(); err != nil || !strings.Contains(out, "Connected to "+serverURL) {
		t.Fatalf("gatehouse connect --url %s: %v\n%s%s", serverURL, err, out, stderr.String())
	}
}

// connectionDevice is the device id of the stored connection to serverURL, as
// gatehouse whoami shows it.
func connectionDevice(t testing.TB, configDir, serverURL string) string {
	t.Helper()
	for _, row := range whoami(t, configDir) {
		if row["url"] == serverURL {
			if id, _ := row["device_id"].(string); id != "" {
				return id
			}
		}
	}
	t.Fatalf("gatehouse whoami shows no device for %s", serverURL)
	return ""
}

// eventually calls check every 100 ms until it reports true or limit has passed, and
// returns how long it took and whether it succeeded.
func eventually(limit time.Duration, check func() bool) (time.Duration, bool) {
	start := time.Now()
	for {
		if check() {
			return time.Since(start), true
		}
		if time.Since(start) > limit {
			return time.Since(start), false
		}
		time.Sleep(100 * time.Millisecond)
	}
}
