// Package testenv gives tests the real services that scripts/test starts: a shared
// redis-server, mailpit (SMTP and its HTTP API) and a Chromium binary, plus private
// redis-server processes that a test may stop and restart.
//
// Each helper reads an environment variable that scripts/test exports. When the
// variable is unset, the test is skipped on a developer machine and fails in CI
// (the CI environment variable is set), so a CI run can never pass by skipping.
package testenv

import (
	"net"
	"os"
	"strings"
	"testing"
)

// Environment variables exported by scripts/test.
const (
	// EnvRedisAddr is the host:port of the shared redis-server.
	EnvRedisAddr = "GATEHOUSE_TEST_REDIS_ADDR"
	// EnvRedisServer is the path of the redis-server binary, for StartRedis.
	EnvRedisServer = "GATEHOUSE_TEST_REDIS_SERVER"
	// EnvSMTPAddr is the host:port of mailpit's SMTP listener.
	EnvSMTPAddr = "GATEHOUSE_TEST_SMTP_ADDR"
	// EnvMailpitURL is the base URL of mailpit's HTTP API, without a trailing slash.
	EnvMailpitURL = "GATEHOUSE_TEST_MAILPIT_URL"
	// EnvChromium is the path of the Chromium binary.
	EnvChromium = "GATEHOUSE_TEST_CHROMIUM"
)

// RedisAddr returns the host:port of the shared redis-server. Prefer RedisDB, which
// also isolates the test's keys from every other test using the same server.
func RedisAddr(t testing.TB) string {
	t.Helper()
	return lookup(t, EnvRedisAddr, "to start a real redis-server")
}

// SMTPAddr returns the host:port of mailpit's SMTP listener. It accepts mail with
// or without AUTH PLAIN/LOGIN, and any credentials, over plain TCP.
func SMTPAddr(t testing.TB) string {
	t.Helper()
	return lookup(t, EnvSMTPAddr, "to start mailpit")
}

// MailpitURL returns the base URL of mailpit's HTTP API, such as
// "http://127.0.0.1:31025", without a trailing slash. Mailpit is shared by every
// test package, so tests should find their messages by a unique recipient.
func MailpitURL(t testing.TB) string {
	t.Helper()
	return strings.TrimSuffix(lookup(t, EnvMailpitURL, "to start mailpit"), "/")
}

// Chromium returns the path of the Chromium binary. Running as root, Chromium
// needs --no-sandbox; headless tests should pass --headless as well.
func Chromium(t testing.TB) string {
	t.Helper()
	path := lookup(t, EnvChromium, "to install chromium")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("testenv: %s=%s: %v", EnvChromium, path, err)
	}
	return path
}

// FreePort returns a TCP port on 127.0.0.1 that was free when it was asked for.
// Another process can take it before the caller binds it, so callers that start
// a server on it should report a bind failure clearly.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testenv: find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// lookup returns the value of the environment variable name, or skips (fails in
// CI) with a message that says how to get it set.
func lookup(t testing.TB, name, purpose string) string {
	t.Helper()
	if v := os.Getenv(name); v != "" {
		return v
	}
	missing(t, name+" not set", purpose)
	return ""
}

// missing stops the test because a service is not there: a skip on a developer
// machine, a failure in CI, where scripts/test must have provided it.
func missing(t testing.TB, what, purpose string) {
	t.Helper()
	if onCI() {
		t.Fatalf("%s: CI must run the tests through scripts/test %s", what, purpose)
	}
	t.Skipf("%s: run scripts/test %s", what, purpose)
}

// onCI reports whether the CI environment variable is set to something other
// than a false value.
func onCI() bool {
	switch strings.ToLower(os.Getenv("CI")) {
	case "", "0", "false", "no":
		return false
	}
	return true
}
