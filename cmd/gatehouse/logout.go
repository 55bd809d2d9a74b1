package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gatehouse-auth/gatehouse/cmd/gatehouse/internal/client"
)

// newLogoutCmd returns `gatehouse logout`: revoke a connection and forget it.
func newLogoutCmd() *cobra.Command {
	var (
		serverURL string
		all       bool
		configDir string
	)
	cmd := &cobra.Command{
		Use:   "logout [--url URL | --all]",
		Short: "Revoke this terminal's sign-in at the server and delete its credentials",
		Long: `Revoke this terminal's sign-in at the server and delete its credentials.

logout asks the server to revoke the refresh token (RFC 7009), which ends this
device's authorization, then deletes the stored credentials. Without --url it
logs out of the only stored connection; with several, choose one with --url or
use --all.

If the server cannot be reached or refuses, the credentials are deleted anyway,
so this terminal is signed out either way, and logout exits non-zero: the
authorization then stays valid at the server until it expires or is revoked
there.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if all && serverURL != "" {
				return errors.New("Use either --url or --all, not both.")
			}
			store, err := openCredentials(configDir)
			if err != nil {
				return err
			}
			return userError(runLogout(cmd, store, serverURL, all))
		},
	}

	f := cmd.Flags()
	f.StringVar(&serverURL, "url", "", "log out of this server")
	f.BoolVar(&all, "all", false, "log out of every stored connection")
	addConfigDirFlag(cmd, &configDir)
	return cmd
}

// runLogout logs out of the chosen connections and reports each outcome.
func runLogout(cmd *cobra.Command, store *client.Store, serverURL string, all bool) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()

	// Choose the connections.
	var targets []*client.Entry
	if serverURL != "" {
		e, err := store.Get(serverURL)
		if err != nil {
			return err
		}
		targets = []*client.Entry{e}
	} else {
		list, err := store.List()
		if err != nil {
			return err
		}
		if len(list) > 1 && !all {
			urls := make([]string, len(list))
			for i, e := range list {
				urls[i] = e.URL
			}
			return fmt.Errorf("connected to %d servers (%s); choose one with --url or use --all",
				len(list), strings.Join(urls, ", "))
		}
		targets = list
	}
	if len(targets) == 0 {
		fmt.Fprintln(stdout, "Not connected to any server.")
		return nil
	}

	// Revoke and forget each; go on past a failed revocation.
	failed := 0
	for _, e := range targets {
		err := store.Logout(cmd.Context(), e.URL)
		switch {
		case err == nil:
			fmt.Fprintf(stdout, "Logged out of %s; the server revoked this device's sign-in.\n",
				e.URL)
		case errors.Is(err, client.ErrRevocationFailed):
			failed++
			fmt.Fprintf(stderr, "Warning: deleted the credentials for %s, but %s.\n",
				e.URL, strings.TrimPrefix(err.Error(), "client: "))
			if !e.RefreshExpiry.IsZero() {
				fmt.Fprintf(stderr, "The sign-in stays valid at the server until %s unless "+
					"revoked there.\n", e.RefreshExpiry.Local().Format(time.RFC1123))
			}
		default:
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("the server did not confirm the logout of %d of %d connections",
			failed, len(targets))
	}
	return nil
}
