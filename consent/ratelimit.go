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
// one more each Period/Rate. Only failures are counted; a spent key refuses even a
// right guess, or a lucky guess would still get through.
var (
	// wrongCodeLimit: 5 wrong codes, then one more every 2 minutes (RFC 8628 §5.1).
	wrongCodeLimit = redis_rate.Limit{Rate: 5, Burst: 5, Period: 10 * time.Minute}
	// signInLimit: 10 failed sign-ins for one email from one network, then one a minute.
	signInLimit = redis_rate.Limit{Rate: 10, Burst: 10, Period: 10 * time.Minute}
)

// Messages of the 429 pages.
const (
	msgTooManyCodes   = "Too many wrong codes. Wait a few minutes and try again."
	msgTooManySignIns = "Too many failed sign-ins. Wait a few minutes and try again."
)

// wrongCodeKeys count wrong codes per account (which covers every browser session of
// it) and per network.
func wrongCodeKeys(userID, ip string) []string {
	return []string{"gh:consent:code:user:" + userID, "gh:consent:code:ip:" + ipBucket(ip)}
}

// signInKeys count failed sign-ins per network and email. The email is hashed so that
// no address appears in a key name.
func signInKeys(ip, email string) []string {
	sum := sha256.Sum256([]byte(ipBucket(ip) + "\x00" + storage.NormalizeEmail(email)))
	return []string{"gh:consent:signin:" + hex.EncodeToString(sum[:16])}
}

// blocked reports how long until every key allows one more failure: zero when all do
// now. It counts nothing.
func (h *Handler) blocked(ctx context.Context, l redis_rate.Limit, keys []string) (time.Duration, error) {
	var wait time.Duration
	for _, k := range keys {
		// AllowAtMost with a cost of 0 only reads: RetryAfter is positive when less
		// than one failure is left, -1 otherwise.
		res, err := h.limiter.AllowAtMost(ctx, k, l, 0)
		if err != nil {
			return 0, fmt.Errorf("consent: read rate limit: %w", err)
		}
		wait = max(wait, res.RetryAfter)
	}
	return wait, nil
}

// failed counts one failure on every key. It returns how long to wait when a key was
// already spent (a race with another request), else zero.
func (h *Handler) failed(ctx context.Context, l redis_rate.Limit, keys []string) (time.Duration, error) {
	var wait time.Duration
	for _, k := range keys {
		res, err := h.limiter.Allow(ctx, k, l)
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
