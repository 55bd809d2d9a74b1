package consent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/go-redis/redis_rate/v10"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// Limits on failures. redis_rate implements GCRA: Burst failures may come at once, then
// one more each Period/Rate. Only failures are counted; a spent bucket refuses even a
// right guess, or a lucky guess would still get through.
//
// Each kind of failure has a strict bucket for what one person can try (an account, an
// email) and a loose one for a whole network. Everyone behind a reverse proxy or a NAT
// shares an address, so the network's bucket only stops a flood: one person spending it
// would lock all the others out.
var (
	// wrongCodeLimit: 5 wrong codes per account, then one more every 2 minutes
	// (RFC 8628 §5.1).
	wrongCodeLimit = redis_rate.Limit{Rate: 5, Burst: 5, Period: 10 * time.Minute}
	// wrongCodeIPLimit: 50 wrong codes from one network, whatever the accounts.
	wrongCodeIPLimit = redis_rate.Limit{Rate: 50, Burst: 50, Period: 10 * time.Minute}
	// signInLimit: 10 failed sign-ins for one email from one network, then one a minute.
	signInLimit = redis_rate.Limit{Rate: 10, Burst: 10, Period: 10 * time.Minute}
	// signInIPLimit: 30 failed sign-ins from one network, whatever the emails: a flood
	// of fresh emails would get past signInLimit, and each costs an argon2id hash.
	signInIPLimit = redis_rate.Limit{Rate: 30, Burst: 30, Period: 10 * time.Minute}
)

// Messages of the 429 pages.
const (
	msgTooManyCodes   = "Too many wrong codes. Wait a few minutes and try again."
	msgTooManySignIns = "Too many failed sign-ins. Wait a few minutes and try again."
)

// bucket is one rate limit key and the limit it is counted against.
type bucket struct {
	key   string
	limit redis_rate.Limit
}

// wrongCodeBuckets count wrong codes per account (which covers every browser session
// of it), strictly, and per network, loosely.
func wrongCodeBuckets(userID, ip string) []bucket {
	return []bucket{
		{"gh:consent:code:user:" + userID, wrongCodeLimit},
		{"gh:consent:code:ip:" + ipBucket(ip), wrongCodeIPLimit},
	}
}

// signInBuckets count failed sign-ins per network and email, strictly, and per
// network, loosely. The email is hashed so that no address appears in a key name.
func signInBuckets(ip, email string) []bucket {
	sum := sha256.Sum256([]byte(ipBucket(ip) + "\x00" + storage.NormalizeEmail(email)))
	return []bucket{
		{"gh:consent:signin:" + hex.EncodeToString(sum[:16]), signInLimit},
		{"gh:consent:signin:ip:" + ipBucket(ip), signInIPLimit},
	}
}

// blocked reports how long until every bucket allows one more failure: zero when all
// do now. It counts nothing.
func (h *Handler) blocked(ctx context.Context, buckets []bucket) (time.Duration, error) {
	var wait time.Duration
	for _, b := range buckets {
		// AllowAtMost with a cost of 0 only reads: RetryAfter is positive when less
		// than one failure is left, -1 otherwise.
		res, err := h.limiter.AllowAtMost(ctx, b.key, b.limit, 0)
		if err != nil {
			return 0, fmt.Errorf("consent: read rate limit: %w", err)
		}
		wait = max(wait, res.RetryAfter)
	}
	return wait, nil
}

// failed counts one failure in every bucket. It returns how long to wait when a bucket
// was already spent (a race with another request), else zero.
func (h *Handler) failed(ctx context.Context, buckets []bucket) (time.Duration, error) {
	var wait time.Duration
	for _, b := range buckets {
		res, err := h.limiter.Allow(ctx, b.key, b.limit)
		if err != nil {
			return 0, fmt.Errorf("consent: count failure: %w", err)
		}
		if res.Allowed == 0 {
			wait = max(wait, res.RetryAfter)
		}
	}
	return wait, nil
}

// limitedOrUnavailable answers a failure count that either failed (503) or found the
// limit spent by a concurrent request (429).
func (h *Handler) limitedOrUnavailable(w http.ResponseWriter, r *http.Request, msg string,
	wait time.Duration, err error) {
	if err != nil {
		h.unavailable(w, r, "rate limit update failed", err)
		return
	}
	h.tooMany(w, r, msg, wait)
}

// clientIP is the address the request came from. X-Forwarded-For is ignored: anyone
// can send it, and it would let a guesser pick a fresh address for every guess.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ipBucket is the network a rate limit counts: the address for IPv4, its /64 for IPv6,
// since one host usually holds a whole /64.
func ipBucket(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.WithZone("").Prefix(64)
	return p.String()
}
