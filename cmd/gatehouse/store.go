package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// storeFlags are the flags of every command that opens the store.
type storeFlags struct {
	redisURL   string
	secretFile string
	dev        bool
}

// redisLogger sends go-redis's own messages (reconnects, pool errors) to slog, so a
// JSON log stays JSON.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, "redis client", "detail", fmt.Sprintf(format, v...))
}

// openRedis connects to --redis-url or, in dev mode without one, to an embedded
// in-process Redis whose data is lost on exit. Timeouts are short so that an outage
// answers 503 quickly instead of hanging requests.
func (f *storeFlags) openRedis(log *slog.Logger) (redis.UniversalClient, func(), error) {
	redis.SetLogger(redisLogger{log: log})
	if f.redisURL == "" {
		if !f.dev {
			return nil, nil, errors.New("--redis-url (or GATEHOUSE_REDIS_URL) is required without --dev")
		}
		mr, err := miniredis.Run()
		if err != nil {
			return nil, nil, fmt.Errorf("start embedded redis: %w", err)
		}
		log.Warn("dev mode: using an embedded in-memory Redis; all data is lost when gatehouse exits")
		rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
		return rdb, func() { rdb.Close(); mr.Close() }, nil
	}

	opts, err := redis.ParseURL(f.redisURL)
	if err != nil {
		return nil, nil, fmt.Errorf("--redis-url: %w", err)
	}
	opts.DialTimeout = time.Second
	opts.ReadTimeout = time.Second
	opts.WriteTimeout = time.Second
	opts.MaxRetries = 1
	rdb := redis.NewClient(opts)
	return rdb, func() { rdb.Close() }, nil
}

// secret returns the server secret: GATEHOUSE_SECRET or the contents of --secret-file.
// In dev mode without either, a secret is made once and kept in Redis, which is fine
// for a throw-away store and nothing else.
func (f *storeFlags) secret(ctx context.Context, rdb redis.UniversalClient) ([]byte, error) {
	if s := os.Getenv("GATEHOUSE_SECRET"); s != "" {
		return checkSecret([]byte(s), "GATEHOUSE_SECRET")
	}
	if f.secretFile != "" {
		b, err := os.ReadFile(f.secretFile)
		if err != nil {
			return nil, fmt.Errorf("--secret-file: %w", err)
		}
		return checkSecret([]byte(strings.TrimSpace(string(b))), "--secret-file")
	}
	if !f.dev {
		return nil, errors.New("a server secret is required without --dev: set GATEHOUSE_SECRET or --secret-file (32 bytes or more, e.g. `openssl rand -hex 32`)")
	}

	const devSecretKey = "gh:dev-secret"
	if mode, _ := rdb.Get(ctx, modeKey).Result(); mode == "production" {
		return nil, errors.New("this Redis holds production data; refusing to run in dev mode on it: use another database")
	}
	if err := rdb.SetNX(ctx, devSecretKey, rand.Text()+rand.Text(), 0).Err(); err != nil {
		return nil, fmt.Errorf("dev secret: %w", err)
	}
	s, err := rdb.Get(ctx, devSecretKey).Bytes()
	if err != nil {
		return nil, fmt.Errorf("dev secret: %w", err)
	}
	return s, nil
}

func checkSecret(b []byte, from string) ([]byte, error) {
	if len(b) < 32 {
		return nil, fmt.Errorf("%s: the server secret must be at least 32 bytes, got %d", from, len(b))
	}
	return b, nil
}

// openStore opens Redis and the store on it.
func (f *storeFlags) openStore(ctx context.Context, log *slog.Logger) (*storage.Store, func(), error) {
	rdb, closeFn, err := f.openRedis(log)
	if err != nil {
		return nil, nil, err
	}
	secret, err := f.secret(ctx, rdb)
	if err != nil {
		closeFn()
		return nil, nil, err
	}
	st, err := storage.New(rdb, secret, storage.Options{})
	if err != nil {
		closeFn()
		return nil, nil, err
	}
	return st, closeFn, nil
}
