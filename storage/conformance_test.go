package storage_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/ory/fosite"
	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-auth/gatehouse/internal/testenv"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// The conformance suite states what every Redis the store runs on must give: the same
// subtests run on miniredis (fast, in process) and on a real redis-server (scripts/test).
// Each subtest gets a database of its own and a store on a clock it controls.

func TestConformanceMiniredis(t *testing.T) {
	runConformance(t, func(t *testing.T) redis.UniversalClient {
		mr := miniredis.RunT(t)
		rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
		t.Cleanup(func() { rdb.Close() })
		return rdb
	})
}

func TestConformanceRedis(t *testing.T) {
	testenv.RedisAddr(t) // skip once here, not in every subtest
	runConformance(t, func(t *testing.T) redis.UniversalClient { return testenv.RedisDB(t) })
}

// conformanceCase is one named check; it gets a fresh database and store.
type conformanceCase struct {
	name string
	run  func(t *testing.T, e *env)
}

func runConformance(t *testing.T, newClient func(t *testing.T) redis.UniversalClient) {
	groups := []struct {
		name  string
		cases []conformanceCase
	}{
		{"clients", clientCases},
		{"tokens", tokenCases},
		{"devicecodes", deviceCodeCases},
		{"devices", deviceCases},
		{"users", userCases},
		{"websessions", webSessionCases},
		{"signingkeys", signingKeyCases},
		{"atrest", atRestCases},
		{"unavailable", unavailableCases},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, c := range g.cases {
				t.Run(c.name, func(t *testing.T) {
					c.run(t, newEnv(t, newClient(t)))
				})
			}
		})
	}
}

