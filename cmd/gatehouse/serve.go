package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"github.com/spf13/cobra"

	"github.com/gatehouse-auth/gatehouse/consent"
	"github.com/gatehouse-auth/gatehouse/provider"
	"github.com/gatehouse-auth/gatehouse/provider/api"
	"github.com/gatehouse-auth/gatehouse/provider/mail"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// serveOptions are the flags of `gatehouse serve`.
type serveOptions struct {
	store                 storeFlags
	listen                string
	issuer                string
	devAdminPassword      string
	logLevel              string
	logFormat             string
	deviceCodeLifetime    time.Duration
	pollInterval          time.Duration
	deviceLifetime        time.Duration
	trustedDeviceLifetime time.Duration
	accessTokenLifetime   time.Duration
	invitationLifetime    time.Duration
	smtpURL               string
	mailFrom              string
}

func newServeCmd() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the Gatehouse provider",
		Long: "Run the Gatehouse provider. With --dev it needs nothing else: an embedded Redis,\n" +
			"a seeded CLI client, organization and admin user. Without --dev it needs --redis-url\n" +
			"and a server secret (GATEHOUSE_SECRET or --secret-file).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyEnv(cmd); err != nil {
				return err
			}
			return o.run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.listen, "listen", "127.0.0.1:8420", "address to listen on")
	f.StringVar(&o.issuer, "issuer", "", "public URL of this server (default http://LISTEN)")
	f.StringVar(&o.store.redisURL, "redis-url", "", "Redis URL, redis:// or rediss://")
	f.StringVar(&o.store.secretFile, "secret-file", "", "file holding the server secret (32+ bytes); or set GATEHOUSE_SECRET")
	f.BoolVar(&o.store.dev, "dev", false, "development mode: embedded Redis unless --redis-url, seeded client, org and admin")
	f.StringVar(&o.devAdminPassword, "dev-admin-password", "", "password of the dev admin@example.com (default: random, printed once)")
	f.DurationVar(&o.deviceCodeLifetime, "device-code-lifetime", 10*time.Minute, "how long a device code waits for approval")
	f.DurationVar(&o.pollInterval, "poll-interval", 5*time.Second, "initial minimum polling interval")
	f.DurationVar(&o.deviceLifetime, "device-lifetime", 24*time.Hour, "authorization lifetime of an untrusted device")
	f.DurationVar(&o.trustedDeviceLifetime, "trusted-device-lifetime", 720*time.Hour, "authorization lifetime of a trusted device")
	f.DurationVar(&o.accessTokenLifetime, "access-token-lifetime", time.Hour, "access token lifetime, never past the device's")
	f.DurationVar(&o.invitationLifetime, "invitation-lifetime", 7*24*time.Hour, "how long an invitation link works")
	f.StringVar(&o.smtpURL, "smtp-url", "", "SMTP server for invitation mail, smtp://host:port or smtps://user:pass@host:port (dev: links go to the log)")
	f.StringVar(&o.mailFrom, "mail-from", "Gatehouse <gatehouse@localhost>", "sender of invitation mail")
	f.StringVar(&o.logLevel, "log-level", "info", "debug, info, warn or error")
	f.StringVar(&o.logFormat, "log-format", "text", "text or json")
	documentEnv(cmd)
	return cmd
}

func (o *serveOptions) logger() (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch o.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(os.Stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(os.Stderr, opts)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", o.logFormat)
}

func (o *serveOptions) run(ctx context.Context) error {
	log, err := o.logger()
	if err != nil {
		return err
	}
	if o.issuer == "" {
		o.issuer = "http://" + o.listen
	}
	o.issuer = strings.TrimRight(o.issuer, "/")

	st, closeStore, err := o.store.openStore(ctx, log)
	if err != nil {
		return err
	}
	defer closeStore()

	if err := waitForRedis(ctx, st, log); err != nil {
		return err
	}
	if err := claimMode(ctx, st, o.store.dev); err != nil {
		return err
	}
	if err := seedClients(ctx, st); err != nil {
		return err
	}
	var dev *devSeed
	if o.store.dev {
		if dev, err = seedDev(ctx, st, o.devAdminPassword); err != nil {
			return err
		}
	}

	keys, err := st.SigningKeys(ctx)
	if err != nil {
		return err
	}
	p, err := provider.New(provider.Config{
		Issuer:                o.issuer,
		DeviceCodeLifetime:    o.deviceCodeLifetime,
		PollInterval:          o.pollInterval,
		DeviceLifetime:        o.deviceLifetime,
		TrustedDeviceLifetime: o.trustedDeviceLifetime,
		AccessTokenLifetime:   o.accessTokenLifetime,
		Logger:                log,
	}, st, keys)
	if err != nil {
		return err
	}
	pages, err := consent.New(consent.Config{
		Store:                 st,
		Issuer:                o.issuer,
		DeviceLifetime:        o.deviceLifetime,
		TrustedDeviceLifetime: o.trustedDeviceLifetime,
		CSRFKey:               st.DerivedKey("csrf"),
		Logger:                log,
		Authorize:             approvalPolicy(p),
	})
	if err != nil {
		return err
	}

	mailer, err := o.mailer(log)
	if err != nil {
		return err
	}
	mgmt, err := api.New(api.Config{
		Provider: p, Mailer: mailer, InvitationLifetime: o.invitationLifetime, Logger: log,
	})
	if err != nil {
		return err
	}

	router := mux.NewRouter()
	p.Routes(router)
	mgmt.Routes(router)
	router.PathPrefix("/").Handler(pages)

	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.listen, err)
	}
	log.Info("gatehouse listening", "address", ln.Addr().String(), "issuer", o.issuer, "dev", o.store.dev)
	if dev != nil {
		dev.printNextSteps(os.Stderr, o.issuer)
	}
	return serveHTTP(ctx, ln, router, log)
}

// mailer sends invitations through --smtp-url. Without it the links go to the log:
// expected in dev mode, warned about otherwise.
func (o *serveOptions) mailer(log *slog.Logger) (mail.Mailer, error) {
	if o.smtpURL != "" {
		return mail.NewSMTP(o.smtpURL, o.mailFrom, log)
	}
	if o.store.dev {
		return mail.NewLogMailer(log), nil
	}
	log.Warn("no --smtp-url: invitation links are written to the log instead of mailed")
	return mail.NewLogMailer(log), nil
}

// approvalPolicy lets the consent pages ask the provider who may approve what; a
// person outside the tenant's organization is told so and the device is denied.
func approvalPolicy(p *provider.Provider) func(context.Context, *storage.User, *storage.DeviceRequest) (storage.Approval, error) {
	return func(ctx context.Context, u *storage.User, req *storage.DeviceRequest) (storage.Approval, error) {
		a, err := p.ApprovalFor(ctx, u, req)
		if errors.Is(err, provider.ErrNotOrgMember) {
			return a, &consent.RefusalError{Message: "You are not a member of the organization that owns this tenant, so this device was denied."}
		}
		return a, err
	}
}

// waitForRedis retries for a while at start, so that gatehouse may start before Redis.
func waitForRedis(ctx context.Context, st *storage.Store, log *slog.Logger) error {
	deadline := time.Now().Add(30 * time.Second)
	for attempt := 1; ; attempt++ {
		err := st.Ping(ctx)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis unreachable after %d attempts: %w", attempt, err)
		}
		log.Warn("waiting for redis", "attempt", attempt, "error", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
