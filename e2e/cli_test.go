package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// cliTimeout bounds each run of the gatehouse CLI.
const cliTimeout = 60 * time.Second

// TestConnectCLI signs a terminal in with the real CLI, as a person would: gatehouse
// connect prints a code, the person approves it in the browser, and the credentials
// land in the config directory; whoami shows who is signed in, and logout revokes the
// sign-in at the server and forgets it.
func TestConnectCLI(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, serverOptions{})
	b := signedInBrowser(t, g)
	configDir := filepath.Join(t.TempDir(), "gatehouse")

	// connect: read the code from its output, approve it, wait for it to finish.
	ctx, cancel := context.WithTimeout(t.Context(), cliTimeout)
	defer cancel()
	cmd := cliCommand(ctx, configDir, "connect", "--no-browser", "--url", g.URL)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr logBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	output := make(chan string, 1)
	code := make(chan string, 1)
	go func() { output <- scanForCode(stdout, code) }()

	select {
	case userCode := <-code:
		b.approve(t, userCode, false)
	case <-ctx.Done():
		t.Fatalf("gatehouse connect printed no code within %v; stderr:\n%s", cliTimeout, stderr.String())
	}
	out := <-output
	if err := cmd.Wait(); err != nil {
		t.Fatalf("gatehouse connect: %v\nstdout:\n%s\nstderr:\n%s", err, out, stderr.String())
	}
	if !strings.Contains(out, "Connected to "+g.URL+" as "+adminEmail) {
		t.Errorf("connect output does not say who is connected:\n%s", out)
	}

	// The credentials are the user's alone.
	creds := filepath.Join(configDir, "credentials.json")
	fi, err := os.Stat(creds)
	if err != nil {
		t.Fatalf("no credentials after connect: %v", err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("credentials.json has mode %v, want 0600", mode)
	}
	if di, err := os.Stat(configDir); err != nil || di.Mode().Perm()&0o077 != 0 {
		t.Errorf("config directory %s: %v, mode %v; want it private to the user", configDir, err, di.Mode().Perm())
	}
	refreshToken := storedRefreshToken(t, creds, g.URL)

	// whoami shows the connection.
	rows := whoami(t, configDir)
	if len(rows) != 1 || rows[0]["email"] != adminEmail || rows[0]["url"] != g.URL || rows[0]["issuer"] != g.URL {
		t.Errorf("whoami -o json = %v, want one connection to %s as %s", rows, g.URL, adminEmail)
	}
	if len(rows) == 1 && (rows[0]["device_id"] == "" || rows[0]["expires_at"] == nil) {
		t.Errorf("whoami -o json = %v, want the device and when its authorization ends", rows)
	}

	// logout revokes at the server, then nothing is shown.
	if out, err := runCLI(t, configDir, "logout"); err != nil || !strings.Contains(out, "Logged out of "+g.URL) {
		t.Errorf("gatehouse logout: %v\n%s", err, out)
	}
	wantError(t, "refresh with the logged-out refresh token", g.refresh(t, refreshToken),
		http.StatusBadRequest, "invalid_grant")
	if rows := whoami(t, configDir); len(rows) != 0 {
		t.Errorf("whoami after logout = %v, want no connections", rows)
	}
	if out, err := runCLI(t, configDir, "whoami"); err != nil || !strings.Contains(out, "Not connected") {
		t.Errorf("gatehouse whoami after logout: %v\n%s", err, out)
	}
}

// cliCommand is the gatehouse CLI with its config directory and nothing else from the
// test's GATEHOUSE_ environment.
func cliCommand(ctx context.Context, configDir string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, binaries.gatehouse, args...)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GATEHOUSE_") && !strings.HasPrefix(kv, "DISPLAY=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "GATEHOUSE_CONFIG_DIR="+configDir)
	dieWithParent(cmd)
	return cmd
}

// runCLI runs the CLI to completion and returns its combined output.
func runCLI(t testing.TB, configDir string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), cliTimeout)
	defer cancel()
	out, err := cliCommand(ctx, configDir, args...).CombinedOutput()
	return string(out), err
}

// whoami runs gatehouse whoami -o json.
func whoami(t testing.TB, configDir string) []map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), cliTimeout)
	defer cancel()
	cmd := cliCommand(ctx, configDir, "whoami", "-o", "json")
	var stderr logBuffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("gatehouse whoami -o json: %v\n%s", err, stderr.String())
	}
	var rows []map[string]any
	if err := json.Unmarshal(out, &rows); err != nil {
		t.Fatalf("gatehouse whoami -o json printed %q: %v", out, err)
	}
	return rows
}

var codeLine = regexp.MustCompile(`enter the code: ([A-Z]{4}-[A-Z]{4})`)

// scanForCode reads the CLI's output, sends the first user code it shows on code, and
// returns everything it read once the output ends.
func scanForCode(r io.Reader, code chan<- string) string {
	var all strings.Builder
	sc := bufio.NewScanner(r)
	sent := false
	for sc.Scan() {
		all.WriteString(sc.Text() + "\n")
		if m := codeLine.FindStringSubmatch(sc.Text()); m != nil && !sent {
			code <- m[1]
			sent = true
		}
	}
	return all.String()
}

// storedRefreshToken reads the refresh token of the connection to url from the
// credentials file.
func storedRefreshToken(t testing.TB, path, url string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Connections map[string]struct {
			RefreshToken string `json:"refresh_token"`
		} `json:"connections"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("credentials.json is not JSON: %v", err)
	}
	rt := f.Connections[url].RefreshToken
	if rt == "" {
		t.Fatalf("credentials.json holds no refresh token for %s", url)
	}
	return rt
}
