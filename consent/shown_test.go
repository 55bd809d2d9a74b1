package consent_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/gatehouse-auth/gatehouse/storage"
)

// spoofed is what a device could say about itself to make a page read differently:
// U+202E turns "exe.txt" around, zero-width and control characters hide in between.
var spoofed = storage.DeviceDetails{
	Hostname:      "build-box-7\u202etxt.exe\u202c",
	OS:            "linux\u200b/amd64\x1b[2J",
	ClientName:    "gate\u2066house\u2069",
	ClientVersion: "\ufeff1.4.2\u00ad",
	UserAgent:     "gatehouse-cli/1.4.2\r\nX-Injected: 1" + strings.Repeat("é", 300) + "\xff",
	IPAddress:     "198.51.100.20",
}

// wantNoHidden fails the test if page holds a format or control character other than
// the layout's own newlines and tabs, or bytes that are not UTF-8.
func wantNoHidden(t *testing.T, page string) {
	t.Helper()
	if !utf8.ValidString(page) {
		t.Error("the page is not valid UTF-8")
	}
	for _, r := range page {
		if unicode.Is(unicode.Cf, r) || unicode.IsControl(r) && r != '\n' && r != '\t' {
			t.Errorf("the page holds %U:\n%s", r, page)
			return
		}
	}
}

func TestDetailsShownWithoutHiddenCharacters(t *testing.T) {
	long := "gatehouse-cli/1.4.2X-Injected: 1" + strings.Repeat("é", 100-32) + "…"
	tests := []struct {
		name string
		load func(e *env, b *browser)
		want []string
	}{
		{"confirmation page", func(e *env, b *browser) {
			code, _ := e.newDeviceWith(func(r *storage.DeviceRequest) { r.Details = spoofed })
			b.submit("/device", url.Values{"user_code": {code}})
		}, []string{"<dd>build-box-7txt.exe</dd>", "<dd>linux/amd64[2J</dd>",
			"<dd>gatehouse 1.4.2</dd>", "<dd>" + long + "</dd>"}},
		{"devices page", func(e *env, b *browser) {
			d := spoofed
			e.authorizedDevice(e.user, deviceSpec{details: &d})
			b.get("/devices")
		}, []string{`<td class="long">build-box-7txt.exe</td>`, "<td>linux/amd64[2J</td>",
			"<td>gatehouse 1.4.2</td>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			b := e.browser().signIn()
			tt.load(e, b)
			b.want(http.StatusOK, tt.want...)
			wantNoHidden(t, b.page)
		})
	}
}

func TestTenantNamesShownWithoutHiddenCharacters(t *testing.T) {
	e := newEnv(t, nil)
	e.tenantNamed("Ac\u202eme\u200b", "\u2067No\u202etes", "")
	code, _ := e.newDeviceWith(func(r *storage.DeviceRequest) {
		r.Resource = []string{testTenantURL}
	})
	b := e.browser().signIn()
	b.submit("/device", url.Values{"user_code": {code}})
	b.want(http.StatusOK, "Access to the tenant Notes (https://notes.acme.example/api) of the "+
		"organization Acme\n", "You are not a member of Acme, so you cannot approve this.")
	wantNoHidden(t, b.page)
}
