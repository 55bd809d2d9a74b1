package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// This file runs the programs around Gatehouse for the organization and device
// tests: demo tenants of registered tenants, device logins with x/oauth2, and the
// gatehouse CLI.

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
