package e2e

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestServeRefusesToStart checks that gatehouse serve, outside dev mode, will not start
// without what it needs, and says what is missing.
func TestServeRefusesToStart(t *testing.T) {
	t.Parallel()
	const unreachable = "redis://127.0.0.1:1/0" // never dialled: the checks come first
	tests := []struct {
		name   string
		args   []string
		secret string
		want   []string // in the error output
	}{
		{name: "nothing", args: nil, want: []string{"--redis-url"}},
		{name: "no secret", args: []string{"--redis-url", unreachable}, want: []string{"GATEHOUSE_SECRET"}},
		{name: "short secret", args: []string{"--redis-url", unreachable}, secret: "too-short",
			want: []string{"GATEHOUSE_SECRET", "32 bytes"}},
		{name: "bad Redis URL", args: []string{"--redis-url", "mysql://db"}, secret: randomHex(32),
			want: []string{"--redis-url"}},
		{name: "bad log level", args: []string{"--redis-url", unreachable, "--log-level", "loud"}, secret: randomHex(32),
			want: []string{"--log-level"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			args := append([]string{"serve", "--listen", "127.0.0.1:0"}, tt.args...)
			cmd := exec.CommandContext(ctx, binaries.gatehouse, args...)
			cmd.Env = serverEnv(tt.secret)
			out, err := cmd.CombinedOutput()
			if ctx.Err() != nil {
				t.Fatalf("gatehouse serve %v did not exit: it should refuse to start\n%s", tt.args, out)
			}
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() == 0 {
				t.Fatalf("gatehouse serve %v: %v, want a non-zero exit\n%s", tt.args, err, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("gatehouse serve %v says %q, want it to name %s", tt.args, strings.TrimSpace(string(out)), w)
				}
			}
		})
	}
}

// TestProductionMode runs gatehouse without --dev: only the CLI client is seeded, an
// operator creates the user with gatehouse user create, and that user signs a device in.
func TestProductionMode(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, serverOptions{Flags: map[string]string{"dev": "", "dev-admin-password": ""}})

	const email, password = "ada@example.com", "correct horse battery staple"
	ctx, cancel := context.WithTimeout(t.Context(), cliTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binaries.gatehouse, "user", "create", "--email", email,
		"--name", "Ada", "--password-stdin", "--redis-url", g.redisURL)
	cmd.Env = serverEnv(g.secret)
	cmd.Stdin = strings.NewReader(password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "Created user "+email) {
		t.Fatalf("gatehouse user create: %v\n%s", err, out)
	}

	// Nothing of dev mode exists: no admin, no demo tenant.
	nb := newBrowser(t, g)
	login := nb.get(t, "/login")
	p := nb.submit(t, login, "/login", url.Values{"email": {adminEmail}, "password": {adminPassword}})
	if !p.Has("Wrong email or password") {
		t.Errorf("the dev admin can sign in without --dev:\n%s", p.HTML)
	}
	a := g.postForm(t, pathDeviceAuthorization, cliClient, url.Values{"scope": {"openid"}, "resource": {tenantURL}})
	if a.Status != http.StatusBadRequest || !strings.Contains(string(a.Body), "invalid_target") {
		t.Errorf("device authorization for the dev tenant without --dev: %d %s, want 400 invalid_target", a.Status, a.Body)
	}

	b := newBrowser(t, g)
	b.signIn(t, email, password)
	_, ta := g.connect(t, b, false, nil)
	a = userinfo(t, g, http.MethodGet, "Bearer "+ta.AccessToken)
	if a.Status != http.StatusOK || !strings.Contains(string(a.Body), email) {
		t.Errorf("userinfo: %d %s, want %s", a.Status, a.Body, email)
	}
}

// TestServeRefusesToMixDevAndProductionData: dev mode seeds a client with a public
// secret, so gatehouse never runs in dev mode on a production Redis, nor the reverse.
func TestServeRefusesToMixDevAndProductionData(t *testing.T) {
	t.Parallel()
	redisURL, rdb := serverRedis(t, "")
	if err := rdb.Set(t.Context(), "gh:mode", "production", 0).Err(); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binaries.gatehouse, "serve", "--dev", "--listen", "127.0.0.1:0",
		"--redis-url", redisURL)
	cmd.Env = serverEnv(randomHex(32))
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if ctx.Err() != nil || !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("serve --dev on a production Redis: %v, want a non-zero exit\n%s", err, out)
	}
	if !strings.Contains(string(out), "holds production data") {
		t.Errorf("serve --dev says %q, want it to say the Redis holds production data", out)
	}
	if n, _ := rdb.Exists(t.Context(), "gh:client:demo-tenant").Result(); n != 0 {
		t.Error("the refused dev start seeded the demo-tenant client")
	}
}
