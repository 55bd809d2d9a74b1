package consent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/go-redis/redis_rate/v10"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// Defaults for the zero values of Config.
const (
	DefaultDeviceLifetime        = 24 * time.Hour
	DefaultTrustedDeviceLifetime = 30 * 24 * time.Hour
	DefaultSessionLifetime       = 12 * time.Hour
)

// Config configures the consent pages. The zero value of each optional field means its
// default.
type Config struct {
	// Store keeps users, browser sessions and device requests. Required.
	Store *storage.Store
	// Issuer is the server's external URL, e.g. http://127.0.0.1:8420. Its host is the
	// only trusted origin for forms; an https issuer makes every cookie Secure. Required.
	Issuer string
	// DeviceLifetime is how long an approved device stays authorized (24 hours).
	DeviceLifetime time.Duration
	// TrustedDeviceLifetime is the same for a device marked trusted (30 days).
	TrustedDeviceLifetime time.Duration
	// SessionLifetime is how long a browser stays signed in (12 hours).
	SessionLifetime time.Duration
	// CSRFKey authenticates the CSRF cookie; exactly 32 bytes, and stable across
	// restarts so that open pages keep working. Required.
	CSRFKey []byte
	// Logger receives the log; the default discards it.
	Logger *slog.Logger
	// Now is the clock (time.Now).
	Now func() time.Time
	// Authorize decides whether user may approve req and fills the organization and
	// tenant fields (OrgID, OrgRole, TenantID) of the approval; the other fields of
	// what it returns are ignored. A *RefusalError is shown to the person and denies
	// the request; any other error is a 503 and leaves the request pending. nil lets
	// anyone signed in approve. It may be called concurrently.
	Authorize func(ctx context.Context, user *storage.User, req *storage.DeviceRequest) (storage.Approval, error)
}

// RefusalError is how Config.Authorize refuses an approval. Message is shown on the
// page as is, so it must be written for the person and reveal nothing internal.
type RefusalError struct {
	Message string
}

// Error implements error; the text is for logs, the page shows Message alone.
func (e *RefusalError) Error() string { return "consent: approval refused: " + e.Message }

// Handler serves the consent pages. It is safe for concurrent use.
type Handler struct {
	cfg     Config
	store   *storage.Store
	log     *slog.Logger
	limiter *redis_rate.Limiter
	pages   *pages
	routes  map[string]route

	// secure is set for an https issuer: Secure cookies and strict Referer checks.
	secure bool
	// origin is the issuer's scheme://host[:port]; originHost its host[:port].
	origin, originHost string
}

// New checks cfg, fills its defaults and returns the Handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Store == nil {
		return nil, errors.New("consent: Config.Store is required")
	}
	if len(cfg.CSRFKey) != 32 {
		return nil, fmt.Errorf("consent: Config.CSRFKey must be 32 bytes, got %d", len(cfg.CSRFKey))
	}
	iss, err := url.Parse(cfg.Issuer)
	if err != nil || iss.Host == "" || (iss.Scheme != "http" && iss.Scheme != "https") {
		return nil, fmt.Errorf("consent: Config.Issuer %q is not an http(s) URL", cfg.Issuer)
	}
	setDefaults(&cfg)

	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	h := &Handler{
		cfg:        cfg,
		store:      cfg.Store,
		log:        cfg.Logger,
		limiter:    redis_rate.NewLimiter(cfg.Store.Redis()),
		pages:      p,
		secure:     iss.Scheme == "https",
		origin:     iss.Scheme + "://" + iss.Host,
		originHost: iss.Host,
	}
	h.routes = h.routeTable()
	return h, nil
}

func setDefaults(cfg *Config) {
	if cfg.DeviceLifetime <= 0 {
		cfg.DeviceLifetime = DefaultDeviceLifetime
	}
	if cfg.TrustedDeviceLifetime <= 0 {
		cfg.TrustedDeviceLifetime = DefaultTrustedDeviceLifetime
	}
	if cfg.SessionLifetime <= 0 {
		cfg.SessionLifetime = DefaultSessionLifetime
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r)
}
