package testenv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/smtp"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestStartRedisKeepsDataAcrossRestart(t *testing.T) {
	addr, stop, restart := StartRedis(t)
	// One dial and no retries, so the outage shows up at once.
	client := redis.NewClient(&redis.Options{Addr: addr, DialerRetries: 1, MaxRetries: -1})
	defer client.Close()
	ctx := t.Context()

	if err := client.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("set before stop: %v", err)
	}

	// While stopped, the outage must be visible to the client.
	stop()
	if err := client.Get(ctx, "k").Err(); err == nil || errors.Is(err, redis.Nil) {
		t.Fatalf("get while stopped: got err %v, want a connection error", err)
	}

	restart()
	got, err := client.Get(ctx, "k").Result()
	if err != nil {
		t.Fatalf("get after restart: %v", err)
	}
	if got != "v" {
		t.Fatalf("get after restart = %q, want %q", got, "v")
	}

	// A second restart of a running server also keeps the data.
	restart()
	if got, err := client.Get(ctx, "k").Result(); err != nil || got != "v" {
		t.Fatalf("get after second restart = %q, %v; want %q", got, err, "v")
	}
}

func TestRedisDBIsolatesTests(t *testing.T) {
	a := RedisDB(t)
	b := RedisDB(t)
	ctx := t.Context()

	if a.Options().DB == b.Options().DB {
		t.Fatalf("both clients got database %d", a.Options().DB)
	}
	if a.Options().DB == 0 || b.Options().DB == 0 {
		t.Fatalf("a client got database 0, which holds the allocator")
	}
	if err := a.Set(ctx, "k", "a", 0).Err(); err != nil {
		t.Fatalf("set in a: %v", err)
	}
	if err := b.Get(ctx, "k").Err(); !errors.Is(err, redis.Nil) {
		t.Fatalf("get in b: got err %v, want redis.Nil", err)
	}
}

func TestRedisDBLeasesOutliveCounterWrap(t *testing.T) {
	held := RedisDB(t)
	ctx := t.Context()
	if err := held.Set(ctx, "k", "held", 0).Err(); err != nil {
		t.Fatalf("set: %v", err)
	}

	// Allocate and release more databases than there are, wrapping the counter
	// past the held one; its data must survive.
	for i := range 70 {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			if db := RedisDB(t).Options().DB; db == held.Options().DB {
				t.Fatalf("got the held database %d", db)
			}
		})
	}
	if got, err := held.Get(ctx, "k").Result(); err != nil || got != "held" {
		t.Fatalf("held database after wrap: got %q, %v; want %q", got, err, "held")
	}
}

func TestFreePortCanBeBound(t *testing.T) {
	port := FreePort(t)
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatalf("listen on free port %d: %v", port, err)
	}
	l.Close()
}

func TestMailpitReceivesSMTP(t *testing.T) {
	smtpAddr := SMTPAddr(t)
	api := MailpitURL(t)
	host, _, err := net.SplitHostPort(smtpAddr)
	if err != nil {
		t.Fatalf("split %q: %v", smtpAddr, err)
	}

	// Mailpit is shared by all packages: a unique recipient finds our messages.
	to := fmt.Sprintf("testenv-%d-%d@example.test", os.Getpid(), time.Now().UnixNano())
	tests := []struct {
		name string
		auth smtp.Auth
	}{
		{name: "no auth"},
		{name: "plain auth", auth: smtp.PlainAuth("", "user", "any-password", host)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := "To: " + to + "\r\nSubject: " + tt.name + "\r\n\r\nhello\r\n"
			if err := smtp.SendMail(smtpAddr, tt.auth, "from@example.test", []string{to}, []byte(msg)); err != nil {
				t.Fatalf("send: %v", err)
			}
		})
	}

	// Mailpit indexes a message just after accepting it, so poll briefly.
	query := api + "/api/v1/search?query=" + url.QueryEscape("to:"+to)
	var found int
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		found = countMessages(t, query)
		if found == len(tests) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("mailpit holds %d messages to %s, want %d", found, to, len(tests))
}

func countMessages(t *testing.T, query string) int {
	t.Helper()
	resp, err := http.Get(query)
	if err != nil {
		t.Fatalf("mailpit search: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit search: status %s", resp.Status)
	}
	var body struct {
		Count int `json:"messages_count"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("mailpit search: decode: %v", err)
	}
	return body.Count
}

func TestChromiumRendersPage(t *testing.T) {
	bin := Chromium(t)
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()

	// --no-sandbox because CI runs as root; its own profile dir keeps runs apart.
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--user-data-dir="+t.TempDir(),
		"--dump-dom", "data:text/html,<p id=greeting>hello from testenv</p>")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v\n%s", err, stderrOf(err))
	}
	if !strings.Contains(string(out), `<p id="greeting">hello from testenv</p>`) {
		t.Fatalf("chromium --dump-dom printed %q, want the rendered paragraph", out)
	}
}

func stderrOf(err error) []byte {
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.Stderr
	}
	return nil
}
