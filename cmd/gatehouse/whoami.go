package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/gatehouse-auth/gatehouse/cmd/gatehouse/internal/client"
)

// whoamiRow is one connection as `whoami -o json` prints it. The field set is stable:
// an absent value is "" or null, never a missing key.
type whoamiRow struct {
	URL                  string     `json:"url"`
	Issuer               string     `json:"issuer"`
	Resource             string     `json:"resource"`
	Subject              string     `json:"subject"`
	Email                string     `json:"email"`
	Name                 string     `json:"name"`
	OrgID                string     `json:"org_id"`
	OrgRole              string     `json:"org_role"`
	TenantID             string     `json:"tenant_id"`
	DeviceID             string     `json:"device_id"`
	AccessTokenExpiresAt *time.Time `json:"access_token_expires_at"`
	ExpiresAt            *time.Time `json:"expires_at"` // when the authorization ends
	ObtainedAt           *time.Time `json:"obtained_at"`
}

// newWhoamiCmd returns `gatehouse whoami`: show the stored connections.
func newWhoamiCmd() *cobra.Command {
	var serverURL, output, configDir string
	cmd := &cobra.Command{
		Use:   "whoami [--url URL] [-o table|json]",
		Short: "Show the servers this terminal is connected to, and as whom",
		Long: `Show the servers this terminal is connected to, and as whom.

The identity is read from the stored tokens without contacting the server and is
for display only. expires_at is when the device authorization ends; the access
token is renewed automatically until then.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "table" && output != "json" {
				return fmt.Errorf("Unknown output format %q; use table or json.", output)
			}
			store, err := openCredentials(configDir)
			if err != nil {
				return err
			}
			return userError(runWhoami(cmd, store, serverURL, output))
		},
	}

	f := cmd.Flags()
	f.StringVar(&serverURL, "url", "", "show only the connection to this server")
	f.StringVarP(&output, "output", "o", "table", "output format: table or json")
	addConfigDirFlag(cmd, &configDir)
	return cmd
}

// runWhoami prints one connection, or all of them.
func runWhoami(cmd *cobra.Command, store *client.Store, serverURL, output string) error {
	// Load.
	var entries []*client.Entry
	if serverURL != "" {
		e, err := store.Get(serverURL)
		if err != nil {
			return err
		}
		entries = []*client.Entry{e}
	} else {
		list, err := store.List()
		if err != nil {
			return err
		}
		entries = list
	}

	rows := make([]whoamiRow, 0, len(entries))
	for _, e := range entries {
		rows = append(rows, newWhoamiRow(e))
	}

	// Print.
	out := cmd.OutOrStdout()
	if output == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(out, "Not connected to any server. To connect, run: gatehouse connect --url URL")
		return nil
	}
	return printWhoamiTable(out, rows)
}

// newWhoamiRow decodes e's display-only claims into a row.
func newWhoamiRow(e *client.Entry) whoamiRow {
	c := e.Claims()
	return whoamiRow{
		URL: e.URL, Issuer: e.Issuer, Resource: e.Resource,
		Subject: c.Subject, Email: c.Email, Name: c.Name,
		OrgID: c.OrgID, OrgRole: c.OrgRole, TenantID: c.TenantID, DeviceID: c.DeviceID,
		AccessTokenExpiresAt: utcOrNil(e.Expiry),
		ExpiresAt:            utcOrNil(e.RefreshExpiry),
		ObtainedAt:           utcOrNil(e.ObtainedAt),
	}
}

// printWhoamiTable prints rows as an aligned table with local times.
func printWhoamiTable(out io.Writer, rows []whoamiRow) error {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "URL\tSUBJECT\tEMAIL\tORG\tROLE\tTENANT\tDEVICE\tACCESS TOKEN UNTIL\tEXPIRES AT")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.URL, dash(r.Subject),
			dash(r.Email), dash(r.OrgID), dash(r.OrgRole), dash(r.TenantID), dash(r.DeviceID),
			localTime(r.AccessTokenExpiresAt), localTime(r.ExpiresAt))
	}
	return tw.Flush()
}

// utcOrNil returns t in UTC to the second, or nil for the zero time.
func utcOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC().Truncate(time.Second)
	return &u
}

// localTime formats t for the table; nil shows as "-".
func localTime(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04 MST")
}

// dash returns s, or "-" when s is empty.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
