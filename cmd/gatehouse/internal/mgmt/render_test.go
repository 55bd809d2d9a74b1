package mgmt

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name.golden, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n--- got\n%s\n--- want\n%s",
			file, got, want)
	}
}

// TestGolden prints what the commands print, fetched from the fake through the client,
// in both formats, with times in UTC.
func TestGolden(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		print func(c *Client, p *Printer) error
	}{
		{"authorized-device-list", func(c *Client, p *Printer) error {
			devs, err := c.Devices(ctx, "")
			if err != nil {
				return err
			}
			return p.Devices(devs)
		}},
		{"authorized-device-list-org", func(c *Client, p *Printer) error {
			devs, err := c.Devices(ctx, "org_acme")
			if err != nil {
				return err
			}
			return p.OrgDevices(devs)
		}},
		{"authorized-device-describe", func(c *Client, p *Printer) error {
			d, err := c.Device(ctx, "7f3b")
			if err != nil {
				return err
			}
			return p.Device(d)
		}},
		{"member-list", func(c *Client, p *Printer) error {
			ms, err := c.Members(ctx, "org_acme")
			if err != nil {
				return err
			}
			return p.Members(ms)
		}},
		{"audit-list", func(c *Client, p *Printer) error {
			evs, err := c.Audit(ctx, AuditQuery{})
			if err != nil {
				return err
			}
			return p.AuditEvents(evs)
		}},
	}
	for _, tt := range tests {
		for _, format := range []Format{FormatTable, FormatJSON} {
			t.Run(tt.name+"/"+string(format), func(t *testing.T) {
				f := newFakeAPI(t)
				var out bytes.Buffer
				p := &Printer{Out: &out, Format: format, Loc: time.UTC}
				if err := tt.print(f.client(), p); err != nil {
					t.Fatal(err)
				}
				golden(t, tt.name+"."+string(format), out.Bytes())
			})
		}
	}
}

// TestEmptyLists checks that an empty list is [] in JSON and a sentence in a table.
func TestEmptyLists(t *testing.T) {
	tests := []struct {
		name  string
		print func(p *Printer) error
		table string
	}{
		{"devices", func(p *Printer) error { return p.Devices(nil) }, "No authorized devices.\n"},
		{"members", func(p *Printer) error { return p.Members(nil) }, "The organization has no members.\n"},
		{"audit", func(p *Printer) error { return p.AuditEvents(nil) }, "No audit events.\n"},
		{"tenants", func(p *Printer) error { return p.Tenants(nil) }, "The organization has no tenants.\n"},
		{"invitations", func(p *Printer) error { return p.Invitations(nil) }, "The organization has no invitations.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var js, table bytes.Buffer
			if err := tt.print(&Printer{Out: &js, Format: FormatJSON}); err != nil {
				t.Fatal(err)
			}
			if js.String() != "[]\n" {
				t.Errorf("JSON = %q, want []", js.String())
			}
			if err := tt.print(&Printer{Out: &table}); err != nil {
				t.Fatal(err)
			}
			if table.String() != tt.table {
				t.Errorf("table = %q, want %q", table.String(), tt.table)
			}
		})
	}
}

// TestTablesDropControlCharacters checks that a hostname cannot break the columns or
// send escape sequences to the terminal; JSON keeps it as it is.
func TestTablesDropControlCharacters(t *testing.T) {
	d := Device{ID: "dev_1", Status: DeviceActive, Hostname: "evil\x1b[2J\thost\nname"}

	var table bytes.Buffer
	if err := (&Printer{Out: &table, Loc: time.UTC}).Devices([]Device{d}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(table.String(), "\x1b\t") || strings.Count(table.String(), "\n") != 2 {
		t.Errorf("table carries control characters: %q", table.String())
	}

	var describe bytes.Buffer
	if err := (&Printer{Out: &describe, Loc: time.UTC}).Device(&d); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(describe.String(), "\x1b") {
		t.Errorf("describe carries control characters: %q", describe.String())
	}

	var js bytes.Buffer
	if err := (&Printer{Out: &js, Format: FormatJSON}).Device(&d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"evil\u001b[2J\thost\nname"`) {
		t.Errorf("JSON changed the hostname: %s", js.String())
	}
}

// TestCreatedTenantWarns checks that the client secret is printed once, on stdout, and
// the warning to store it goes to stderr in both formats.
func TestCreatedTenantWarns(t *testing.T) {
	nt := &NewTenant{Tenant: Tenant{ID: "tnt_1", Name: "Wiki", URL: "https://wiki.example",
		ClientID: "tenant-wiki"}, ClientSecret: "s3cret"}
	for _, format := range []Format{FormatTable, FormatJSON} {
		t.Run(string(format), func(t *testing.T) {
			var out, errOut bytes.Buffer
			if err := (&Printer{Out: &out, Err: &errOut, Format: format}).CreatedTenant(nt); err != nil {
				t.Fatal(err)
			}
			if strings.Count(out.String(), "s3cret") != 1 {
				t.Errorf("stdout shows the secret %d times: %s", strings.Count(out.String(), "s3cret"), out.String())
			}
			if strings.Contains(errOut.String(), "s3cret") || !strings.Contains(errOut.String(), "Store the client secret now") {
				t.Errorf("stderr = %q", errOut.String())
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"table", "json"} {
		if f, err := ParseFormat(s); err != nil || string(f) != s {
			t.Errorf("ParseFormat(%q) = %q, %v", s, f, err)
		}
	}
	if _, err := ParseFormat("yaml"); err == nil {
		t.Error("ParseFormat(yaml) succeeded")
	}
}
