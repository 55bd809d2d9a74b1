package consent

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// stringCase is what a function of In should return for in.
type stringCase[In any] struct {
	name string
	in   In
	want string
}

// testStrings runs each case as a subtest: fn, named name in the messages, must return
// want for in, in valid UTF-8.
func testStrings[In any](t *testing.T, name string, fn func(In) string, tests []stringCase[In]) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, in := fn(tt.in), fmt.Sprint(tt.in)
			if got != tt.want {
				t.Errorf("%s(%q) = %q, want %q", name, in, got, tt.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("%s(%q) = %q is not UTF-8", name, in, got)
			}
		})
	}
}

func TestHumanDuration(t *testing.T) {
	testStrings(t, "humanDuration", humanDuration, []stringCase[time.Duration]{
		{"thirty days", 720 * time.Hour, "30 days"},
		{"one day in hours", 24 * time.Hour, "24 hours"},
		{"two days", 48 * time.Hour, "2 days"},
		{"one hour", time.Hour, "1 hour"},
		{"not whole hours", 90 * time.Minute, "90 minutes"},
		{"seconds", 30 * time.Second, "30 seconds"},
	})
}

func TestIPBucket(t *testing.T) {
	testStrings(t, "ipBucket", ipBucket, []stringCase[string]{
		{"IPv4", "203.0.113.9", "203.0.113.9"},
		{"IPv4-mapped IPv6", "::ffff:203.0.113.9", "203.0.113.9"},
		{"IPv6 counts its /64", "2001:db8:1:2:aaaa::9", "2001:db8:1:2::/64"},
		{"IPv6 with a zone", "fe80::1%eth0", "fe80::/64"},
		{"not an address", "@unix", "@unix"},
	})
}

func TestShown(t *testing.T) {
	testStrings(t, "shown", shown, []stringCase[string]{
		{"plain", "build-box-7", "build-box-7"},
		{"right-to-left override", "invoice\u202efdp.exe", "invoicefdp.exe"},
		{"isolates and zero widths", "\u2067a\u200bb\u200dc\u2069\ufeff", "abc"},
		{"soft hyphen and tag characters", "a\u00adb\U000e0041", "ab"},
		{"control characters", "a\x00b\x1b[31mc\x7fd\u0085e\r\n", "ab[31mcde"},
		{"not UTF-8", "a\xffb\xc3", "ab"},
		{"only hidden", " \u202e\u200b ", ""},
		{"at the limit", strings.Repeat("é", maxShownRunes), strings.Repeat("é", maxShownRunes)},
		{"cut on a rune", strings.Repeat("é", maxShownRunes+1), strings.Repeat("é", maxShownRunes) + "…"},
		{"hidden characters do not count", strings.Repeat("\u200bx", maxShownRunes),
			strings.Repeat("x", maxShownRunes)},
	})
}

func TestVisibleDoesNotCut(t *testing.T) {
	long := "https://tenant.example/" + strings.Repeat("a", 2*maxShownRunes)
	if got := visible(long + "\u202e"); got != long {
		t.Errorf("visible cut or kept: %q", got)
	}
}
