package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-auth/gatehouse/internal/testenv"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// What `gatehouse serve --dev` seeds, and the built-in CLI client.
const (
	adminEmail     = "admin@example.com"
	adminPassword  = "e2e-admin-password"
	cliClientID    = "gatehouse-cli"
	tenantURL      = "http://127.0.0.1:8421"
	tenantClientID = "demo-tenant"
	tenantSecret   = "demo-tenant-dev-secret"
	// allScopes is what gatehouse connect asks for; offline_access brings a refresh token.
	allScopes = "openid profile email offline_access"
)

// Harness timeouts.
const (
	readyTimeout = 60 * time.Second // a race-enabled server makes its RSA key slowly
	stopTimeout  = 15 * time.Second
)

// defaultFlags are the serve flags every test server gets unless serverOptions.Flags
// says otherwise. The device lifetime is shorter than the access token lifetime, so
// an untrusted device's access token is cut to the device's end, and a trusted one's
// is not.
func defaultFlags() map[string]string {
	return map[string]string{
		"dev":                     "true",
		"dev-admin-password":      adminPassword,
		"device-code-lifetime":    "2m",
		"poll-interval":           "1s",
		"device-lifetime":         "2m",
		"trusted-device-lifetime": "10m",
		"access-token-lifetime":   "5m",
		"log-level":               "debug",
	}
}

// serverOptions configure startGatehouse. The zero value is a dev server on a fresh
// database of the shared test Redis, with defaultFlags.
type serverOptions struct {
	// RedisAddr is the host:port of the Redis to use, database 0; empty means a fresh
	// database of the shared test Redis.
	RedisAddr string
	// Flags override defaultFlags; an empty value removes the flag.
	Flags map[string]string
	// Binary is the gatehouse binary; empty means binaries.gatehouse.
	Binary string
}

// gatehouse is one running `gatehouse serve` process.
type gatehouse struct {
	// URL is the issuer, http://127.0.0.1:PORT, without a trailing slash.
	URL    string
	secret string
	// redisURL is the server's --redis-url.
	redisURL string
	// rdb is the server's Redis database, for test setup only (see registerClient).
	rdb  *redis.Client
	bin  string
	args []string
	logs *logBuffer

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed once cmd has been waited for
	err    error         // cmd's exit status, valid once exited is closed
}

// startGatehouse runs gatehouse serve for the test and waits until /readyz answers
// 200. The server is stopped with SIGTERM when the test ends; its log is printed if the
// test failed, and a data race or panic in it fails the test.
func startGatehouse(t testing.TB, opts serverOptions) *gatehouse {
	t.Helper()
	redisURL, rdb := serverRedis(t, opts.RedisAddr)
	bin := opts.Binary
	if bin == "" {
		bin = binaries.gatehouse
	}
	g := &gatehouse{secret: randomHex(32), redisURL: redisURL, rdb: rdb, bin: bin, logs: &logBuffer{}}
	t.Cleanup(func() { g.finish(t) })

	// The port can be taken between FreePort and the bind; try a few.
	var err error
	for range 3 {
		port := testenv.FreePort(t)
		g.URL = "http://127.0.0.1:" + strconv.Itoa(port)
		g.args = serveArgs(g.URL, redisURL, opts.Flags)
		if err = g.start(); err == nil || !strings.Contains(g.logs.String(), "address already in use") {
			break
		}
	}
	if err != nil {
		t.Fatalf("start gatehouse: %v\n%s", err, g.logs.Tail(60))
	}
	return g
}

// serverRedis returns the Redis URL a test server uses and a client for it.
func serverRedis(t testing.TB, addr string) (string, *redis.Client) {
	if addr != "" {
		rdb := redis.NewClient(&redis.Options{Addr: addr})
		t.Cleanup(func() { rdb.Close() })
		return "redis://" + addr + "/0", rdb
	}
	rdb := testenv.RedisDB(t)
	o := rdb.Options()
	return fmt.Sprintf("redis://%s/%d", o.Addr, o.DB), rdb
}

