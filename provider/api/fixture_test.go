package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/gorilla/mux"
	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-auth/gatehouse/provider"
	"github.com/gatehouse-auth/gatehouse/provider/mail"
	"github.com/gatehouse-auth/gatehouse/rbac"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// testClock is a settable clock shared by the provider, the store and the API.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeMailer records the invitations it is asked to send, or fails with err.
type fakeMailer struct {
	mu   sync.Mutex
	sent []mail.Invitation
	err  error
}

func (m *fakeMailer) SendInvitation(_ context.Context, inv mail.Invitation) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	m.sent = append(m.sent, inv)
	return nil
}

func (m *fakeMailer) failWith(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.err = err
}

func (m *fakeMailer) all() []mail.Invitation {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]mail.Invitation(nil), m.sent...)
}

// syncBuffer is a bytes.Buffer the server's goroutines may log into.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// person is a user with a management access token.
type person struct {
	user  *storage.User
	token string
}

// fixture is a real provider and API on miniredis, behind an httptest server.
type fixture struct {
	t      *testing.T
	mr     *miniredis.Miniredis
	srv    *httptest.Server
	store  *storage.Store
	prov   *provider.Provider
	api    *API
	clock  *testClock
	mailer *fakeMailer
	logs   *syncBuffer
	people map[string]*person
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr(), MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	clock := &testClock{t: time.Now()}
	st, err := storage.New(rdb, bytes.Repeat([]byte("s"), 32), storage.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	cli := storage.NewClient("gatehouse-cli", "Gatehouse CLI", storage.ClientKindCLI, nil,
		[]string{provider.GrantTypeDeviceCode, "refresh_token"},
		[]string{"openid", "profile", "email", "offline_access"})
	if err := st.CreateClient(ctx, cli); err != nil {
		t.Fatal(err)
	}
	keys, err := st.SigningKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}

	router := mux.NewRouter()
	srv := httptest.NewServer(router)
	t.Cleanup(srv.Close)
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p, err := provider.New(provider.Config{Issuer: srv.URL, Now: clock.Now, Logger: log}, st, keys)
	if err != nil {
		t.Fatal(err)
	}
	mailer := &fakeMailer{}
	a, err := New(Config{Provider: p, Mailer: mailer, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	p.Routes(router)
	a.Routes(router)

	return &fixture{t: t, mr: mr, srv: srv, store: st, prov: p, api: a, clock: clock, mailer: mailer,
		logs: logs, people: map[string]*person{}}
}

// person returns the user called name (name@example.com), creating them and getting
// them a management token through the device flow the first time.
func (f *fixture) person(name string) *person {
	f.t.Helper()
	if p, ok := f.people[name]; ok {
		return p
	}
	u, err := f.store.CreateUser(context.Background(), name+"@example.com", strings.ToUpper(name[:1])+name[1:],
		"correct horse battery staple")
	if err != nil {
		f.t.Fatal(err)
	}
	p := &person{user: u}
	p.token = f.deviceToken(u, "")
	f.people[name] = p
	return p
}

// grant is what one device login gave: its tokens and the authorized device.
type grant struct {
	access, refresh string
	deviceID        string
}

// deviceToken runs the device flow for u (see connect) and returns the access token.
func (f *fixture) deviceToken(u *storage.User, resource string) string {
	f.t.Helper()
	return f.connect(u, resource).access
}

// connect runs the RFC 8628 device flow over HTTP for u, as a new trusted device
// (30 days): device authorization, approval in the store (what the consent page does),
// one poll of the token endpoint. An empty resource asks for Gatehouse itself; a
// tenant's URL (RFC 8707) needs u to be a member of the tenant's organization.
func (f *fixture) connect(u *storage.User, resource string) grant {
	f.t.Helper()
	return f.connectFor(u, resource, 720*time.Hour)
}

// connectFor is connect with an authorization that lasts lifetime.
//
// fosite checks an ID token's auth_time against the real clock, not the provider's,
// so a device cannot connect once f.clock is more than a few seconds ahead; a test
// that moves the clock connects its devices first.
func (f *fixture) connectFor(u *storage.User, resource string, lifetime time.Duration) grant {
	f.t.Helper()
	ctx := context.Background()
	form := url.Values{"client_id": {"gatehouse-cli"}, "scope": {"openid email offline_access"},
		"device_hostname": {"laptop-" + u.ID[:4]}, "device_os": {"linux/amd64"},
		"device_client_version": {"1.2.3"}}
	if resource != "" {
		form.Set("resource", resource)
	}
	status, body := f.postForm(provider.PathDeviceAuthorization, form)
	if status != http.StatusOK {
		f.t.Fatalf("device authorization: %d %v", status, body)
	}

	code, err := provider.NormalizeUserCode(body["user_code"].(string))
	if err != nil {
		f.t.Fatal(err)
	}
	a, err := f.prov.ApprovalFor(ctx, u, &storage.DeviceRequest{Resource: form["resource"]})
	if err != nil {
		f.t.Fatal(err)
	}
	now := f.clock.Now()
	a.UserID, a.Trusted, a.AuthTime, a.ApprovedAt = u.ID, true, now, now
	a.ExpiresAt = now.Add(lifetime)
	dev, err := f.store.ApproveDeviceRequest(ctx, code, a)
	if err != nil {
		f.t.Fatal(err)
	}

	status, tok := f.postForm(provider.PathToken, url.Values{"grant_type": {provider.GrantTypeDeviceCode},
		"client_id": {"gatehouse-cli"}, "device_code": {body["device_code"].(string)}})
	if status != http.StatusOK {
		f.t.Fatalf("token: %d %v", status, tok)
	}
	refresh, _ := tok["refresh_token"].(string)
	return grant{access: tok["access_token"].(string), refresh: refresh, deviceID: dev.ID}
}

// refresh presents g's refresh token at the token endpoint and, when it works, keeps
// the rotated one in g. It returns the status and the error code ("" on success).
func (f *fixture) refresh(g *grant) (int, string) {
	f.t.Helper()
	status, body := f.postForm(provider.PathToken, url.Values{"grant_type": {"refresh_token"},
		"client_id": {"gatehouse-cli"}, "refresh_token": {g.refresh}})
	if status == http.StatusOK {
		g.access, g.refresh = body["access_token"].(string), body["refresh_token"].(string)
		return status, ""
	}
	code, _ := body["error"].(string)
	return status, code
}

func (f *fixture) postForm(path string, form url.Values) (int, map[string]any) {
	f.t.Helper()
	resp, err := http.Post(f.srv.URL+path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

// newOrg creates an organization whose members are the named people with their
// roles; the first admin, by name, creates it.
func (f *fixture) newOrg(name string, roles map[string]rbac.Role) string {
	f.t.Helper()
	ctx := context.Background()
	names := make([]string, 0, len(roles))
	for n := range roles {
		names = append(names, n)
	}
	sort.Strings(names)
	creator := ""
	for _, n := range names {
		if roles[n] == rbac.RoleAdmin {
			creator = n
			break
		}
	}
	if creator == "" {
		f.t.Fatal("newOrg: an organization needs an admin")
	}
	o, err := f.store.CreateOrganization(ctx, name, f.person(creator).user.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, n := range names {
		if n == creator {
			continue
		}
		if err := f.store.AddMember(ctx, o.ID, f.person(n).user.ID, roles[n]); err != nil {
			f.t.Fatal(err)
		}
	}
	return o.ID
}

// response is an answer read whole.
type response struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

// call sends method path as who ("" for no token) with body: nil for none, a string
// sent as is, anything else as JSON. JSON bodies are labelled application/json.
func (f *fixture) call(who, method, path string, body any) response {
	f.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, r)
	if err != nil {
		f.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+f.person(who).token)
	}
	return f.send(req)
}

// send sends req and reads the answer.
func (f *fixture) send(req *http.Request) response {
	f.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	out := response{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

// want fails the test unless the answer has status and, when code is set, that error.
func (r response) want(t *testing.T, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.raw)
	}
	if code != "" && r.body["error"] != code {
		t.Fatalf("error = %v, want %s; body %s", r.body["error"], code, r.raw)
	}
}

// snapshot is everything in Redis, for checking that a refused request wrote nothing.
func (f *fixture) snapshot() map[string]string {
	out := map[string]string{}
	for _, k := range f.mr.Keys() {
		var v string
		switch f.mr.Type(k) {
		case "string":
			v, _ = f.mr.Get(k)
		case "hash":
			fields, _ := f.mr.HKeys(k)
			sort.Strings(fields)
			for _, fl := range fields {
				v += fl + "=" + f.mr.HGet(k, fl) + "\n"
			}
		case "set":
			ms, _ := f.mr.Members(k)
			v = strings.Join(ms, ",")
		case "stream":
			entries, _ := f.mr.Stream(k)
			for _, e := range entries {
				v += e.ID + ":" + strings.Join(e.Values, ",") + "\n"
			}
		case "zset":
			ms, _ := f.mr.ZMembers(k)
			for _, m := range ms {
				s, _ := f.mr.ZScore(k, m)
				v += fmt.Sprintf("%s:%v,", m, s)
			}
		default:
			v = "type " + f.mr.Type(k)
		}
		out[k] = v + " ttl=" + f.mr.TTL(k).String()
	}
	return out
}

// unchanged fails the test if Redis differs from before.
func (f *fixture) unchanged(t *testing.T, before map[string]string) {
	t.Helper()
	after := f.snapshot()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("key %s changed:\n before %q\n after  %q", k, v, after[k])
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("key %s was written", k)
		}
	}
}

// callNoFatal sends a JSON body as who and returns the status, or -1 if the request
// failed; it is for goroutines, which must not call t.Fatal. who must exist already.
func (f *fixture) callNoFatal(who, method, path, body string) int {
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		return -1
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+f.people[who].token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}
