// Package provider composes fosite into Gatehouse's OAuth 2.0 / OpenID Connect
// provider: the RFC 8628 device authorization grant, refresh, introspection,
// revocation, discovery, JWKS and userinfo, on gorilla/mux.
package provider

import (
	"context"
	"log/slog"
	"strings"
	"time"
)

// Config is the provider's configuration. A zero field takes the default named in its
// comment.
type Config struct {
	// Issuer is the provider's URL, without a trailing slash (required).
	Issuer string
	// DeviceCodeLifetime is how long a device code waits for approval (10m).
	DeviceCodeLifetime time.Duration
	// PollInterval is the initial minimum polling interval (5s, RFC 8628 §3.2).
	PollInterval time.Duration
	// DeviceLifetime is how long an untrusted device's authorization lasts (24h).
	DeviceLifetime time.Duration
	// TrustedDeviceLifetime is how long a trusted device's authorization lasts (720h).
	TrustedDeviceLifetime time.Duration
	// AccessTokenLifetime is an access token's lifetime, never past the device's (1h).
	AccessTokenLifetime time.Duration
	// IDTokenLifetime is an ID token's lifetime (1h).
	IDTokenLifetime time.Duration
	// Resources resolves RFC 8707 resource indicators to tenants; nil means the tenants
	// registered in the store.
	Resources ResourceResolver
	// Logger receives operational logs (slog.Default()).
	Logger *slog.Logger
	// Now is the clock (time.Now).
	Now func() time.Time
}

// Resource is a protected resource that tokens may be issued for.
type Resource struct {
	// URI is the resource indicator, the token's aud.
	URI      string
	TenantID string
	OrgID    string
}

// ResourceResolver finds the tenant behind a resource indicator. It returns an error
// wrapping fosite.ErrNotFound for an unknown resource.
type ResourceResolver interface {
	ResolveResource(ctx context.Context, uri string) (*Resource, error)
}

func (c *Config) setDefaults() {
	c.Issuer = strings.TrimRight(c.Issuer, "/")
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.DeviceCodeLifetime, 10*time.Minute)
	def(&c.PollInterval, 5*time.Second)
	def(&c.DeviceLifetime, 24*time.Hour)
	def(&c.TrustedDeviceLifetime, 720*time.Hour)
	def(&c.AccessTokenLifetime, time.Hour)
	def(&c.IDTokenLifetime, time.Hour)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Paths of the provider's endpoints, relative to the issuer.
const (
	PathDiscovery           = "/.well-known/openid-configuration"
	PathServerMetadata      = "/.well-known/oauth-authorization-server"
	PathJWKS                = "/oauth2/jwks"
	PathDeviceAuthorization = "/oauth2/device/code"
	PathToken               = "/oauth2/token"
	PathIntrospect          = "/oauth2/introspect"
	PathRevoke              = "/oauth2/revoke"
	PathUserinfo            = "/userinfo"
	PathRevokedDevices      = "/oauth2/revoked-devices"
	PathHealthz             = "/healthz"
	PathReadyz              = "/readyz"
	PathMetrics             = "/metrics"
	// PathVerification is the verification_uri: the consent package serves it.
	PathVerification = "/device"
)

// GrantTypeDeviceCode is the RFC 8628 §3.4 grant type.
const GrantTypeDeviceCode = "urn:ietf:params:oauth:grant-type:device_code"
