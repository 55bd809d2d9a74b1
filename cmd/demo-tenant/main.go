// Command demo-tenant is a small tenant server built on package rbac: it trusts
// Gatehouse access tokens offline and keeps notes in memory. Viewers may read the
// notes, editors and admins may add to them.
//
// It starts next to `gatehouse serve --dev` with no setup: the dev seed registers its
// resource URL and its confidential client, demo-tenant / demo-tenant-dev-secret.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gatehouse-auth/gatehouse/rbac"
)

// Defaults, matching what `gatehouse serve --dev` seeds.
const (
	defaultListen       = "127.0.0.1:8421"
	defaultIssuer       = "http://127.0.0.1:8420"
	defaultClientID     = "demo-tenant"
	defaultClientSecret = "demo-tenant-dev-secret"
)

// discoveryWait bounds how long start-up waits for Gatehouse to answer discovery.
const discoveryWait = 30 * time.Second

// config is the demo tenant's configuration, from flags and their environment twins.
type config struct {
	listen       string
	url          string
	issuer       string
	clientID     string
	clientSecret string
}

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	cfg, err := parseConfig(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		log.Error("bad configuration", "error", err)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = run(ctx, cfg, log)
	if errors.Is(err, context.Canceled) {
		log.Info("demo tenant stopped before the issuer was discovered")
		return
	}
	if err != nil {
		log.Error("demo tenant stopped", "error", err)
		os.Exit(1)
	}
}

// parseConfig reads flags from args; each flag's default comes from its environment
// twin when set, through getenv. Usage goes to out.
func parseConfig(args []string, getenv func(string) string, out io.Writer) (config, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}

	var cfg config
	fs := flag.NewFlagSet("demo-tenant", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&cfg.listen, "listen", env("GATEHOUSE_DEMO_LISTEN", defaultListen),
		"address to listen on (env GATEHOUSE_DEMO_LISTEN)")
	fs.StringVar(&cfg.url, "url", env("GATEHOUSE_DEMO_URL", ""),
		"this tenant's resource URL, the aud its tokens must carry "+
			"(env GATEHOUSE_DEMO_URL; default http://LISTEN)")
	fs.StringVar(&cfg.issuer, "issuer", env("GATEHOUSE_DEMO_ISSUER", defaultIssuer),
		"Gatehouse issuer URL (env GATEHOUSE_DEMO_ISSUER)")
	fs.StringVar(&cfg.clientID, "client-id", env("GATEHOUSE_DEMO_CLIENT_ID", defaultClientID),
		"this tenant's confidential client id, for the device revocation list "+
			"(env GATEHOUSE_DEMO_CLIENT_ID)")
	// The secret's default is resolved after parsing so that --help never prints it.
	fs.StringVar(&cfg.clientSecret, "client-secret", "",
		"this tenant's client secret; prefer the env twin, since flags show in ps "+
			"(env GATEHOUSE_DEMO_CLIENT_SECRET; default the dev seed's secret)")
	fs.Usage = func() {
		fmt.Fprint(out, usageText)
		fs.PrintDefaults()
	}

	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if cfg.clientSecret == "" {
		cfg.clientSecret = env("GATEHOUSE_DEMO_CLIENT_SECRET", defaultClientSecret)
	}
	if cfg.url == "" {
		cfg.url = "http://" + cfg.listen
	}
	if u, err := url.Parse(cfg.url); err != nil || u.Scheme == "" || u.Host == "" {
		return config{}, fmt.Errorf("--url %q is not an absolute URL", cfg.url)
	}
	return cfg, nil
}

const usageText = `demo-tenant: a tenant server that trusts Gatehouse access tokens.

Endpoints:
  GET  /.well-known/oauth-protected-resource   RFC 9728 metadata naming the issuer
  GET  /api/notes                              list notes (needs tenant:read)
  POST /api/notes  {"text": "..."}             add a note (needs tenant:write)
  GET  /healthz                                liveness

The defaults match what "gatehouse serve --dev" seeds: issuer http://127.0.0.1:8420,
resource http://127.0.0.1:8421 and the confidential client demo-tenant with secret
demo-tenant-dev-secret, so the two run together with no setup. Start them in either
order: demo-tenant waits up to 30 s for the issuer.

Flags:
`

// run discovers the issuer, then serves until ctx is done.
func run(ctx context.Context, cfg config, log *slog.Logger) error {
	v, err := waitForIssuer(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer v.Close()

	srv := &http.Server{
		Addr:              cfg.listen,
		Handler:           routes(cfg, v, newNoteStore(), log),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.InfoContext(ctx, "demo tenant listening", "listen", cfg.listen, "resource", cfg.url,
		"issuer", cfg.issuer)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// waitForIssuer builds the verifier, retrying discovery for up to discoveryWait since
// Gatehouse may start after the tenant. Each attempt is logged.
func waitForIssuer(ctx context.Context, cfg config, log *slog.Logger) (*rbac.Verifier, error) {
	ctx, cancel := context.WithTimeout(ctx, discoveryWait)
	defer cancel()

	vcfg := rbac.VerifierConfig{
		Issuer:       cfg.issuer,
		Resource:     cfg.url,
		HTTPClient:   &http.Client{Timeout: 5 * time.Second},
		ClientID:     cfg.clientID,
		ClientSecret: cfg.clientSecret,
		Logger:       log,
	}
	for attempt := 1; ; attempt++ {
		v, err := rbac.NewVerifier(ctx, vcfg)
		if err == nil {
			log.InfoContext(ctx, "issuer discovered", "issuer", cfg.issuer, "attempt", attempt)
			return v, nil
		}
		log.WarnContext(ctx, "issuer discovery failed; retrying", "issuer", cfg.issuer,
			"attempt", attempt, "error", err)

		select {
		case <-ctx.Done():
			if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("issuer %s not reachable within %s: %w",
				cfg.issuer, discoveryWait, err)
		case <-time.After(time.Second):
		}
	}
}
