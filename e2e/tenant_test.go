package e2e

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/testenv"
)

// TestTenant runs the demo tenant, a real resource server, against gatehouse: it takes
// the access tokens gatehouse issues for it (RFC 8707, RFC 9068), refuses Gatehouse's
// own, and refuses a device's still-unexpired tokens once the device signs out.
func TestTenant(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, serverOptions{})
	b := signedInBrowser(t, g)
	tenant := startDemoTenant(t, g)

	_, ta := g.connect(t, b, false, forTenant())
	if a := tenantCall(t, tenant, http.MethodPost, ta.AccessToken, `{"text":"from e2e"}`); a.Status != http.StatusCreated {
		t.Fatalf("add a note with the tenant token: %d %s, want 201", a.Status, a.Body)
	}
	if a := tenantCall(t, tenant, http.MethodGet, ta.AccessToken, ""); a.Status != http.StatusOK ||
		!strings.Contains(string(a.Body), "from e2e") {
		t.Fatalf("list notes with the tenant token: %d %s, want 200 with the note", a.Status, a.Body)
	}

	_, own := g.connect(t, b, false, nil)
	if a := tenantCall(t, tenant, http.MethodGet, own.AccessToken, ""); a.Status != http.StatusUnauthorized {
		t.Errorf("list notes with a token for Gatehouse itself: %d %s, want 401", a.Status, a.Body)
	}

	// Signing out (RFC 7009) ends the device; the tenant learns of it from the revoked
	// device list it polls, and refuses the JWT although it has not expired.
	if a := g.revoke(t, ta.RefreshToken, "refresh_token"); a.Status != http.StatusOK {
		t.Fatalf("revoke: %d %s", a.Status, a.Body)
	}
	deadline := time.Now().Add(recoveryTimeout)
	for {
		a := tenantCall(t, tenant, http.MethodGet, ta.AccessToken, "")
		if a.Status == http.StatusUnauthorized {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the tenant still answers %d to a signed-out device's token after %v", a.Status, recoveryTimeout)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// startDemoTenant runs cmd/demo-tenant on a free port as the dev tenant's resource URL,
// trusting g, and returns its base URL once it answers /healthz.
func startDemoTenant(t testing.TB, g *gatehouse) string {
	t.Helper()
	base := "http://127.0.0.1:" + strconv.Itoa(testenv.FreePort(t))
	logs := &logBuffer{}
	cmd := exec.Command(binaries.demoTenant, "--listen", strings.TrimPrefix(base, "http://"),
		"--url", tenantURL, "--issuer", g.URL)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GATEHOUSE_") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logs, logs
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(stopTimeout):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("demo-tenant log:\n%s", logs.Tail(100))
		}
	})

	ctx, cancel := context.WithTimeout(t.Context(), readyTimeout)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
		resp, err := httpClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		select {
		case <-exited:
			t.Fatalf("demo-tenant exited:\n%s", logs.Tail(50))
		case <-ctx.Done():
			t.Fatalf("demo-tenant not ready: %v\n%s", errors.Join(err, ctx.Err()), logs.Tail(50))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// tenantCall calls the demo tenant's notes API with a bearer token.
func tenantCall(t testing.TB, base, method, token, body string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, base+"/api/notes", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return do(t, req)
}
