package api

import (
	"errors"
	"github.com/go-redis/redis_rate/v10"
	"log/slog"
	"time"

	"github.com/gatehouse-auth/gatehouse/provider"
	"github.com/gatehouse-auth/gatehouse/provider/mail"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// Config is the management API's configuration. A zero field takes the default named
// in its comment.
type Config struct {
	// Provider authenticates bearer tokens and holds the store and the issuer
	// (required).
	Provider *provider.Provider
	// Mailer sends invitation emails (required; mail.NewLogMailer in development).
	Mailer mail.Mailer
	// InvitationLifetime is how long an invitation link works (7 days).
	InvitationLifetime time.Duration
	// Logger receives operational logs (slog.Default()).
	Logger *slog.Logger
}

// API serves the management API. Build it with New; it is safe for concurrent use.
type API struct {
	p      *provider.Provider
	store  *storage.Store
	mailer mail.Mailer
	issuer string
	ttl    time.Duration
	log    *slog.Logger
	now    func() time.Time
	// limiter bounds the invitation emails a person can send (see allowMail).
	limiter *redis_rate.Limiter
}

// New checks cfg, fills in its defaults and returns the API.
func New(cfg Config) (*API, error) {
	if cfg.Provider == nil {
		return nil, errors.New("api: a provider is required")
	}
	if cfg.Mailer == nil {
		return nil, errors.New("api: a mailer is required (mail.NewLogMailer for development)")
	}
	if cfg.InvitationLifetime <= 0 {
		cfg.InvitationLifetime = 7 * 24 * time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}

	pc := cfg.Provider.Config()
	return &API{
		p:       cfg.Provider,
		store:   cfg.Provider.Store(),
		mailer:  cfg.Mailer,
		issuer:  pc.Issuer,
		ttl:     cfg.InvitationLifetime,
		log:     cfg.Logger,
		limiter: redis_rate.NewLimiter(cfg.Provider.Store().Redis()),
		now:     pc.Now,
	}, nil
}
