package rbac

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
)

// DefaultRevocationRefresh is how often a [Verifier] re-fetches the device revocation
// list when VerifierConfig.RevocationRefresh is zero.
const DefaultRevocationRefresh = 2 * time.Second

// defaultHTTPTimeout bounds each request of the default HTTP client.
const defaultHTTPTimeout = 10 * time.Second

// VerifierConfig configures [NewVerifier]. Zero values take the documented defaults.
type VerifierConfig struct {
	// Issuer is the Gatehouse issuer URL. Discovery must report exactly this value,
	// and so must every token's iss claim. Required.
	Issuer string
	// Resource is the tenant's own resource URL; every token's aud must contain it.
	// Required.
	Resource string
	// HTTPClient makes the discovery, JWKS and revocation list requests. Nil means a
	// client with a 10 s timeout.
	HTTPClient *http.Client
	// RevocationRefresh is how often the device revocation list is re-fetched in the
	// background. Zero means DefaultRevocationRefresh (2 s). A list older than twice
	// this is also re-fetched during Verify.
	RevocationRefresh time.Duration
	// ClientID and ClientSecret are the tenant's confidential client credentials, sent
	// with HTTP Basic to the revocation list endpoint. Both or neither: without them,
	// device revocation is not checked.
	ClientID     string
	ClientSecret string
	// Logger receives revocation list failures and recoveries. Nil discards.
	Logger *slog.Logger
	// Now is the clock for exp, nbf and revocation list age. Nil means time.Now.
	Now func() time.Time
}

// Verifier checks Gatehouse JWT access tokens offline, against the issuer's JWKS and a
// device revocation list kept in memory. It is safe for concurrent use. Call Close to
// stop its background refresh.
//
// Device revocation is checked only when discovery advertises
// revoked_devices_endpoint and client credentials are configured; otherwise a token
// from a locked device passes until it expires.
type Verifier struct {
	issuer   string
	resource string
	keys     *oidc.RemoteKeySet
	revoked  *revocationList // nil when revocation is not checked
	now      func() time.Time
	log      *slog.Logger

	stop      context.CancelFunc
	done      chan struct{}
	closeOnce sync.Once
}

// discovery holds the discovery fields the verifier reads beyond what go-oidc parses.
type discovery struct {
	JWKSURI                string `json:"jwks_uri"`
	RevokedDevicesEndpoint string `json:"revoked_devices_endpoint"`
}

// NewVerifier discovers cfg.Issuer, fetches the device revocation list once and starts
// refreshing it in the background. ctx bounds discovery and that first fetch only; the
// background refresh runs until Close. A failed first fetch is logged, not returned:
// Verify then fails with ErrRevocationUnavailable until a fetch succeeds.
func NewVerifier(ctx context.Context, cfg VerifierConfig) (*Verifier, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}

	// OpenID Connect Discovery 1.0 §4.3: the discovered issuer must equal ours exactly;
	// oidc.NewProvider enforces it.
	ctx = oidc.ClientContext(ctx, cfg.HTTPClient)
	provider, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("rbac: discover issuer: %w", err)
	}
	var disc discovery
	if err := provider.Claims(&disc); err != nil {
		return nil, fmt.Errorf("rbac: read discovery document: %w", err)
	}
	if disc.JWKSURI == "" {
		return nil, errors.New("rbac: discovery document has no jwks_uri")
	}

	v := &Verifier{
		issuer:   cfg.Issuer,
		resource: cfg.Resource,
		keys:     oidc.NewRemoteKeySet(ctx, disc.JWKSURI),
		now:      cfg.Now,
		log:      cfg.Logger,
		done:     make(chan struct{}),
	}

	// Revocation needs both an advertised endpoint and credentials to call it.
	switch {
	case disc.RevokedDevicesEndpoint == "":
		cfg.Logger.WarnContext(ctx, "issuer advertises no revoked_devices_endpoint; "+
			"device revocation is not checked", "issuer", cfg.Issuer)
	case cfg.ClientID == "":
		cfg.Logger.WarnContext(ctx, "no client credentials configured; "+
			"device revocation is not checked", "issuer", cfg.Issuer)
	default:
		v.revoked = newRevocationList(cfg, disc.RevokedDevicesEndpoint)
	}

	bg, stop := context.WithCancel(context.WithoutCancel(ctx))
	v.stop = stop
	if v.revoked == nil {
		close(v.done)
		return v, nil
	}
	v.revoked.refresh(ctx)
	go func() {
		defer close(v.done)
		v.revoked.run(bg)
	}()
	return v, nil
}

// withDefaults checks cfg and fills in its zero values.
func (cfg VerifierConfig) withDefaults() (VerifierConfig, error) {
	if cfg.Issuer == "" {
		return cfg, errors.New("rbac: VerifierConfig.Issuer is required")
	}
	if cfg.Resource == "" {
		return cfg, errors.New("rbac: VerifierConfig.Resource is required")
	}
	if (cfg.ClientID == "") != (cfg.ClientSecret == "") {
		return cfg, errors.New("rbac: VerifierConfig needs both ClientID and ClientSecret, " +
			"or neither")
	}
	if cfg.RevocationRefresh < 0 {
		return cfg, errors.New("rbac: VerifierConfig.RevocationRefresh is negative")
	}

	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: defaultHTTPTimeout}
	}
	if cfg.RevocationRefresh == 0 {
		cfg.RevocationRefresh = DefaultRevocationRefresh
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg, nil
}

// Close stops the background refresh of the revocation list and waits for it to end.
// It is safe to call more than once. Verify keeps working on the last list.
func (v *Verifier) Close() {
	v.closeOnce.Do(func() {
		v.stop()
		<-v.done
	})
}

