package testenv

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Keys in logical database 0 of the shared server that hand out the others.
// Tests never use database 0 themselves, and must never call FLUSHALL.
const (
	dbCounterKey  = "gatehouse:test:dbcounter"
	dbLeasePrefix = "gatehouse:test:dblease:"

	// dbLeaseTTL outlives the 45 minute go test timeout in scripts/test, so a
	// lease left by a killed test binary frees itself before anyone waits on it.
	dbLeaseTTL = time.Hour
)

// releaseLease deletes a lease only while it still holds our token.
var releaseLease = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("DEL", KEYS[1])
end
return 0
`)

// RedisDB returns a client for a logical database of the shared redis-server that
// no other running test uses, emptied before it is returned and closed when the
// test ends.
//
// Test packages run as parallel processes against one server, and the stores use
// fixed key names, so isolation is by database number. scripts/test starts the
// server with --databases 64. Database 0 holds the allocator: a counter that is
// INCRed for every call, whose value modulo 63, plus 1, names the candidate
// database, and a lease key per database, taken with SET NX and released at
// cleanup, so a long test keeps its database even after the counter wraps. When
// every database is leased the test fails rather than sharing one.
func RedisDB(t testing.TB) *redis.Client {
	t.Helper()
	addr := RedisAddr(t)
	ctx := t.Context()

	admin := redis.NewClient(&redis.Options{Addr: addr, DB: 0})
	defer admin.Close()

	// Learn how many databases the server has; database 0 is reserved.
	cfg, err := admin.ConfigGet(ctx, "databases").Result()
	if err != nil {
		t.Fatalf("testenv: redis at %s: config get databases: %v", addr, err)
	}
	total, err := strconv.Atoi(cfg["databases"])
	if err != nil || total < 2 {
		t.Fatalf("testenv: redis at %s has databases=%q; start it with --databases 64", addr, cfg["databases"])
	}
	usable := int64(total - 1)

	// Take the lease on the first free database after the counter's position.
	db, token := 0, ""
	for range usable {
		seq, err := admin.Incr(ctx, dbCounterKey).Result()
		if err != nil {
			t.Fatalf("testenv: redis at %s: incr %s: %v", addr, dbCounterKey, err)
		}
		candidate := int(seq%usable) + 1
		tok := fmt.Sprintf("%d/%d/%s", os.Getpid(), seq, t.Name())
		ok, err := admin.SetNX(ctx, dbLeaseKey(candidate), tok, dbLeaseTTL).Result()
		if err != nil {
			t.Fatalf("testenv: redis at %s: lease database %d: %v", addr, candidate, err)
		}
		if ok {
			db, token = candidate, tok
			break
		}
	}
	if db == 0 {
		t.Fatalf("testenv: redis at %s: all %d test databases are leased by running tests", addr, usable)
	}

	client := redis.NewClient(&redis.Options{Addr: addr, DB: db})
	t.Cleanup(func() {
		client.Close()

		// t.Context is already cancelled here; the release gets its own deadline.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		admin := redis.NewClient(&redis.Options{Addr: addr, DB: 0})
		defer admin.Close()
		if err := releaseLease.Run(ctx, admin, []string{dbLeaseKey(db)}, token).Err(); err != nil {
			t.Errorf("testenv: redis at %s: release database %d: %v", addr, db, err)
		}
	})

	if err := client.FlushDB(ctx).Err(); err != nil {
		t.Fatalf("testenv: redis at %s: flushdb %d: %v", addr, db, err)
	}
	return client
}

func dbLeaseKey(db int) string {
	return dbLeasePrefix + strconv.Itoa(db)
}
