package provider

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanDeviceDetail(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "ada-laptop", "ada-laptop"},
		{"control characters", "a\x00b\nc\x1b[31m", "abc[31m"},
		{"right-to-left override", "my-laptop\u202egnp.exe", "my-laptopgnp.exe"},
		{"zero-width joiner and BOM", "a\u200db\ufeffc", "abc"},
		{"spaces trimmed", "  host  ", "host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clean(tt.in); got != tt.want {
				t.Fatalf("clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}

	long := clean(strings.Repeat("é", 150)) // 300 bytes
	if len(long) > maxDetailLen || !utf8.ValidString(long) {
		t.Fatalf("long detail: %d bytes, valid UTF-8 %v", len(long), utf8.ValidString(long))
	}
}