// serveArgs builds the command line: defaultFlags with overrides, in a stable order.
func serveArgs(issuer, redisURL string, overrides map[string]string) []string {
	flags := defaultFlags()
	for k, v := range overrides {
		flags[k] = v
	}
	flags["listen"] = strings.TrimPrefix(issuer, "http://")
	flags["issuer"] = issuer
	flags["redis-url"] = redisURL

	names := make([]string, 0, len(flags))
	for k, v := range flags {
		if v != "" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	args := []string{"serve"}
	for _, k := range names {
		args = append(args, "--"+k+"="+flags[k])
	}
	return args
}

// serverEnv is the test's environment without GATEHOUSE_ variables, which the server
// would read as flags, plus the server secret unless it is empty.
func serverEnv(secret string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GATEHOUSE_") {
			env = append(env, kv)
		}
	}
	if secret != "" {
		env = append(env, "GATEHOUSE_SECRET="+secret)
	}
	return env
}

// start launches the process and waits until it is ready.
func (g *gatehouse) start() error {
	g.mu.Lock()
	defer g.mu.Unlock()

	fmt.Fprintf(g.logs, "=== e2e: start %s %s\n", g.bin, strings.Join(g.args, " "))
	cmd := exec.Command(g.bin, g.args...)
	cmd.Env = serverEnv(g.secret)
	cmd.Stdout, cmd.Stderr = g.logs, g.logs
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("run %s: %w", g.bin, err)
	}
	exited := make(chan struct{})
	g.cmd, g.exited = cmd, exited
	go func() {
		g.err = cmd.Wait()
		close(exited)
	}()
	return waitReady(g.URL, exited)
}

// waitReady polls /readyz until it answers 200, the process exits or time is up.
func waitReady(url string, exited <-chan struct{}) error {
	hc := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(readyTimeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := hc.Get(url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("/readyz answered %s", resp.Status)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %v: %w", readyTimeout, err)
		}
		select {
		case <-exited:
			return errors.New("gatehouse exited before it was ready")
		case <-tick.C:
		}
	}
}

// stop ends the server with SIGTERM, as an orchestrator would, and waits for it. It
// reports how the process ended; a server that exits 0 on SIGTERM reports nil.
func (g *gatehouse) stop() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cmd == nil {
		return nil
	}
	cmd, exited := g.cmd, g.exited
	g.cmd, g.exited = nil, nil

	select {
	case <-exited:
		return fmt.Errorf("gatehouse had already exited: %v", g.err)
	default:
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(stopTimeout):
		_ = cmd.Process.Kill()
		<-exited
		return fmt.Errorf("gatehouse did not exit within %v of SIGTERM", stopTimeout)
	}
	if g.err != nil {
		return fmt.Errorf("gatehouse exited after SIGTERM with %v", g.err)
	}
	return nil
}

// restart stops the server and starts it again with the same flags, port, Redis and
// secret.
func (g *gatehouse) restart(t testing.TB) {
	t.Helper()
	if err := g.stop(); err != nil {
		t.Errorf("stop gatehouse for a restart: %v", err)
	}
	if err := g.start(); err != nil {
		t.Fatalf("restart gatehouse: %v\n%s", err, g.logs.Tail(60))
	}
}

// finish stops the server at the end of the test and reports what its log shows.
func (g *gatehouse) finish(t testing.TB) {
	if err := g.stop(); err != nil {
		t.Errorf("%v", err)
	}
	log := g.logs.String()
	if strings.Contains(log, "WARNING: DATA RACE") {
		t.Errorf("the race detector found a data race in gatehouse; see its log")
	}
	if strings.Contains(log, "panic:") || strings.Contains(log, "http: panic serving") {
		t.Errorf("gatehouse panicked; see its log")
	}
	if t.Failed() {
		t.Logf("gatehouse log (%s):\n%s", g.URL, g.logs.Tail(400))
	}
}

// logBuffer collects a process's output; it is safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Tail returns the last n lines.
func (b *logBuffer) Tail(n int) string {
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("... (%d earlier lines)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// randomHex returns n random bytes, hex-encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// registerPublicClient registers another public client that may use the device grant,
// as an operator would, by writing it to the server's store. Gatehouse has no HTTP API
// for clients yet; the server reads clients from Redis on every request.
func (g *gatehouse) registerPublicClient(t testing.TB, id string) oauthClient {
	t.Helper()
	st, err := storage.New(g.rdb, []byte(g.secret), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := storage.NewClient(id, "E2E other CLI", storage.ClientKindCLI, nil,
		[]string{grantDeviceCode, "refresh_token"}, strings.Fields(allScopes))
	if err := st.CreateClient(t.Context(), c); err != nil {
		t.Fatalf("register client %s: %v", id, err)
	}
	return oauthClient{ID: id}
}
