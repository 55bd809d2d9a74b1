package rbac

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/gatehouse-auth/gatehouse/rbac/rbactest"
)

// Test credentials of the tenant's confidential client. The secret holds characters
// that RFC 6749 §2.3.1 form-encoding changes, so a missing encoding step fails.
const (
	testClientID     = "demo tenant"
	testClientSecret = "s3cr:t/+%&x"
	testResource     = "https://tenant.example"
)

// newFakeIssuer starts a fake issuer that serves the revocation list to the test
// client only.
func newFakeIssuer(t *testing.T) *rbactest.Issuer {
	return newFakeIssuerWith(t, rbactest.Options{})
}

func newFakeIssuerWith(t *testing.T, opts rbactest.Options) *rbactest.Issuer {
	opts.ClientID, opts.ClientSecret = testClientID, testClientSecret
	return rbactest.NewIssuer(t, opts)
}

// tokenOpts shape one minted token. The zero value mints a valid ES256 token for the
// test resource, issued at now.
type tokenOpts struct {
	alg    jose.SignatureAlgorithm // ES256 when empty
	key    any                     // the issuer's key for alg when nil
	kid    string                  // with key: the kid header, none when empty
	typ    string                  // "at+jwt" when empty; "-" leaves typ out
	claims func(c map[string]any)  // edits the claims before signing
}

// mint signs a token whose claims are valid at now, after o.claims edits them.
func mint(fi *rbactest.Issuer, now time.Time, o tokenOpts) string {
	c := fi.Claims(testResource, now)
	if o.claims != nil {
		o.claims(c)
	}
	payload, err := json.Marshal(c)
	if err != nil {
		panic(err)
	}
	so := rbactest.SignOptions{Alg: o.alg, Key: o.key, KeyID: o.kid, Type: o.typ}
	if o.typ == "-" {
		so.Type, so.NoType = "", true
	}
	return fi.Sign(payload, so)
}

// fakeClock is a settable clock for VerifierConfig.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newTestVerifier builds a Verifier against fi with a fake clock and a refresh
// interval long enough that the background refresh never fires during the test;
// edit may change the config first.
func newTestVerifier(t *testing.T, fi *rbactest.Issuer, clock *fakeClock,
	edit func(*VerifierConfig)) *Verifier {
	t.Helper()
	cfg := VerifierConfig{
		Issuer:            fi.URL,
		Resource:          testResource,
		HTTPClient:        fi.Client(),
		RevocationRefresh: time.Hour,
		ClientID:          testClientID,
		ClientSecret:      testClientSecret,
		Now:               clock.Now,
	}
	if edit != nil {
		edit(&cfg)
	}
	v, err := NewVerifier(context.Background(), cfg)
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	t.Cleanup(v.Close)
	return v
}
