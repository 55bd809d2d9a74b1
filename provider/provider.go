package provider

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"

	"github.com/go-jose/go-jose/v3"
	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/handler/oauth2"
	"github.com/ory/fosite/handler/openid"
	"github.com/ory/fosite/token/jwt"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// Provider is the OAuth 2.0 / OIDC provider. Build it with New; it is safe for
// concurrent use.
type Provider struct {
	cfg     Config
	store   *storage.Store
	log     *slog.Logger
	oauth   *fosite.Fosite
	fcfg    *fosite.Config
	access  *oauth2.DefaultJWTStrategy
	idToken *openid.DefaultStrategy
	keys    *storage.SigningKeys
	metrics *metrics
}

// New composes fosite on store with the given signing keys.
func New(cfg Config, store *storage.Store, keys *storage.SigningKeys) (*Provider, error) {
	cfg.setDefaults()
	if cfg.Issuer == "" {
		return nil, fmt.Errorf("provider: an issuer URL is required")
	}

	fcfg := &fosite.Config{
		AccessTokenLifespan:  cfg.AccessTokenLifetime,
		RefreshTokenLifespan: cfg.TrustedDeviceLifetime,
		IDTokenLifespan:      cfg.IDTokenLifetime,
		AccessTokenIssuer:    cfg.Issuer,
		IDTokenIssuer:        cfg.Issuer,
		TokenURL:             cfg.Issuer + PathToken,
		GlobalSecret:         store.TokenSecret(),
		HMACHasher:           sha256.New,
		ClientSecretsHasher:  store.SecretHasher(),
		JWTScopeClaimKey:     jwt.JWTScopeFieldString,
		ScopeStrategy:        fosite.ExactScopeStrategy,
		// Resource indicators are checked against registered tenants at the device
		// authorization endpoint (RFC 8707 §2); fosite's per-client audience list does
		// not apply to them.
		AudienceMatchingStrategy:   func([]string, []string) error { return nil },
		SendDebugMessagesToClients: false,
	}

	accessKey := &jose.JSONWebKey{Key: keys.AccessTokenKey, KeyID: keys.AccessTokenKeyID, Algorithm: "ES256", Use: "sig"}
	idKey := &jose.JSONWebKey{Key: keys.IDTokenKey, KeyID: keys.IDTokenKeyID, Algorithm: "RS256", Use: "sig"}
	hmacStrategy := compose.NewOAuth2HMACStrategy(fcfg)
	accessStrategy := &oauth2.DefaultJWTStrategy{
		Signer:          &jwt.DefaultSigner{GetPrivateKey: func(context.Context) (any, error) { return accessKey, nil }},
		HMACSHAStrategy: hmacStrategy,
		Config:          fcfg,
	}
	idStrategy := &openid.DefaultStrategy{
		Signer: &jwt.DefaultSigner{GetPrivateKey: func(context.Context) (any, error) { return idKey, nil }},
		Config: fcfg,
	}

	if cfg.Resources == nil {
		cfg.Resources = storeResources{store: store}
	}
	p := &Provider{cfg: cfg, store: store, log: cfg.Logger, fcfg: fcfg,
		access: accessStrategy, idToken: idStrategy, keys: keys, metrics: newMetrics()}

	strategy := &compose.CommonStrategy{
		CoreStrategy:               accessStrategy,
		OpenIDConnectTokenStrategy: idStrategy,
		Signer:                     accessStrategy.Signer,
	}
	deviceGrant := func(fosite.Configurator, any, any) any { return &deviceGrantHandler{p: p} }
	refreshPolicy := func(fosite.Configurator, any, any) any { return &refreshPolicyHandler{p: p} }
	p.oauth = compose.Compose(fcfg, store, strategy,
		deviceGrant,
		compose.OAuth2RefreshTokenGrantFactory,
		compose.OpenIDConnectRefreshFactory,
		refreshPolicy,
		compose.OAuth2TokenIntrospectionFactory,
		compose.OAuth2TokenRevocationFactory,
	).(*fosite.Fosite)
	return p, nil
}

// Store returns the provider's store.
func (p *Provider) Store() *storage.Store { return p.store }

// Config returns the provider's configuration, defaults filled in.
func (p *Provider) Config() Config { return p.cfg }
