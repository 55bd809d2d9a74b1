package consent_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-auth/gatehouse/consent"
	"github.com/gatehouse-auth/gatehouse/provider"
	"github.com/gatehouse-auth/gatehouse/storage"
)

const (
	testEmail    = "ada@example.com"
	testPassword = "correct horse battery staple"
	testClientID = "gatehouse-cli"
)

// clock is a settable clock shared by the store and the handler.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a consent Handler on a miniredis-backed store, served over HTTP.
type env struct {
	t     *testing.T
	mr    *miniredis.Miniredis
	st    *storage.Store
	clock *clock
	h     *consent.Handler
	srv   *httptest.Server
	user  *storage.User
	logs  *syncBuffer
	// secrets must never appear in the log.
	secrets []string
}

// newEnv starts an env. edit, if not nil, changes the Config before New.
func newEnv(t *testing.T, edit func(*consent.Config)) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, mr: miniredis.RunT(t), logs: &syncBuffer{}}
	e.clock = &clock{t: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
	// Stream entry ids (the audit trail) take miniredis's time; the store trims the
	// stream by its own clock.
	e.mr.SetTime(e.clock.Now())

	rdb := redis.NewClient(&redis.Options{Addr: e.mr.Addr(), MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	st, err := storage.New(rdb, bytes.Repeat([]byte("k"), 32), storage.Options{Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	e.st = st
	client := storage.NewClient(testClientID, "Gatehouse CLI", storage.ClientKindCLI, nil,
		[]string{"urn:ietf:params:oauth:grant-type:device_code", "refresh_token"},
		[]string{"openid", "offline_access"})
	if err := st.CreateClient(ctx, client); err != nil {
		t.Fatal(err)
	}
	if e.user, err = st.CreateUser(ctx, testEmail, "Ada", testPassword); err != nil {
		t.Fatal(err)
	}
	e.secrets = append(e.secrets, testPassword)

	// Listen first so that the issuer can be the server's URL.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := consent.Config{
		Store:   st,
		Issuer:  "http://" + l.Addr().String(),
		CSRFKey: bytes.Repeat([]byte("c"), 32),
		Logger:  slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:     e.clock.Now,
	}
	if edit != nil {
		edit(&cfg)
	}
	if e.h, err = consent.New(cfg); err != nil {
		t.Fatal(err)
	}
	e.srv = &httptest.Server{Listener: l, Config: &http.Server{Handler: e.h}}
	e.srv.Start()
	t.Cleanup(e.srv.Close)

	t.Cleanup(func() {
		for _, s := range e.secrets {
			if strings.Contains(e.logs.String(), s) {
				t.Errorf("the log holds the secret %q:\n%s", s, e.logs.String())
			}
		}
	})
	return e
}

// newDevice stores a pending device request and returns its user code, normalized.
func (e *env) newDevice() (string, *storage.DeviceRequest) {
	e.t.Helper()
	return e.newDeviceWith(nil)
}

// newDeviceWith is newDevice with edit, if not nil, changing the request before it is
// stored.
func (e *env) newDeviceWith(edit func(*storage.DeviceRequest)) (string, *storage.DeviceRequest) {
	e.t.Helper()
	now := e.clock.Now()
	code := provider.NewUserCode()
	req := &storage.DeviceRequest{
		ID:       storage.NewID(),
		ClientID: testClientID,
		Scopes:   []string{"openid", "offline_access"},
		Details: storage.DeviceDetails{
			Hostname: "build-box-7", OS: "linux/amd64", ClientName: "gatehouse",
			ClientVersion: "1.4.2", UserAgent: "gatehouse-cli/1.4.2", IPAddress: "203.0.113.9",
		},
		CreatedAt: now,
		ExpiresAt: now.Add(10 * time.Minute),
		Interval:  5 * time.Second,
	}
	if edit != nil {
		edit(req)
	}
	deviceCode := rand.Text()
	if err := e.st.CreateDeviceRequest(context.Background(), deviceCode, code, req); err != nil {
		e.t.Fatal(err)
	}
	e.secrets = append(e.secrets, code, provider.FormatUserCode(code), deviceCode)
	return code, req
}

// request loads the device request of code as it stands now.
func (e *env) request(code string) *storage.DeviceRequest {
	e.t.Helper()
	req, err := e.st.DeviceRequestByUserCode(context.Background(), code)
	if err != nil {
		e.t.Fatalf("load device request: %v", err)
	}
	return req
}

// browser is an HTTP client with a cookie jar that submits the forms of the page it
// shows last, the CSRF token included.
type browser struct {
	t      *testing.T
	e      *env
	client *http.Client
	// page is the body of the last response; status and header its status and header.
	page   string
	status int
	header http.Header
}

func (e *env) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &browser{t: e.t, e: e, client: &http.Client{Jar: jar}}
}

// get loads path like a typed URL.
func (b *browser) get(path string) *browser {
	b.t.Helper()
	return b.do(http.MethodGet, path, nil)
}

// submit posts form to path with the CSRF token of the current page.
func (b *browser) submit(path string, form url.Values) *browser {
	b.t.Helper()
	form.Set("gorilla.csrf.Token", b.csrfToken())
	return b.do(http.MethodPost, path, form)
}

func (b *browser) do(method, path string, form url.Values) *browser {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.e.srv.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	b.page, b.status, b.header = string(data), resp.StatusCode, resp.Header
	return b
}

var csrfTokenRE = regexp.MustCompile(`name="gorilla\.csrf\.Token" value="([^"]+)"`)

// csrfToken is the token of the current page's forms.
func (b *browser) csrfToken() string {
	b.t.Helper()
	m := csrfTokenRE.FindStringSubmatch(b.page)
	if m == nil {
		b.t.Fatalf("no CSRF token on the page:\n%s", b.page)
	}
	return m[1]
}

// signIn signs the test user in from the sign-in page.
func (b *browser) signIn() *browser {
	b.t.Helper()
	b.get("/login")
	b.submit("/login", url.Values{"email": {testEmail}, "password": {testPassword}})
	b.want(http.StatusOK, "Connect a device")
	return b
}

// want fails the test unless the page has status and every text.
func (b *browser) want(status int, texts ...string) *browser {
	b.t.Helper()
	if b.status != status {
		b.t.Fatalf("status %d, want %d; page:\n%s", b.status, status, b.page)
	}
	for _, s := range texts {
		if !strings.Contains(b.page, s) {
			b.t.Fatalf("page lacks %q:\n%s", s, b.page)
		}
	}
	return b
}

// syncBuffer is a bytes.Buffer for a logger that the server's goroutines share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// browserFrom is a browser whose requests come from addr (host:port), served by the
// handler directly so that the remote address can be chosen.
func (e *env) browserFrom(addr string) *browser {
	b := e.browser()
	b.client.Transport = handlerTransport{h: e.h, remoteAddr: addr}
	return b
}

// handlerTransport serves requests with a handler in process, from remoteAddr.
type handlerTransport struct {
	h          http.Handler
	remoteAddr string
}

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.RemoteAddr = t.remoteAddr
	r.RequestURI = req.URL.RequestURI()
	if r.Body == nil {
		r.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}
