package e2e

import (
	"net/http"
	"net/url"
	"testing"
)

// The benchmarks measure the real server, built without the race detector, on a real
// Redis, over loopback HTTP, one request at a time. They assert nothing about timing.
// Run them with: scripts/test -run '^$' -bench . -benchtime 200x ./e2e/

// startBenchGatehouse starts a server for a benchmark: the benchmark build, quiet logs,
// device codes that outlive the setup.
func startBenchGatehouse(b *testing.B) *gatehouse {
	b.Helper()
	if binaries.benchGatehouse == "" {
		b.Fatal("the benchmark build of gatehouse is missing: TestMain builds it when -test.bench is set")
	}
	return startGatehouse(b, serverOptions{Binary: binaries.benchGatehouse, Flags: map[string]string{
		"log-level": "error", "device-code-lifetime": "30m",
	}})
}

func BenchmarkDeviceAuthorization(b *testing.B) {
	g := startBenchGatehouse(b)
	form := url.Values{"scope": {allScopes}}
	b.ResetTimer()
	for range b.N {
		if a := g.postForm(b, pathDeviceAuthorization, cliClient, form); a.Status != http.StatusOK {
			b.Fatalf("device authorization: %d %s", a.Status, a.Body)
		}
	}
}

// BenchmarkPendingPoll polls codes nobody has approved yet. Each iteration polls a code
// of its own, made before the timer starts, so every poll is on time (the first poll
// of a code always is) and answers authorization_pending rather than slow_down.
func BenchmarkPendingPoll(b *testing.B) {
	g := startBenchGatehouse(b)
	codes := make([]string, b.N)
	for i := range codes {
		codes[i] = g.authorizeDevice(b, cliClient, nil).DeviceCode
	}
	b.ResetTimer()
	for i := range b.N {
		if ta := g.poll(b, cliClient, codes[i]); ta.Error != "authorization_pending" {
			b.Fatalf("poll: %d %s", ta.Status, ta.Error)
		}
	}
}

// BenchmarkTokenExchange exchanges approved codes for tokens: a JWT access token, an
// opaque refresh token and an ID token per iteration. The codes are approved over HTTP,
// in the browser's pages, before the timer starts.
func BenchmarkTokenExchange(b *testing.B) {
	g := startBenchGatehouse(b)
	br := signedInBrowser(b, g)
	codes := make([]string, b.N)
	for i := range codes {
		da := g.authorizeDevice(b, cliClient, nil)
		br.approve(b, da.UserCode, false)
		codes[i] = da.DeviceCode
	}
	b.ResetTimer()
	for i := range b.N {
		if ta := g.poll(b, cliClient, codes[i]); ta.Status != http.StatusOK {
			b.Fatalf("exchange: %d %s", ta.Status, ta.Error)
		}
	}
}

// BenchmarkIntrospection introspects one active access token as the tenant's client.
func BenchmarkIntrospection(b *testing.B) {
	g := startBenchGatehouse(b)
	_, ta := g.connect(b, signedInBrowser(b, g), false, forTenant())
	form := url.Values{"token": {ta.AccessToken}, "token_type_hint": {"access_token"}}
	b.ResetTimer()
	for range b.N {
		a := g.postForm(b, pathIntrospect, tenantClient, form)
		if a.Status != http.StatusOK {
			b.Fatalf("introspect: %d %s", a.Status, a.Body)
		}
	}
}

// BenchmarkRefresh rotates one grant's refresh token b.N times in a row.
func BenchmarkRefresh(b *testing.B) {
	g := startBenchGatehouse(b)
	_, ta := g.connect(b, signedInBrowser(b, g), false, nil)
	b.ResetTimer()
	for range b.N {
		ta = g.refresh(b, ta.RefreshToken)
		if ta.Status != http.StatusOK {
			b.Fatalf("refresh: %d %s", ta.Status, ta.Error)
		}
	}
}
