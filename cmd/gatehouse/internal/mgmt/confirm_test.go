package mgmt

import (
	"errors"
	"strings"
	"testing"
)

func TestConfirm(t *testing.T) {
	tests := []struct {
		name        string
		interactive bool
		input       string
		want        bool
		wantErr     error
	}{
		{name: "y", interactive: true, input: "y\n", want: true},
		{name: "YES with spaces", interactive: true, input: "  YES \n", want: true},
		{name: "n", interactive: true, input: "n\n"},
		{name: "just enter is no", interactive: true, input: "\n"},
		{name: "end of input is no", interactive: true, input: ""},
		{name: "yes without a newline", interactive: true, input: "yes", want: true},
		{name: "no terminal: nothing is read", input: "y\n", wantErr: ErrNoTerminal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			got, err := Confirm(strings.NewReader(tt.input), &out, tt.interactive, "Delete it?")
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Fatalf("Confirm = %v, %v; want %v, %v", got, err, tt.want, tt.wantErr)
			}
			if tt.interactive && !strings.HasPrefix(out.String(), "Delete it? [y/N] ") {
				t.Errorf("asked %q", out.String())
			}
			if !tt.interactive && out.Len() != 0 {
				t.Errorf("asked %q without a terminal", out.String())
			}
		})
	}
}
