package consent_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/consent"
)

func TestSignIn(t *testing.T) {
	tests := []struct {
		name, email, password string
		want                  string
	}{
		{"wrong password", testEmail, "not it", "Wrong email or password."},
		{"unknown email", "nobody@example.com", testPassword, "Wrong email or password."},
		{"email in another case", "  ADA@Example.com ", testPassword, "Connect a device"},
		{"right", testEmail, testPassword, "Connect a device"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			b := e.browser()
			b.get("/login").want(http.StatusOK, `<label for="email">Email</label>`,
				`<label for="password">Password</label>`, "Sign in</button>")

			b.submit("/login", url.Values{"email": {tt.email}, "password": {tt.password}})
			b.want(http.StatusOK, tt.want)
		})
	}
}

func TestSignInKeepsEmailNotPassword(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser().get("/login")
	b.submit("/login", url.Values{"email": {testEmail}, "password": {"hunter2-wrong"}})
	b.want(http.StatusOK, `value="`+testEmail+`"`)
	if strings.Contains(b.page, "hunter2-wrong") {
		t.Error("the page shows the password back")
	}
}

func TestSessionCookie(t *testing.T) {
	tests := []struct {
		name, issuer string
		secure       bool
	}{
		{"http issuer", "", false},
		{"https issuer", "https://gatehouse.example", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *consent.Config) {
				if tt.issuer != "" {
					c.Issuer = tt.issuer
				}
			})
			origin := e.srv.URL
			if tt.issuer != "" {
				origin = tt.issuer
			}
			noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			}}

			// The sign-in page sets the CSRF cookie; the form is posted with it, the
			// way a browser on the issuer's origin would.
			resp, err := noFollow.Get(e.srv.URL + "/login")
			if err != nil {
				t.Fatal(err)
			}
			page := readAll(t, resp)
			csrfCookie := findCookie(t, resp, "gatehouse_csrf")
			if csrfCookie.Secure != tt.secure {
				t.Errorf("CSRF cookie Secure = %v, want %v", csrfCookie.Secure, tt.secure)
			}
			token := csrfTokenRE.FindStringSubmatch(page)[1]
			form := url.Values{"email": {testEmail}, "password": {testPassword},
				"gorilla.csrf.Token": {token}}
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/login",
				strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", origin)
			req.AddCookie(&http.Cookie{Name: csrfCookie.Name, Value: csrfCookie.Value})
			resp, err = noFollow.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			readAll(t, resp)

			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/device" {
				t.Fatalf("sign-in answered %d to %q, want 303 to /device",
					resp.StatusCode, resp.Header.Get("Location"))
			}
			c := findCookie(t, resp, "gatehouse_session")
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" ||
				c.Secure != tt.secure || c.MaxAge != 12*3600 || len(c.Value) < 32 {
				t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/, "+
					"Secure=%v, Max-Age=43200 and a long token", c, tt.secure)
			}
		})
	}
}

func TestSessionServesNextDevice(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser().signIn()
	code, _ := e.newDevice()
	b.submit("/device", url.Values{"user_code": {code}}).want(http.StatusOK, "Approve")
	b.submit("/device/decision", url.Values{"user_code": {code}, "action": {"approve"}})
	b.want(http.StatusOK, "Device approved")

	// The next device needs no sign-in.
	code2, _ := e.newDevice()
	b.get("/device").want(http.StatusOK, "Connect a device", testEmail)
	b.submit("/device", url.Values{"user_code": {code2}}).want(http.StatusOK, "Approve")
}

func TestSignInRateLimit(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser().get("/login")
	for i := range 10 {
		b.submit("/login", url.Values{"email": {testEmail}, "password": {"wrong"}})
		if b.status != http.StatusOK {
			t.Fatalf("failure %d answered %d, want 200", i+1, b.status)
		}
	}

	// The 11th is refused before the password is checked, even a right one.
	b.submit("/login", url.Values{"email": {testEmail}, "password": {testPassword}})
	b.want(http.StatusTooManyRequests, "Too many failed sign-ins.")
	if b.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}

	// Another email from the same network is not held up.
	b.get("/login")
	b.submit("/login", url.Values{"email": {"other@example.com"}, "password": {"x"}})
	b.want(http.StatusOK, "Wrong email or password.")
}

func TestSignInRateLimitPerNetwork(t *testing.T) {
	e := newEnv(t, nil)
	const network = "198.51.100.7:4000"
	b := e.browserFrom(network).get("/login")

	// Every attempt has a fresh email, so no email's own limit is near.
	for i := range 30 {
		b.submit("/login", url.Values{"email": {fmt.Sprintf("nobody%d@example.com", i)},
			"password": {"wrong"}})
		if b.status != http.StatusOK {
			t.Fatalf("failure %d answered %d, want 200", i+1, b.status)
		}
	}

	// The 31st is refused before the password is checked, right or wrong.
	for _, form := range []url.Values{
		{"email": {"nobody30@example.com"}, "password": {"wrong"}},
		{"email": {testEmail}, "password": {testPassword}},
	} {
		b.submit("/login", form)
		b.want(http.StatusTooManyRequests, "Too many failed sign-ins.")
		if b.header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		b.get("/login")
	}

	// Another network is not held up.
	e.browserFrom("203.0.113.50:4000").signIn()
}

func TestSignInSuccessesAreNotCounted(t *testing.T) {
	e := newEnv(t, nil)
	for i := range 31 {
		b := e.browserFrom("198.51.100.7:4000").get("/login")
		b.submit("/login", url.Values{"email": {testEmail}, "password": {testPassword}})
		if b.status != http.StatusOK {
			t.Fatalf("sign-in %d answered %d, want 200", i+1, b.status)
		}
	}
}

func TestReturnTo(t *testing.T) {
	tests := []struct {
		name, returnTo, want string
	}{
		{"empty", "", "/device"},
		{"relative path", "/account/devices?tab=all", "/account/devices?tab=all"},
		{"absolute URL", "https://evil.example/", "/device"},
		{"scheme-relative", "//evil.example/x", "/device"},
		{"backslash", `/\evil.example`, "/device"},
		{"escaped slash", "/%2F/evil.example", "/device"},
		{"tab", "/\t/evil.example", "/device"},
		{"javascript", "javascript:alert(1)", "/device"},
		{"no leading slash", "evil.example", "/device"},
		{"sign-in page", "/login?return_to=/login", "/device"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			b := e.browser()
			b.client.CheckRedirect = func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			}

			b.get("/login?return_to=" + url.QueryEscape(tt.returnTo)).want(http.StatusOK)
			m := regexp.MustCompile(`name="return_to" value="([^"]*)"`).FindStringSubmatch(b.page)
			if m == nil {
				t.Fatal("no return_to field")
			}
			b.submit("/login", url.Values{"email": {testEmail}, "password": {testPassword},
				"return_to": {tt.returnTo}})

			if b.status != http.StatusSeeOther || b.header.Get("Location") != tt.want {
				t.Errorf("answered %d to %q, want 303 to %q",
					b.status, b.header.Get("Location"), tt.want)
			}
		})
	}
}

func TestLogout(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser().signIn()
	b.submit("/logout", url.Values{}).want(http.StatusOK, "Sign in</button>")
	b.get("/device").want(http.StatusOK, "Sign in</button>")
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func findCookie(t *testing.T, resp *http.Response, name string) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", name, resp.Header["Set-Cookie"])
	return nil
}
