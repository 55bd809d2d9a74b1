package storage_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/testenv"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// The benchmarks measure the store's hot paths against a real redis-server on
// loopback (scripts/test), so round trips count as they do in production. Each run
// gets a database of its own; they skip where there is no server.

func newBenchEnv(b *testing.B) *env {
	b.Helper()
	e := newEnv(b, testenv.RedisDB(b))
	e.createCLIClients(b)
	b.ReportAllocs()
	return e
}

// benchDeviceRequest is a request that lives long enough for any number of polls.
func (e *env) benchDeviceRequest(id string) *storage.DeviceRequest {
	now := e.clock.Now()
	return &storage.DeviceRequest{
		ID: id, ClientID: cliClientID, Scopes: []string{"openid", "offline_access"},
		Resource:  []string{"https://notes.example.com"},
		Details:   storage.DeviceDetails{Hostname: "laptop", OS: "linux", ClientName: "gatehouse"},
		CreatedAt: now, ExpiresAt: now.Add(10 * 365 * 24 * time.Hour), Interval: 5 * time.Second,
	}
}

// benchCodes returns the i-th device code and user code: distinct, cheap to make.
func benchCodes(i int) (deviceCode, userCode string) {
	n := strconv.Itoa(i)
	return "bench-device-code-" + n, "UC" + n
}

// BenchmarkCreateDeviceRequest is the device authorization endpoint's storage step.
func BenchmarkCreateDeviceRequest(b *testing.B) {
	e := newBenchEnv(b)
	i := 0
	for b.Loop() {
		dc, uc := benchCodes(i)
		if err := e.store.CreateDeviceRequest(e.ctx, dc, uc, e.benchDeviceRequest(strconv.Itoa(i))); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkPollPending is a well-behaved device polling: the clock moves on by the
// interval before every poll, so each one is authorization_pending.
func BenchmarkPollPending(b *testing.B) {
	e := newBenchEnv(b)
	dc, uc := benchCodes(0)
	if err := e.store.CreateDeviceRequest(e.ctx, dc, uc, e.benchDeviceRequest("poll")); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		e.clock.Add(5 * time.Second)
		res, err := e.store.PollDeviceCode(e.ctx, dc, cliClientID, pacing)
		if err != nil || res.Outcome != storage.PollPending {
			b.Fatalf("poll: %s, %v; want pending", res.Outcome, err)
		}
	}
}

// BenchmarkApproveAndConsume is a person approving on the consent page followed by the
// device's poll that takes the approval (the requests are made outside the timer).
func BenchmarkApproveAndConsume(b *testing.B) {
	e := newBenchEnv(b)
	for i := range b.N {
		dc, uc := benchCodes(i)
		if err := e.store.CreateDeviceRequest(e.ctx, dc, uc, e.benchDeviceRequest(strconv.Itoa(i))); err != nil {
			b.Fatal(err)
		}
	}
	a := e.approval()

	b.ResetTimer()
	for i := range b.N {
		dc, uc := benchCodes(i)
		if _, err := e.store.ApproveDeviceRequest(e.ctx, uc, a); err != nil {
			b.Fatal(err)
		}
		res, err := e.store.PollDeviceCode(e.ctx, dc, cliClientID, pacing)
		if err != nil || res.Outcome != storage.PollApproved {
			b.Fatalf("poll: %s, %v; want approved", res.Outcome, err)
		}
	}
}

// BenchmarkGetAccessTokenSession is introspection's storage path for a device-bound
// token: the session, its client and the device check.
func BenchmarkGetAccessTokenSession(b *testing.B) {
	e := newBenchEnv(b)
	dc, uc := benchCodes(0)
	if err := e.store.CreateDeviceRequest(e.ctx, dc, uc, e.benchDeviceRequest("dev-1")); err != nil {
		b.Fatal(err)
	}
	if _, err := e.store.ApproveDeviceRequest(e.ctx, uc, e.approval()); err != nil {
		b.Fatal(err)
	}
	e.createToken(b, accessToken, "at-1", e.tokenRequest(b, "dev-1", "dev-1"))

	for b.Loop() {
		r, err := e.store.GetAccessTokenSession(e.ctx, "at-1", &testSession{})
		if err != nil || r.GetSession().(*testSession).DeviceID != "dev-1" {
			b.Fatalf("GetAccessTokenSession: %v", err)
		}
	}
}

// BenchmarkAuthenticate is a sign-in with the right password: one user lookup and one
// argon2id derivation (19 MiB, two passes).
func BenchmarkAuthenticate(b *testing.B) {
	e := newBenchEnv(b)
	e.createAda(b)
	for b.Loop() {
		if _, err := e.store.Authenticate(e.ctx, "ada@example.com", adaPassword); err != nil {
			b.Fatal(err)
		}
	}
}
