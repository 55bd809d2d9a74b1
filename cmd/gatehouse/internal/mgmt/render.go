package mgmt

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
)

// Format is how a command prints its result.
type Format string

// The output formats.
const (
	// FormatTable is aligned columns, or one "Label: value" line per field, with times
	// in the local zone: for people.
	FormatTable Format = "table"
	// FormatJSON is the API's objects as the API names their fields, indented; a list
	// is a JSON array, never null. For scripts: the set of keys is stable.
	FormatJSON Format = "json"
)

// FormatError is an output format that is neither table nor json.
type FormatError struct{ Value string }

// Error implements error.
func (e *FormatError) Error() string { return fmt.Sprintf("mgmt: unknown output format %q", e.Value) }

// ParseFormat returns the format named s, table or json, or a *FormatError.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case FormatTable, FormatJSON:
		return f, nil
	}
	return "", &FormatError{Value: s}
}

// Printer prints results. Out is required. Err receives warnings meant for the person
// at the terminal, never for a script reading Out; nil means Out. A nil Loc means
// time.Local; the zero Format means FormatTable.
type Printer struct {
	Out    io.Writer
	Err    io.Writer
	Format Format
	Loc    *time.Location
}

// Column widths and formats of tables.
const (
	shortIDLen   = 12
	tableTime    = "2006-01-02 15:04 MST"
	describeTime = "2006-01-02 15:04:05 MST"
)

// JSON reports whether p prints JSON.
func (p *Printer) JSON() bool { return p.Format == FormatJSON }

// Done prints the result of a change: v as JSON, or msg for a person. A nil v prints
// nothing as JSON, for changes whose answer is empty (a deletion).
func (p *Printer) Done(v any, msg string) error {
	if p.JSON() {
		if v == nil {
			return nil
		}
		return p.writeJSON(v)
	}
	_, err := fmt.Fprintln(p.Out, msg)
	return err
}

// Warn writes msg to Err, in either format.
func (p *Printer) Warn(msg string) {
	w := p.Err
	if w == nil {
		w = p.Out
	}
	fmt.Fprintln(w, msg)
}

// writeJSON encodes v indented, without HTML escaping so URLs read as they are.
func (p *Printer) writeJSON(v any) error {
	enc := json.NewEncoder(p.Out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// table prints rows under header as aligned columns, or empty when there are none.
// Columns are separated by tabs in header and rows.
func (p *Printer) table(header string, rows [][]string, empty string) error {
	if len(rows) == 0 {
		_, err := fmt.Fprintln(p.Out, empty)
		return err
	}
	tw := tabwriter.NewWriter(p.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// fields prints one "Label: value" line per pair, values aligned.
func (p *Printer) fields(pairs [][2]string) error {
	tw := tabwriter.NewWriter(p.Out, 0, 4, 1, ' ', 0)
	for _, kv := range pairs {
		fmt.Fprintf(tw, "%s:\t%s\n", kv[0], clean(kv[1]))
	}
	return tw.Flush()
}

// time formats t in p's zone with layout; the zero time is "-".
func (p *Printer) time(t time.Time, layout string) string {
	if t.IsZero() {
		return "-"
	}
	loc := p.Loc
	if loc == nil {
		loc = time.Local
	}
	return t.In(loc).Format(layout)
}

// cell makes s fit one table cell: "-" when empty, and no tabs or line breaks, which
// would break the columns (names come from other people).
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return clean(s)
}

// clean replaces control characters in s with spaces, so that a hostname or a name
// cannot move the cursor or recolor the terminal.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// shortID is the first 12 characters of id, enough to tell devices apart and to pass
// back as a prefix.
func shortID(id string) string {
	r := []rune(id)
	if len(r) <= shortIDLen {
		return cell(id)
	}
	return clean(string(r[:shortIDLen]))
}

// yesNo shows a boolean in a table.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
