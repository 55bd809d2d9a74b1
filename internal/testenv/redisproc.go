package testenv

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// redisReadyTimeout bounds how long a private redis-server may take to answer PING.
const redisReadyTimeout = 15 * time.Second

// StartRedis starts a private redis-server for this test on a free loopback port
// and returns its host:port. Use it for tests that take Redis away; everything
// else should use RedisDB.
//
// The server keeps an append-only file in its own temporary directory, fsynced on
// every write, so data written before stop is there after restart. stop kills the
// server with SIGKILL, like a crash, and waits for it to exit; it does nothing if
// the server is already stopped. restart starts the server again on the same port
// with the same directory, killing it first if it is running, and returns once it
// answers PING. Both must be called from the test's goroutine, since they fail the
// test on error. The server is killed when the test ends.
//
// The binary is $GATEHOUSE_TEST_REDIS_SERVER, else redis-server on PATH; without
// either the test is skipped, or fails in CI.
func StartRedis(t testing.TB) (addr string, stop func(), restart func()) {
	t.Helper()
	bin := redisServerBinary(t)
	p := &redisProc{t: t, bin: bin, dir: t.TempDir()}
	t.Cleanup(p.stop)

	// The port can be taken between FreePort and the bind; try a few.
	var err error
	for range 3 {
		p.port = FreePort(t)
		if err = p.start(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("testenv: start private redis-server: %v", err)
	}

	restart = func() {
		t.Helper()
		p.stop()
		if err := p.start(); err != nil {
			t.Fatalf("testenv: restart private redis-server on port %d: %v", p.port, err)
		}
	}
	return p.addr(), p.stop, restart
}

// redisServerBinary finds the redis-server binary or stops the test.
func redisServerBinary(t testing.TB) string {
	t.Helper()
	if bin := os.Getenv(EnvRedisServer); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			t.Fatalf("testenv: %s=%s: %v", EnvRedisServer, bin, err)
		}
		return bin
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		missing(t, EnvRedisServer+" not set and no redis-server on PATH", "to install redis-server")
	}
	return bin
}

// redisProc is one private redis-server; mu guards cmd and exited.
type redisProc struct {
	t    testing.TB
	bin  string
	dir  string
	port int

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has been waited for
}

func (p *redisProc) addr() string {
	return "127.0.0.1:" + strconv.Itoa(p.port)
}

func (p *redisProc) logPath() string {
	return filepath.Join(p.dir, "redis.log")
}

// start launches the server and waits until it answers PING.
func (p *redisProc) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()

	logFile, err := os.OpenFile(p.logPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("testenv: open redis log: %w", err)
	}
	defer logFile.Close() // the child holds its own descriptor

	cmd := exec.Command(p.bin,
		"--port", strconv.Itoa(p.port),
		"--bind", "127.0.0.1",
		"--dir", p.dir,
		"--appendonly", "yes",
		"--appendfsync", "always",
		"--save", "",
		"--daemonize", "no",
	)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	setParentDeathSignal(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("testenv: run %s: %w", p.bin, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	p.cmd, p.exited = cmd, exited

	if err := p.waitReady(exited); err != nil {
		p.killLocked()
		return fmt.Errorf("%w\n--- %s (last lines) ---\n%s", err, p.logPath(), p.logTail(20))
	}
	return nil
}

// waitReady polls PING until it answers, the process exits or the time is up. It
// speaks RESP over a bare connection: a client library would retry and log each
// refused dial while the server boots.
func (p *redisProc) waitReady(exited <-chan struct{}) error {
	deadline := time.Now().Add(redisReadyTimeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		err := ping(p.addr())
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("testenv: redis-server on port %d not answering PING after %v: %w",
				p.port, redisReadyTimeout, err)
		}
		select {
		case <-exited:
			return fmt.Errorf("testenv: redis-server on port %d exited before answering PING", p.port)
		case <-tick.C:
		}
	}
}

// ping sends one PING to the Redis server at addr and expects +PONG.
func ping(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(time.Second)); err != nil {
		return err
	}
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("testenv: PING answered %q", strings.TrimSpace(line))
	}
	return nil
}

// stop kills the server if it is running and waits for it to exit.
func (p *redisProc) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.killLocked()
}

func (p *redisProc) killLocked() {
	if p.cmd == nil {
		return
	}
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		p.t.Errorf("testenv: kill redis-server on port %d: %v", p.port, err)
	}
	<-p.exited
	p.cmd, p.exited = nil, nil
}

// logTail returns the last n lines of the server's log, for failure messages.
func (p *redisProc) logTail(n int) string {
	b, err := os.ReadFile(p.logPath())
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
