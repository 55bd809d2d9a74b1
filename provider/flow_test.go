package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/gorilla/mux"
	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// testClock is a settable clock shared by the provider and the store.
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

type fixture struct {
	t     *testing.T
	srv   *httptest.Server
	store *storage.Store
	clock *testClock
	user  *storage.User
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	clock := &testClock{t: time.Now()}
	st, err := storage.New(rdb, bytes.Repeat([]byte("s"), 32), storage.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cli := storage.NewClient("gatehouse-cli", "Gatehouse CLI", storage.ClientKindCLI, nil,
		[]string{GrantTypeDeviceCode, "refresh_token"}, []string{"openid", "profile", "email", "offline_access"})
	if err := st.CreateClient(ctx, cli); err != nil {
		t.Fatal(err)
	}
	user, err := st.CreateUser(ctx, "ada@example.com", "Ada", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := st.SigningKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}

	router := mux.NewRouter()
	srv := httptest.NewServer(router)
	t.Cleanup(srv.Close)
	p, err := New(Config{Issuer: srv.URL, Now: clock.Now}, st, keys)
	if err != nil {
		t.Fatal(err)
	}
	p.Routes(router)
	return &fixture{t: t, srv: srv, store: st, clock: clock, user: user}
}

func (f *fixture) post(path string, form url.Values) (int, map[string]any) {
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

func (f *fixture) deviceAuth() (deviceCode, userCode string) {
	f.t.Helper()
	status, body := f.post(PathDeviceAuthorization, url.Values{
		"client_id": {"gatehouse-cli"}, "scope": {"openid email offline_access"},
		"device_hostname": {"laptop"},
	})
	if status != 200 {
		f.t.Fatalf("device authorization: %d %v", status, body)
	}
	return body["device_code"].(string), body["user_code"].(string)
}

func (f *fixture) poll(deviceCode string) (int, map[string]any) {
	return f.post(PathToken, url.Values{
		"grant_type": {GrantTypeDeviceCode}, "client_id": {"gatehouse-cli"}, "device_code": {deviceCode},
	})
}

func (f *fixture) approve(userCode string, trusted bool) {
	f.t.Helper()
	code, err := NormalizeUserCode(userCode)
	if err != nil {
		f.t.Fatal(err)
	}
	now := f.clock.Now()
	life := 24 * time.Hour
	if trusted {
		life = 720 * time.Hour
	}
	_, err = f.store.ApproveDeviceRequest(context.Background(), code, storage.Approval{
		UserID: f.user.ID, Trusted: trusted, AuthTime: time.Now(), ApprovedAt: now, ExpiresAt: now.Add(life),
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

func TestDeviceFlowPollAnswers(t *testing.T) {
	f := newFixture(t)
	dc, uc := f.deviceAuth()

	status, body := f.poll(dc)
	if status != 400 || body["error"] != "authorization_pending" {
		t.Fatalf("first poll: %d %v", status, body)
	}
	f.clock.Add(time.Second)
	if _, body := f.poll(dc); body["error"] != "slow_down" {
		t.Fatalf("early poll: %v", body)
	}
	f.clock.Add(9600 * time.Millisecond) // the new interval, 10 s, minus jitter
	if _, body := f.poll(dc); body["error"] != "authorization_pending" {
		t.Fatalf("poll keeping the new interval: %v", body)
	}

	f.approve(uc, false)
	f.clock.Add(10 * time.Second)
	status, body = f.poll(dc)
	if status != 200 {
		t.Fatalf("exchange: %d %v", status, body)
	}
	for _, k := range []string{"access_token", "refresh_token", "id_token"} {
		if body[k] == nil {
			t.Errorf("token response lacks %s: %v", k, body)
		}
	}
	if got := body["refresh_token_expires_in"].(float64); got < 86390 || got > 86400 {
		t.Errorf("refresh_token_expires_in = %v, want 24h", got)
	}

	// A replay is invalid_grant and revokes what the code gave.
	f.clock.Add(10 * time.Second)
	if _, replay := f.poll(dc); replay["error"] != "invalid_grant" {
		t.Fatalf("replay: %v", replay)
	}
	_, refreshed := f.post(PathToken, url.Values{
		"grant_type": {"refresh_token"}, "client_id": {"gatehouse-cli"},
		"refresh_token": {body["refresh_token"].(string)},
	})
	if refreshed["error"] != "invalid_grant" {
		t.Fatalf("refresh after replay: %v", refreshed)
	}
}

func TestRefreshKeepsAuthorizationExpiry(t *testing.T) {
	f := newFixture(t)
	dc, uc := f.deviceAuth()
	f.approve(uc, true)
	_, body := f.poll(dc)
	rt, _ := body["refresh_token"].(string)
	if rt == "" {
		t.Fatalf("no refresh token: %v", body)
	}

	f.clock.Add(48 * time.Hour)
	status, body := f.post(PathToken, url.Values{
		"grant_type": {"refresh_token"}, "client_id": {"gatehouse-cli"}, "refresh_token": {rt},
	})
	if status != 200 {
		t.Fatalf("refresh: %d %v", status, body)
	}
	want := (720*time.Hour - 48*time.Hour).Seconds()
	if got := body["refresh_token_expires_in"].(float64); got < want-10 || got > want {
		t.Errorf("refresh_token_expires_in = %v, want %v", got, want)
	}

	// The old refresh token is now rotated: replaying it revokes the grant.
	_, replay := f.post(PathToken, url.Values{
		"grant_type": {"refresh_token"}, "client_id": {"gatehouse-cli"}, "refresh_token": {rt},
	})
	if replay["error"] != "invalid_grant" {
		t.Fatalf("replay: %v", replay)
	}
	_, again := f.post(PathToken, url.Values{
		"grant_type": {"refresh_token"}, "client_id": {"gatehouse-cli"},
		"refresh_token": {body["refresh_token"].(string)},
	})
	if again["error"] != "invalid_grant" {
		t.Fatalf("new token after reuse: %v", again)
	}
}

func TestRefreshRefusesWiderScopeAndOtherResource(t *testing.T) {
	f := newFixture(t)
	dc, uc := f.deviceAuth()
	f.approve(uc, false)
	_, body := f.poll(dc)
	rt := body["refresh_token"].(string)

	tests := []struct {
		name  string
		extra url.Values
		want  string
	}{
		{"a scope never granted", url.Values{"scope": {"openid profile"}}, "invalid_scope"},
		{"another resource", url.Values{"resource": {"https://elsewhere.example"}}, "invalid_target"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"grant_type": {"refresh_token"}, "client_id": {"gatehouse-cli"}, "refresh_token": {rt}}
			for k, v := range tt.extra {
				form[k] = v
			}
			if status, got := f.post(PathToken, form); status != 400 || got["error"] != tt.want {
				t.Fatalf("refresh with %v: %d %v, want 400 %s", tt.extra, status, got, tt.want)
			}
		})
	}

	// The refused requests changed nothing: the refresh token still works.
	status, got := f.post(PathToken, url.Values{"grant_type": {"refresh_token"},
		"client_id": {"gatehouse-cli"}, "refresh_token": {rt}, "scope": {"openid"}})
	if status != 200 {
		t.Fatalf("refresh after the refusals: %d %v", status, got)
	}
}

func TestClientAuthenticationMistakes(t *testing.T) {
	f := newFixture(t)
	hash, _ := f.store.SecretHasher().Hash(context.Background(), []byte("s3cret"))
	svc := storage.NewClient("svc", "Service", storage.ClientKindTenant, hash, []string{}, []string{})
	if err := f.store.CreateClient(context.Background(), svc); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name       string
		basic      bool
		form       url.Values
		wantStatus int
		wantError  string
	}{
		{"no client at all (RFC 6749 §5.2)", false, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"}},
			401, "invalid_client"},
		{"body client_id contradicting Basic (RFC 6749 §2.3)", true,
			url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"}, "client_id": {"gatehouse-cli"}},
			400, "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", f.srv.URL+PathToken, strings.NewReader(tt.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.basic {
				req.SetBasicAuth("svc", "s3cret")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body map[string]any
			_ = json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != tt.wantStatus || body["error"] != tt.wantError {
				t.Fatalf("got %d %v, want %d %s", resp.StatusCode, body, tt.wantStatus, tt.wantError)
			}
		})
	}
}
