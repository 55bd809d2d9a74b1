// Command gatehouse is the Gatehouse identity provider and its command-line client.
//
// `gatehouse serve` runs the provider; `gatehouse connect`, `whoami` and `logout` log a
// terminal in through the browser with the OAuth 2.0 device authorization grant.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if err := newRootCmd().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "gatehouse:", err)
		os.Exit(1)
	}
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "gatehouse",
		Short:         "Gatehouse: an OAuth 2.0 / OpenID Connect provider for command-line logins",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newServeCmd(),
		newUserCmd(),
		newConnectCmd(),
		newWhoamiCmd(),
		newLogoutCmd(),
		newOrgCmd(),
		newTenantCmd(),
		newMemberCmd(),
		newInvitationCmd(),
		newBillingCmd(),
		newDeviceCmd(),
		newAuditCmd(),
	)
	return root
}
