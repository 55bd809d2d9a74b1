package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cli/browser"
	"github.com/spf13/cobra"

	"github.com/gatehouse-auth/gatehouse/cmd/gatehouse/internal/client"
)

// newConnectCmd returns `gatehouse connect`: sign this terminal in through the browser
// with the OAuth 2.0 device authorization grant (RFC 8628).
func newConnectCmd() *cobra.Command {
	var (
		serverURL    string
		noBrowser    bool
		insecureHTTP bool
		configDir    string
	)
	cmd := &cobra.Command{
		Use:   "connect --url URL",
		Short: "Sign this terminal in to a Gatehouse server through the browser",
		Long: `Sign this terminal in to a Gatehouse server through the browser.

URL is either a Gatehouse issuer or a tenant server that names one in its
OAuth protected resource metadata (RFC 9728). connect shows a code, opens the
browser where you approve it, and stores the tokens in credentials.json in the
config directory (--config-dir, else $GATEHOUSE_CONFIG_DIR, else
$XDG_CONFIG_HOME/gatehouse, else the user config directory).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			store, err := openCredentials(configDir)
			if err != nil {
				return err
			}
			opts := client.Options{AllowInsecureHTTP: insecureHTTP}
			return userError(runConnect(cmd.Context(), cmd, store, opts, serverURL, noBrowser))
		},
	}

	f := cmd.Flags()
	f.StringVar(&serverURL, "url", "", "server URL: a Gatehouse issuer or a tenant server")
	f.BoolVar(&noBrowser, "no-browser", false, "print the link but do not open a browser")
	f.BoolVar(&insecureHTTP, "insecure-http", false,
		"allow plain http to a host other than localhost (test servers only)")
	addConfigDirFlag(cmd, &configDir)
	_ = cmd.MarkFlagRequired("url")
	return cmd
}

// runConnect discovers the server, runs the device flow and stores the connection.
func runConnect(ctx context.Context, cmd *cobra.Command, store *client.Store,
	opts client.Options, serverURL string, noBrowser bool) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()

	// Discover the issuer and start the device authorization (RFC 8628 §3.1).
	srv, err := client.Discover(ctx, opts, serverURL)
	if err != nil {
		return err
	}
	auth, err := client.StartDeviceAuth(ctx, opts, srv, client.CurrentDevice())
	if err != nil {
		return err
	}

	// RFC 8628 §3.3: show the verification URI and the user code.
	fmt.Fprintln(stdout, "To sign in, open:", auth.VerificationURI)
	fmt.Fprintln(stdout, "and enter the code:", auth.UserCode)
	link := auth.VerificationURI
	if auth.VerificationURIComplete != "" {
		link = auth.VerificationURIComplete
		fmt.Fprintln(stdout, "Or open this link, which fills the code in:", link)
	}
	if !noBrowser && canOpenBrowser() {
		openBrowser(stderr, link)
	}

	// RFC 8628 §3.4: poll until the user decides.
	stop := showWaiting(stderr)
	entry, err := auth.Wait(ctx)
	stop()
	if err != nil {
		return err
	}

	// Store and report.
	if err := store.Put(entry); err != nil {
		return err
	}
	fmt.Fprintln(stdout, connectedMessage(entry))
	return nil
}

// connectedMessage says whom the connection belongs to and how long it lasts, from
// display-only claims.
func connectedMessage(e *client.Entry) string {
	c := e.Claims()
	var b strings.Builder
	b.WriteString("Connected to " + e.URL)
	if who := firstNonEmpty(c.Email, c.Name, c.Subject); who != "" {
		b.WriteString(" as " + who)
	}

	var org []string
	for _, p := range [][2]string{{"org", c.OrgID}, {"role", c.OrgRole}, {"tenant", c.TenantID}} {
		if p[1] != "" {
			org = append(org, p[0]+" "+p[1])
		}
	}
	if len(org) > 0 {
		b.WriteString(" (" + strings.Join(org, ", ") + ")")
	}

	until := e.RefreshExpiry
	if until.IsZero() {
		until = e.Expiry
	}
	if !until.IsZero() {
		b.WriteString(" until " + until.Local().Format("Mon 2 Jan 2006 15:04 MST"))
	}
	return b.String() + "."
}

// canOpenBrowser reports whether a browser can be shown to the user: not over SSH
// without a forwarded display, and on Linux and the BSDs only with a graphical display
// (otherwise a text browser could take over the terminal) or under WSL.
func canOpenBrowser() bool {
	display := os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
	if (os.Getenv("SSH_CONNECTION") != "" || os.Getenv("SSH_TTY") != "") && !display {
		return false
	}
	switch runtime.GOOS {
	case "darwin", "windows":
		return true
	}
	return display || os.Getenv("WSL_DISTRO_NAME") != ""
}

// openBrowser opens link; failing to is only worth a warning, since the link is printed.
func openBrowser(stderr io.Writer, link string) {
	browser.Stdout, browser.Stderr = io.Discard, io.Discard
	if err := browser.OpenURL(link); err != nil {
		fmt.Fprintf(stderr, "Warning: could not open a browser (%v); open the link above.\n", err)
	}
}

// showWaiting tells the user on stderr that approval is awaited: a spinner on a
// terminal, one plain line otherwise. The returned function stops it.
func showWaiting(stderr io.Writer) (stop func()) {
	const msg = "Waiting for approval in the browser..."
	if !isTerminal(stderr) {
		fmt.Fprintln(stderr, msg)
		return func() {}
	}

	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		frames := `|/-\`
		tick := time.NewTicker(150 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			fmt.Fprintf(stderr, "\r%c %s (Ctrl-C to cancel)", frames[i%len(frames)], msg)
			select {
			case <-done:
				fmt.Fprint(stderr, "\r\033[K") // erase the spinner line
				return
			case <-tick.C:
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// configDirUsage is the help of --config-dir, which overrides $GATEHOUSE_CONFIG_DIR.
const configDirUsage = "directory holding credentials.json (default $GATEHOUSE_CONFIG_DIR, " +
	"else $XDG_CONFIG_HOME/gatehouse)"

// addConfigDirFlag adds --config-dir to cmd.
func addConfigDirFlag(cmd *cobra.Command, dir *string) {
	cmd.Flags().StringVar(dir, "config-dir", "", configDirUsage)
}

// openCredentials returns the credentials store in dir, or in [client.DefaultDir] when dir
// is empty.
func openCredentials(dir string) (*client.Store, error) {
	if dir == "" {
		d, err := client.DefaultDir()
		if err != nil {
			return nil, userError(err)
		}
		dir = d
	}
	return &client.Store{Dir: dir}, nil
}

// userError turns an error from package client into the sentence the user sees.
func userError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, client.ErrDenied):
		return errors.New("The request was denied in the browser.")
	case errors.Is(err, client.ErrExpired):
		return errors.New("The code expired before it was approved; run gatehouse connect again.")
	case errors.Is(err, context.Canceled):
		return errors.New("Cancelled.")
	case errors.Is(err, client.ErrNotConnected):
		return fmt.Errorf("%s; to connect, run: gatehouse connect --url URL.", sentence(err, false))
	case errors.Is(err, client.ErrSessionEnded):
		return fmt.Errorf("%s; run gatehouse connect again.", sentence(err, false))
	}
	return errors.New(sentence(err, true))
}

// sentence drops the "client: " prefix of err's message, capitalizes it and, when full,
// ends it with a period.
func sentence(err error, full bool) string {
	msg := strings.TrimPrefix(err.Error(), "client: ")
	r, size := utf8.DecodeRuneInString(msg)
	msg = string(unicode.ToUpper(r)) + msg[size:]
	if full && !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// firstNonEmpty returns the first of values that is not empty.
func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