// testClock is a settable clock shared by a test and its store. It starts at the real
// time, truncated to the millisecond the store keeps, because Redis expires keys by its
// own clock (PEXPIREAT of a device uses the store's clock as an absolute time).
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock {
	return &testClock{t: time.Now().UTC().Truncate(time.Millisecond)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is one subtest's world: a Redis database, a store on it and the store's clock.
type env struct {
	ctx    context.Context
	rdb    redis.UniversalClient
	clock  *testClock
	secret []byte
	store  *storage.Store
}

const (
	cliClientID = "gatehouse-cli"
	otherClient = "other-cli"
)

// pacing is the provider's: half a second of tolerance, slow_down adds five seconds.
var pacing = storage.PollPacing{Tolerance: 500 * time.Millisecond, Step: 5 * time.Second}

func newEnv(t testing.TB, rdb redis.UniversalClient) *env {
	t.Helper()
	e := &env{ctx: t.Context(), rdb: rdb, clock: newTestClock(), secret: bytes.Repeat([]byte("k"), 32)}
	e.store = e.newStore(t, e.secret)
	return e
}

// newStore opens another store on the same database and clock.
func (e *env) newStore(t testing.TB, secret []byte) *storage.Store {
	t.Helper()
	st, err := storage.New(e.rdb, secret, storage.Options{Now: e.clock.Now})
	if err != nil {
		t.Fatalf("storage.New: %v", err)
	}
	return st
}

// createCLIClients registers the public CLI client and a second public client.
func (e *env) createCLIClients(t testing.TB) {
	t.Helper()
	for _, id := range []string{cliClientID, otherClient} {
		c := storage.NewClient(id, "CLI "+id, storage.ClientKindCLI, nil,
			[]string{"urn:ietf:params:oauth:grant-type:device_code", "refresh_token"},
			[]string{"openid", "email", "offline_access"})
		if err := e.store.CreateClient(e.ctx, c); err != nil {
			t.Fatalf("CreateClient(%s): %v", id, err)
		}
	}
}

// testSession is a minimal fosite.Session that is bound to an authorized device.
type testSession struct {
	Subject  string                         `json:"sub"`
	DeviceID string                         `json:"device_id,omitempty"`
	Note     string                         `json:"note,omitempty"`
	Expires  map[fosite.TokenType]time.Time `json:"expires"`
}

var (
	_ fosite.Session      = (*testSession)(nil)
	_ storage.DeviceBound = (*testSession)(nil)
)

func (s *testSession) SetExpiresAt(tt fosite.TokenType, exp time.Time) {
	if s.Expires == nil {
		s.Expires = map[fosite.TokenType]time.Time{}
	}
	s.Expires[tt] = exp
}

func (s *testSession) GetExpiresAt(tt fosite.TokenType) time.Time { return s.Expires[tt] }
func (s *testSession) GetUsername() string                        { return s.Subject }
func (s *testSession) GetSubject() string                         { return s.Subject }
func (s *testSession) AuthorizedDeviceID() string                 { return s.DeviceID }

func (s *testSession) Clone() fosite.Session {
	c := *s
	c.Expires = maps.Clone(s.Expires)
	return &c
}

// Secrets put in a token request's form; none of them may reach Redis.
const (
	formClientSecret = "client-secret-must-not-be-stored"
	formRefreshToken = "refresh-token-must-not-be-stored"
	formDeviceCode   = "device-code-must-not-be-stored"
)

// tokenRequest builds the request fosite would hand the store for a grant of requestID
// on deviceID (empty for none): an access token for an hour, a refresh token for a day.
func (e *env) tokenRequest(t testing.TB, requestID, deviceID string) *fosite.Request {
	t.Helper()
	client, err := e.store.GetClient(e.ctx, cliClientID)
	if err != nil {
		t.Fatalf("GetClient: %v", err)
	}
	now := e.clock.Now()
	sess := &testSession{Subject: "user-1", DeviceID: deviceID, Note: "for " + requestID}
	sess.SetExpiresAt(fosite.AccessToken, now.Add(time.Hour))
	sess.SetExpiresAt(fosite.RefreshToken, now.Add(24*time.Hour))
	return &fosite.Request{
		ID:                requestID,
		RequestedAt:       now,
		Client:            client,
		RequestedScope:    fosite.Arguments{"openid", "offline_access"},
		GrantedScope:      fosite.Arguments{"openid", "offline_access"},
		RequestedAudience: fosite.Arguments{"https://notes.example.com"},
		GrantedAudience:   fosite.Arguments{"https://notes.example.com"},
		Form: url.Values{
			"grant_type":    {"refresh_token"},
			"scope":         {"openid offline_access"},
			"resource":      {"https://notes.example.com"},
			"audience":      {"https://notes.example.com"},
			"client_id":     {cliClientID},
			"client_secret": {formClientSecret},
			"refresh_token": {formRefreshToken},
			"device_code":   {formDeviceCode},
		},
		Session: sess,
	}
}

// newDeviceRequest stores a pending device request for the CLI client: ten minutes of
// life, a five second interval.
func (e *env) newDeviceRequest(t testing.TB, deviceCode, userCode string) *storage.DeviceRequest {
	t.Helper()
	now := e.clock.Now()
	r := &storage.DeviceRequest{
		ID:       storage.NewID(),
		ClientID: cliClientID,
		Scopes:   []string{"openid", "offline_access"},
		Resource: []string{"https://notes.example.com"},
		Details: storage.DeviceDetails{
			Hostname: "laptop", OS: "linux", ClientName: "gatehouse", ClientVersion: "1.2.3",
			UserAgent: "gatehouse-cli/1.2.3", IPAddress: "192.0.2.7",
		},
		CreatedAt: now,
		ExpiresAt: now.Add(10 * time.Minute),
		Interval:  5 * time.Second,
	}
	if err := e.store.CreateDeviceRequest(e.ctx, deviceCode, userCode, r); err != nil {
		t.Fatalf("CreateDeviceRequest: %v", err)
	}
	return r
}

// approval is what the consent page records for user-1 on a trusted device.
func (e *env) approval() storage.Approval {
	now := e.clock.Now()
	return storage.Approval{
		UserID: "user-1", Trusted: true, AuthTime: now.Add(-time.Minute), ApprovedAt: now,
		ExpiresAt: now.Add(30 * 24 * time.Hour), OrgID: "org-1", OrgRole: "member", TenantID: "tenant-1",
	}
}

func (e *env) poll(t *testing.T, deviceCode, clientID string) storage.PollResult {
	t.Helper()
	res, err := e.store.PollDeviceCode(e.ctx, deviceCode, clientID, pacing)
	if err != nil {
		t.Fatalf("PollDeviceCode: %v", err)
	}
	return res
}

// keys lists every key under gh:*, sorted.
func (e *env) keys(t *testing.T) []string {
	t.Helper()
	var keys []string
	iter := e.rdb.Scan(e.ctx, 0, "gh:*", 100).Iterator()
	for iter.Next(e.ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatalf("SCAN gh:*: %v", err)
	}
	sort.Strings(keys)
	return slices.Compact(keys)
}

// contents renders every key under gh:* with everything Redis holds for it: the value
// read by its type, and its DUMP serialization where the server gives one.
func (e *env) contents(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, k := range e.keys(t) {
		var b strings.Builder
		typ, err := e.rdb.Type(e.ctx, k).Result()
		if err != nil {
			t.Fatalf("TYPE %s: %v", k, err)
		}
		switch typ {
		case "string":
			b.WriteString(e.rdb.Get(e.ctx, k).Val())
		case "hash":
			for f, v := range e.rdb.HGetAll(e.ctx, k).Val() {
				fmt.Fprintf(&b, "%s=%s\n", f, v)
			}
		case "set":
			b.WriteString(strings.Join(e.rdb.SMembers(e.ctx, k).Val(), "\n"))
		case "zset":
			for _, z := range e.rdb.ZRangeWithScores(e.ctx, k, 0, -1).Val() {
				fmt.Fprintf(&b, "%v=%v\n", z.Member, z.Score)
			}
		case "list":
			b.WriteString(strings.Join(e.rdb.LRange(e.ctx, k, 0, -1).Val(), "\n"))
		case "stream":
			for _, m := range e.rdb.XRange(e.ctx, k, "-", "+").Val() {
				fmt.Fprintf(&b, "%s %v\n", m.ID, m.Values)
			}
		default:
			t.Fatalf("key %s has unexpected type %s", k, typ)
		}
		// miniredis dumps strings only; real Redis dumps everything.
		b.WriteString("\x00" + e.rdb.Dump(e.ctx, k).Val())
		out[k] = b.String()
	}
	return out
}

// assertNotStored fails if any secret appears in a key name or value under gh:*.
func (e *env) assertNotStored(t *testing.T, secrets ...string) {
	t.Helper()
	for k, v := range e.contents(t) {
		for _, s := range secrets {
			if strings.Contains(k, s) || strings.Contains(v, s) {
				t.Errorf("secret %q is stored in Redis under %s", s, k)
			}
		}
	}
}
