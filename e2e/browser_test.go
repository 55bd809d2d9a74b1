package e2e

import (
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// browser drives the consent pages the way a person's browser does: it keeps cookies,
// posts the forms with their CSRF token and sends Origin. It is safe for concurrent
// use, so parallel subtests can share one signed-in browser.
type browser struct {
	g  *gatehouse
	hc *http.Client
}

// newBrowser returns a browser with no cookies.
func newBrowser(t testing.TB, g *gatehouse) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{g: g, hc: &http.Client{Jar: jar, Timeout: httpClient.Timeout}}
}

// signedInBrowser returns a browser signed in as the dev admin.
func signedInBrowser(t testing.TB, g *gatehouse) *browser {
	t.Helper()
	b := newBrowser(t, g)
	b.signIn(t, adminEmail, adminPassword)
	return b
}

// page is a consent page as the browser received it.
type page struct {
	Status int
	Header http.Header
	HTML   string
}

// Has reports whether the page's text contains s, with HTML entities decoded.
func (p page) Has(s string) bool {
	return strings.Contains(html.UnescapeString(p.HTML), s)
}

// get loads path (with its query) after following redirects.
func (b *browser) get(t testing.TB, path string) page {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, b.g.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b.do(t, req)
}

// submit posts a form, as a browser does when a button is pressed: with the CSRF
// token of the page the form is on, and an Origin header naming the issuer.
func (b *browser) submit(t testing.TB, on page, path string, form url.Values) page {
	t.Helper()
	form.Set(csrfField, csrfToken(t, on))
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, b.g.URL+path,
		strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.g.URL)
	return b.do(t, req)
}

func (b *browser) do(t testing.TB, req *http.Request) page {
	t.Helper()
	a := answerOf(t, b.hc, req)
	return page{Status: a.Status, Header: a.Header, HTML: string(a.Body)}
}

// signIn signs in on GET /login, failing the test unless it lands on the code entry page.
func (b *browser) signIn(t testing.TB, email, password string) {
	t.Helper()
	login := b.get(t, "/login")
	if login.Status != http.StatusOK {
		t.Fatalf("GET /login: %d", login.Status)
	}
	p := b.submit(t, login, "/login", url.Values{
		"email": {email}, "password": {password}, "return_to": {"/device"},
	})
	if p.Status != http.StatusOK || !p.Has("Enter the code shown in your terminal") {
		t.Fatalf("sign in as %s: got %d, want the code entry page:\n%s", email, p.Status, p.HTML)
	}
}

// enterCode types a user code on the code entry page and continues: the answer is
// the confirmation page, or the entry page again with a message.
func (b *browser) enterCode(t testing.TB, userCode string) page {
	t.Helper()
	entry := b.get(t, "/device")
	if entry.Status != http.StatusOK {
		t.Fatalf("GET /device: %d", entry.Status)
	}
	return b.submit(t, entry, "/device", url.Values{"user_code": {userCode}})
}

// confirm enters userCode and returns its confirmation page, failing the test unless
// the page shows the code.
func (b *browser) confirm(t testing.TB, userCode string) page {
	t.Helper()
	p := b.enterCode(t, userCode)
	if p.Status != http.StatusOK || !p.Has("Approve this device?") || !p.Has(userCode) {
		t.Fatalf("enter code %s: got %d, want its confirmation page:\n%s", userCode, p.Status, p.HTML)
	}
	return p
}

// press presses Approve (with "Trust this device" when trust is set) or Deny on a
// confirmation page.
func (b *browser) press(t testing.TB, confirm page, action string, trust bool) page {
	t.Helper()
	form := url.Values{"user_code": {hiddenField(t, confirm, "user_code")}, "action": {action}}
	if trust {
		form.Set("trust", "on")
	}
	return b.submit(t, confirm, "/device/decision", form)
}

// decide enters userCode and presses action on its confirmation page.
func (b *browser) decide(t testing.TB, userCode, action string, trust bool) page {
	t.Helper()
	return b.press(t, b.confirm(t, userCode), action, trust)
}

// wantApproved fails the test unless p is the page of an approved device.
func wantApproved(t testing.TB, p page) {
	t.Helper()
	if p.Status != http.StatusOK || !p.Has("Device approved") {
		t.Fatalf("approve: got %d, want the approved page:\n%s", p.Status, p.HTML)
	}
}

// approve approves userCode and fails the test unless the device is approved.
func (b *browser) approve(t testing.TB, userCode string, trust bool) {
	t.Helper()
	wantApproved(t, b.decide(t, userCode, "approve", trust))
}

// deny denies userCode and fails the test unless the device is denied.
func (b *browser) deny(t testing.TB, userCode string) {
	t.Helper()
	p := b.decide(t, userCode, "deny", false)
	if p.Status != http.StatusOK || !p.Has("Device denied") {
		t.Fatalf("deny %s: got %d, want the denied page:\n%s", userCode, p.Status, p.HTML)
	}
}

// csrfField is the form field gorilla/csrf reads the token from.
const csrfField = "gorilla.csrf.Token"

var csrfInput = regexp.MustCompile(`<input[^>]*name="gorilla\.csrf\.Token"[^>]*value="([^"]+)"`)

// csrfToken is the CSRF token of the page's forms.
func csrfToken(t testing.TB, p page) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(p.HTML)
	if m == nil {
		t.Fatalf("no CSRF token on the page (%d):\n%s", p.Status, p.HTML)
	}
	return html.UnescapeString(m[1])
}

// hiddenField is the value of the page's hidden input called name.
func hiddenField(t testing.TB, p page, name string) string {
	t.Helper()
	re := regexp.MustCompile(`<input type="hidden" name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`)
	m := re.FindStringSubmatch(p.HTML)
	if m == nil {
		t.Fatalf("no hidden field %s on the page:\n%s", name, p.HTML)
	}
	return html.UnescapeString(m[1])
}