// Resource returns the resource URL tokens must be meant for.
func (v *Verifier) Resource() string {
	return v.resource
}

// parseAlgs are the algorithms go-jose may parse, so that a refused one is reported as
// ErrUnsupportedAlg rather than as a malformed token. Only acceptedAlgs pass.
var parseAlgs = []jose.SignatureAlgorithm{
	jose.HS256, jose.HS384, jose.HS512,
	jose.RS256, jose.RS384, jose.RS512,
	jose.ES256, jose.ES384, jose.ES512,
	jose.PS256, jose.PS384, jose.PS512,
	jose.EdDSA,
}

// acceptedAlgs are the algorithms Gatehouse signs access tokens with.
var acceptedAlgs = []string{string(jose.ES256), string(jose.RS256)}

// Verify checks rawToken and returns its claims. Every error matches ErrInvalidToken
// and one of the more precise Err* values, except ErrRevocationUnavailable.
func (v *Verifier) Verify(ctx context.Context, rawToken string) (*Claims, error) {
	// Parse the header, and check it before spending a signature check.
	jws, err := jose.ParseSignedCompact(rawToken, parseAlgs)
	if err != nil {
		return nil, parseError(rawToken, err)
	}
	if len(jws.Signatures) != 1 {
		return nil, fmt.Errorf("%w: %d signatures", ErrMalformedToken, len(jws.Signatures))
	}
	header := jws.Signatures[0].Protected

	// RFC 9068 §4: the typ header must be at+jwt or application/at+jwt, compared
	// case-insensitively (RFC 7515 §4.1.9), so an ID token cannot pass as one.
	typ, _ := header.ExtraHeaders[jose.HeaderType].(string)
	if !strings.EqualFold(typ, "at+jwt") && !strings.EqualFold(typ, "application/at+jwt") {
		return nil, fmt.Errorf("%w: typ %q", ErrWrongTokenType, typ)
	}

	// RFC 9068 §4 and RFC 8725 §3.1: accept only the algorithms the issuer signs with.
	if !slices.Contains(acceptedAlgs, header.Algorithm) {
		return nil, fmt.Errorf("%w: %q", ErrUnsupportedAlg, header.Algorithm)
	}

	// RFC 9068 §4: verify the signature with the issuer's keys (RFC 7515 §5.2).
	// TODO: go-oidc reports a JWKS that cannot be fetched with an untyped error, so an
	// unknown kid during a JWKS outage comes out as ErrBadSignature (401), not as an
	// outage (503). Telling them apart needs our own key set or a typed go-oidc error.
	payload, err := v.keys.VerifySignature(ctx, rawToken)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	var claims Claims
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, fmt.Errorf("%w: claims: %w", ErrMalformedToken, err)
	}

	if err := v.checkClaims(&claims); err != nil {
		return nil, err
	}

	// Gatehouse device lock: a device on the revocation list is refused everywhere.
	if err := v.checkDevice(ctx, claims.DeviceID); err != nil {
		return nil, err
	}
	return &claims, nil
}

// checkClaims applies the RFC 9068 §4 claim checks that need no network.
func (v *Verifier) checkClaims(c *Claims) error {
	// RFC 9068 §4: iss must exactly match the issuer we discovered.
	if c.Issuer != v.issuer {
		return fmt.Errorf("%w: %q", ErrWrongIssuer, c.Issuer)
	}

	// RFC 9068 §4: aud must contain this resource's identifier.
	if !c.Audience.Contains(v.resource) {
		return fmt.Errorf("%w: aud %q", ErrWrongAudience, []string(c.Audience))
	}

	// RFC 9068 §2.2: exp and sub are required. RFC 7519 §4.1.4: now must be before exp.
	if c.Expiry == 0 {
		return fmt.Errorf("%w: exp", ErrMissingClaim)
	}
	if c.Subject == "" {
		return fmt.Errorf("%w: sub", ErrMissingClaim)
	}
	now := v.now()
	if !now.Before(c.Expiry.Time()) {
		return fmt.Errorf("%w at %s", ErrTokenExpired, c.Expiry.Time().UTC().Format(time.RFC3339))
	}

	// RFC 7519 §4.1.5: not before nbf, when present.
	if c.NotBefore != 0 && now.Before(c.NotBefore.Time()) {
		return fmt.Errorf("%w until %s", ErrTokenNotYetValid,
			c.NotBefore.Time().UTC().Format(time.RFC3339))
	}
	return nil
}

// checkDevice refuses a token whose device is on the revocation list. It fails closed
// while no list has ever been fetched.
func (v *Verifier) checkDevice(ctx context.Context, deviceID string) error {
	if v.revoked == nil {
		return nil
	}
	revoked, err := v.revoked.contains(ctx, deviceID)
	if err != nil {
		return err
	}
	if revoked {
		return fmt.Errorf("%w: device_id %q", ErrDeviceRevoked, deviceID)
	}
	return nil
}

// parseError classifies a token go-jose could not parse: a refused alg such as "none"
// is reported as ErrUnsupportedAlg, anything else as ErrMalformedToken. The header is
// decoded here only to choose the message; the token is refused either way.
func parseError(rawToken string, err error) error {
	head, _, _ := strings.Cut(rawToken, ".")
	b, decErr := base64.RawURLEncoding.DecodeString(head)
	var h struct {
		Alg string `json:"alg"`
	}
	if decErr == nil && json.Unmarshal(b, &h) == nil && h.Alg != "" &&
		!slices.Contains(parseAlgs, jose.SignatureAlgorithm(h.Alg)) {
		return fmt.Errorf("%w: %q", ErrUnsupportedAlg, h.Alg)
	}
	return fmt.Errorf("%w: %w", ErrMalformedToken, err)
}
