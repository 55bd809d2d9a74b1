package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestConsentPages checks what the person approving a device sees: the device's own
// account of itself, and for wrong codes, broken or forged forms and hostile device
// details, a page that says what went wrong, never a server error.
func TestConsentPages(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, serverOptions{})
	b := signedInBrowser(t, g)

	// RFC 8628 §5.4: the person must be able to tell their own device from another.
	t.Run("the confirmation shows the device", func(t *testing.T) {
		da := g.authorizeDevice(t, cliClient, url.Values{
			"device_hostname": {"build-box-7"}, "device_os": {"linux/arm64"},
			"device_client_name": {"gatehouse-cli"}, "device_client_version": {"v9.8.7"},
		})
		p := b.enterCode(t, da.UserCode)
		for _, want := range []string{da.UserCode, "Gatehouse CLI", "build-box-7", "linux/arm64",
			"gatehouse-cli v9.8.7", "127.0.0.1", "Trust this device"} {
			if !p.Has(want) {
				t.Errorf("the confirmation page does not show %q:\n%s", want, p.HTML)
			}
		}
	})

	// Wrong codes count against a limit of five per person and network (RFC 8628
	// §5.1); these subtests type three.
	t.Run("codes", func(t *testing.T) {
		used := g.authorizeDevice(t, cliClient, nil)
		b.approve(t, used.UserCode, false)

		for _, tt := range []struct {
			name, code, want string
		}{
			{name: "unknown", code: "BCDF-GHJK", want: "That code is not valid"},
			{name: "malformed", code: "hello!", want: "That code is not valid"},
			{name: "empty", code: "  ", want: "That code is not valid"},
			{name: "already used", code: used.UserCode, want: "That code was already used"},
			{name: "lower case without dash", code: strings.ToLower(strings.ReplaceAll(used.UserCode, "-", "")),
				want: "That code was already used"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				p := b.enterCode(t, tt.code)
				if p.Status != http.StatusOK || !p.Has(tt.want) {
					t.Errorf("enter %q: got %d, want the entry page saying %q:\n%s", tt.code, p.Status, tt.want, p.HTML)
				}
			})
		}
	})

	t.Run("decisions", func(t *testing.T) {
		da := g.authorizeDevice(t, cliClient, nil)
		confirm := b.enterCode(t, da.UserCode)
		for _, tt := range []struct {
			name   string
			form   url.Values
			status int
			want   string
		}{
			{name: "unknown action", form: url.Values{"user_code": {da.UserCode}, "action": {"launch"}},
				status: http.StatusBadRequest, want: "Bad request"},
			{name: "unknown code", form: url.Values{"user_code": {"ZZZZ-ZZZZ"}, "action": {"approve"}},
				status: http.StatusOK, want: "That code is not valid"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				p := b.submit(t, confirm, "/device/decision", tt.form)
				if p.Status != tt.status || !p.Has(tt.want) {
					t.Errorf("got %d, want %d saying %q:\n%s", p.Status, tt.status, tt.want, p.HTML)
				}
			})
		}
		// None of that decided the code.
		wantError(t, "poll", g.poll(t, cliClient, da.DeviceCode), http.StatusBadRequest, "authorization_pending")
	})

	t.Run("forged and broken forms", func(t *testing.T) {
		entry := b.get(t, "/device")
		token := csrfToken(t, entry)
		for _, tt := range []struct {
			name    string
			method  string
			path    string
			body    string
			headers map[string]string
			status  int
		}{
			{name: "no CSRF token", path: "/device", body: "user_code=BCDF-GHJK", status: http.StatusForbidden},
			{name: "cross-site", path: "/device", body: formWithToken(token, "user_code=BCDF-GHJK"),
				headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, status: http.StatusForbidden},
			{name: "foreign Origin", path: "/device/decision",
				body:    formWithToken(token, "user_code=BCDF-GHJK&action=approve"),
				headers: map[string]string{"Origin": "https://evil.example"}, status: http.StatusForbidden},
			{name: "malformed form", path: "/device", body: "user_code=%zz&" + csrfField + "=x",
				status: http.StatusBadRequest},
			{name: "form over 64 KiB", path: "/device",
				body:   formWithToken(token, "user_code="+strings.Repeat("B", 70<<10)),
				status: http.StatusRequestEntityTooLarge},
			{name: "GET the decision", method: http.MethodGet, path: "/device/decision",
				status: http.StatusMethodNotAllowed},
			{name: "unknown page", method: http.MethodGet, path: "/nope", status: http.StatusNotFound},
		} {
			t.Run(tt.name, func(t *testing.T) {
				method := tt.method
				if method == "" {
					method = http.MethodPost
				}
				req, err := http.NewRequestWithContext(t.Context(), method, g.URL+tt.path, strings.NewReader(tt.body))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", g.URL)
				for k, v := range tt.headers {
					req.Header.Set(k, v)
				}
				p := b.do(t, req)
				if p.Status != tt.status || !strings.Contains(p.Header.Get("Content-Type"), "text/html") {
					t.Errorf("got %d %s, want the %d page", p.Status, p.Header.Get("Content-Type"), tt.status)
				}
				if tt.status == http.StatusMethodNotAllowed && p.Header.Get("Allow") == "" {
					t.Errorf("405 without Allow")
				}
			})
		}
	})

	t.Run("hostile input is shown as text", func(t *testing.T) {
		const script = "<script>alert(1)</script>"
		if p := b.get(t, "/device?user_code="+url.QueryEscape(script)); p.Status != http.StatusOK ||
			strings.Contains(p.HTML, script) {
			t.Errorf("pre-filled code: got %d, want 200 with the code escaped:\n%s", p.Status, p.HTML)
		}

		// RFC 8628 §5.4: the page shows what the device says about itself; it must
		// not be able to write HTML or terminal escapes into it.
		hostname := `<img src=x onerror=alert(1)>` + "\x1b[31m\x00" + strings.Repeat("h", 1000)
		da := g.authorizeDevice(t, cliClient, url.Values{"device_hostname": {hostname}, "device_os": {script}})
		p := b.enterCode(t, da.UserCode)
		if p.Status != http.StatusOK || strings.Contains(p.HTML, "<img src=x") || strings.Contains(p.HTML, script) ||
			strings.ContainsAny(p.HTML, "\x1b\x00") {
			t.Errorf("confirmation page: got %d, want the device details escaped and cleaned:\n%s", p.Status, p.HTML)
		}
		if p.Has(strings.Repeat("h", 500)) {
			t.Errorf("confirmation page shows a 1000-character hostname in full")
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		nb := newBrowser(t, g)
		login := nb.get(t, "/login")
		p := nb.submit(t, login, "/login", url.Values{"email": {adminEmail}, "password": {"not-the-password"}})
		if p.Status != http.StatusOK || !p.Has("Wrong email or password") {
			t.Errorf("wrong password: got %d, want the sign-in page saying so:\n%s", p.Status, p.HTML)
		}
		if p := nb.enterCode(t, "BCDF-GHJK"); !p.Has("Sign in") {
			t.Errorf("after a wrong password the browser is signed in:\n%s", p.HTML)
		}
	})
}

// formWithToken adds the CSRF token to an encoded form.
func formWithToken(token, encoded string) string {
	return encoded + "&" + url.Values{csrfField: {token}}.Encode()
}
