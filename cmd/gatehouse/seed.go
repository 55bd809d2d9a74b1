package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"

	"github.com/gatehouse-auth/gatehouse/provider"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// CLIClientID is the public client that `gatehouse connect` uses.
const CLIClientID = "gatehouse-cli"

// seedClients creates the built-in clients on first start; a client that exists is
// left as it is, so concurrent first starts are safe.
func seedClients(ctx context.Context, st *storage.Store) error {
	cli := storage.NewClient(CLIClientID, "Gatehouse CLI", storage.ClientKindCLI, nil,
		[]string{provider.GrantTypeDeviceCode, "refresh_token"},
		[]string{"openid", "profile", "email", "offline_access"})
	if err := st.CreateClient(ctx, cli); err != nil && !errors.Is(err, storage.ErrExists) {
		return fmt.Errorf("seed %s client: %w", CLIClientID, err)
	}
	return nil
}

// modeKey records whether a Redis holds dev or production data. Dev mode seeds a
// client whose secret is public, so the two must never share a database.
const modeKey = "gh:mode"

// claimMode marks the store as dev or production on first start and refuses to start
// in the other mode later.
func claimMode(ctx context.Context, st *storage.Store, dev bool) error {
	want := "production"
	if dev {
		want = "dev"
	}
	rdb := st.Redis()
	if err := rdb.SetNX(ctx, modeKey, want, 0).Err(); err != nil {
		return fmt.Errorf("mark the store's mode: %w", err)
	}
	got, err := rdb.Get(ctx, modeKey).Result()
	if err != nil {
		return fmt.Errorf("read the store's mode: %w", err)
	}
	if got != want {
		return fmt.Errorf("this Redis holds %s data; refusing to run in %s mode on it "+
			"(dev mode seeds a client with a public secret): use another database", got, want)
	}
	return nil
}

// devSeed is what dev mode created, for the start-up message.
type devSeed struct {
	email    string
	password string
	random   bool
}

const devAdminEmail = "admin@example.com"

// seedDev creates the dev admin, the organization Acme with the admin as its admin,
// and Acme's demo tenant.
func seedDev(ctx context.Context, st *storage.Store, password string) (*devSeed, error) {
	seed := &devSeed{email: devAdminEmail, password: password}
	if seed.password == "" {
		seed.password, seed.random = rand.Text()[:16], true
	}
	admin, err := st.CreateUser(ctx, devAdminEmail, "Dev Admin", seed.password)
	if errors.Is(err, storage.ErrExists) {
		seed.password, seed.random = "", false
		return seed, nil
	}
	if err != nil {
		return nil, fmt.Errorf("seed dev admin: %w", err)
	}

	org, err := st.CreateOrganization(ctx, devOrgName, admin.ID)
	if err != nil {
		return nil, fmt.Errorf("seed dev organization: %w", err)
	}
	_, _, err = st.CreateTenant(ctx, storage.TenantSpec{
		OrgID: org.ID, Name: "Acme demo tenant", URL: DevTenantURL,
		ClientID: DevTenantClientID, ClientSecret: DevTenantClientSecret,
	})
	if err != nil && !errors.Is(err, storage.ErrExists) {
		return nil, fmt.Errorf("seed dev tenant: %w", err)
	}
	return seed, nil
}

// The dev tenant is where `go run ./cmd/demo-tenant` listens by default, with the
// client credentials demo-tenant uses by default, so the two run together with no setup.
// The secret is public on purpose: it exists only in dev mode.
const (
	devOrgName            = "Acme"
	DevTenantURL          = "http://127.0.0.1:8421"
	DevTenantClientID     = "demo-tenant"
	DevTenantClientSecret = "demo-tenant-dev-secret"
)

func (d *devSeed) printNextSteps(w io.Writer, issuer string) {
	fmt.Fprintln(w, "")
	fmt.Fprintln(w, "Gatehouse is running in dev mode. Next, in another terminal:")
	fmt.Fprintf(w, "    go run ./cmd/gatehouse connect --url %s\n", issuer)
	demo := "go run ./cmd/demo-tenant"
	if issuer != "http://127.0.0.1:8420" {
		demo += " --issuer " + issuer
	}
	fmt.Fprintf(w, "or, for the Acme demo tenant (start it with `%s`):\n", demo)
	fmt.Fprintf(w, "    go run ./cmd/gatehouse connect --url %s\n", DevTenantURL)
	fmt.Fprintf(w, "Sign in at %s%s as %s", issuer, provider.PathVerification, d.email)
	switch {
	case d.password == "":
		fmt.Fprintln(w, " (the user already existed; its password is unchanged).")
	case d.random:
		fmt.Fprintf(w, " with the password %s (shown once).\n", d.password)
	default:
		fmt.Fprintln(w, " with the --dev-admin-password you gave.")
	}
	fmt.Fprintln(w, "")
}
