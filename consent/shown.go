package consent

import (
	"strings"
	"unicode"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// maxShownRunes is how many characters of a detail or a name a page shows; a longer
// one is cut and ends in "…".
const maxShownRunes = 100

// visible is s without the characters that change how the text around them reads:
// format characters (Unicode category Cf: U+202E RIGHT-TO-LEFT OVERRIDE, zero-width
// spaces, U+FEFF), control characters and bytes that are not UTF-8. It is trimmed.
// What a device says about itself and names people choose go through it before a page
// shows them; html/template escapes the result.
func visible(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	return strings.TrimSpace(s)
}

// shown is visible(s) cut to maxShownRunes on a rune boundary.
func shown(s string) string {
	s = visible(s)
	n := 0
	for i := range s {
		if n == maxShownRunes {
			return strings.TrimSpace(s[:i]) + "…"
		}
		n++
	}
	return s
}

// shownDetails is d with every field passed through shown. All but the IP address are
// the device's own word; the address is Gatehouse's, and goes through it all the same.
func shownDetails(d storage.DeviceDetails) storage.DeviceDetails {
	return storage.DeviceDetails{
		Hostname:      shown(d.Hostname),
		OS:            shown(d.OS),
		ClientName:    shown(d.ClientName),
		ClientVersion: shown(d.ClientVersion),
		UserAgent:     shown(d.UserAgent),
		IPAddress:     shown(d.IPAddress),
	}
}
