package main

import (
	"context"
	"errors"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/gatehouse-auth/gatehouse/cmd/gatehouse/internal/mgmt"
)

// mgmtFlags are the flags of the management commands (org, tenant, member, invitation,
// billing, authorized-device, audit). One value is shared by a command group.
type mgmtFlags struct {
	server    string
	configDir string
	output    string
	org       string
}

// mgmtSession is what a management command works with: the API of the chosen
// Gatehouse connection and the printer for the chosen format.
type mgmtSession struct {
	api   *mgmt.Client
	out   *mgmt.Printer
	cmd   *cobra.Command
	flags *mgmtFlags
}

// addMgmtFlags adds --server, --config-dir and -o to group and its subcommands.
func addMgmtFlags(group *cobra.Command, f *mgmtFlags) {
	pf := group.PersistentFlags()
	pf.StringVar(&f.server, "server", "",
		"Gatehouse connection to use (default: the only stored connection to Gatehouse itself)")
	pf.StringVar(&f.configDir, "config-dir", "", configDirUsage)
	pf.StringVarP(&f.output, "output", "o", "table", "output format: table or json")
}

// addOrgFlag adds --org to cmd and, when persistent, to its subcommands too.
func addOrgFlag(cmd *cobra.Command, f *mgmtFlags, persistent bool, usage string) {
	fs := cmd.Flags()
	if persistent {
		fs = cmd.PersistentFlags()
	}
	fs.StringVar(&f.org, "org", "", usage)
}

// orgFlagUsage is the --org help of commands that default to the only organization.
const orgFlagUsage = "organization id or exact name (default: your only organization)"

// addYesFlag adds -y to cmd.
func addYesFlag(cmd *cobra.Command, yes *bool) {
	cmd.Flags().BoolVarP(yes, "yes", "y", false, "do not ask for confirmation")
}

// mgmtRun returns a RunE that opens the session f describes, runs run and turns its
// errors into the one-line sentences the user sees.
func mgmtRun(f *mgmtFlags, run func(ctx context.Context, s *mgmtSession, args []string) error,
) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		s, err := openMgmt(cmd, f)
		if err != nil {
			return mgmtError(err)
		}
		return mgmtError(run(cmd.Context(), s, args))
	}
}

// openMgmt checks the output format and dials the Gatehouse connection f names.
func openMgmt(cmd *cobra.Command, f *mgmtFlags) (*mgmtSession, error) {
	format, err := mgmt.ParseFormat(f.output)
	if err != nil {
		return nil, err
	}
	store, err := openCredentials(f.configDir)
	if err != nil {
		return nil, err
	}
	api, err := mgmt.Dial(cmd.Context(), store, f.server)
	if err != nil {
		return nil, err
	}
	out := &mgmt.Printer{Out: cmd.OutOrStdout(), Err: cmd.ErrOrStderr(), Format: format}
	return &mgmtSession{api: api, out: out, cmd: cmd, flags: f}, nil
}

// org resolves --org, or the caller's only organization when it is not set.
func (s *mgmtSession) org(ctx context.Context) (*mgmt.Org, error) {
	return s.api.ResolveOrg(ctx, s.flags.org)
}

// orgIfSet resolves --org when it is set; it returns nil when it is not.
func (s *mgmtSession) orgIfSet(ctx context.Context) (*mgmt.Org, error) {
	if s.flags.org == "" {
		return nil, nil
	}
	return s.api.ResolveOrg(ctx, s.flags.org)
}

// confirm asks question on stderr unless yes is set. Without a terminal on stdin it
// refuses rather than guess.
func (s *mgmtSession) confirm(yes bool, question string) (bool, error) {
	if yes {
		return true, nil
	}
	in := s.cmd.InOrStdin()
	return mgmt.Confirm(in, s.cmd.ErrOrStderr(), isTerminalInput(in), question)
}

// isTerminalInput reports whether r is a character device, such as a terminal, that a
// person can answer on. Unlike isTerminal it ignores TERM: a dumb terminal can answer.
func isTerminalInput(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// declined tells the user that nothing was done.
func (s *mgmtSession) declined() error {
	s.out.Warn("Nothing was changed.")
	return nil
}

// mgmtError turns an error of a management command into the sentence the user sees.
func mgmtError(err error) error {
	if err == nil {
		return nil
	}
	if msg, ok := mgmt.Message(err); ok {
		return errors.New(msg)
	}
	return userError(err)
}
