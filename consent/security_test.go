package consent_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/consent"
)

func TestCSRF(t *testing.T) {
	tests := []struct {
		name string
		// edit changes the form and request of a code submission.
		edit func(form url.Values, req *http.Request)
		want int
	}{
		{"token", func(url.Values, *http.Request) {}, http.StatusOK},
		{"no token", func(f url.Values, _ *http.Request) { f.Del("gorilla.csrf.Token") },
			http.StatusForbidden},
		{"wrong token", func(f url.Values, _ *http.Request) {
			f.Set("gorilla.csrf.Token", strings.Repeat("QUFB", 22)+"QQ==")
		}, http.StatusForbidden},
		{"other origin", func(_ url.Values, r *http.Request) {
			r.Header.Set("Origin", "https://evil.example")
		}, http.StatusForbidden},
		{"cross-site fetch", func(_ url.Values, r *http.Request) {
			r.Header.Set("Sec-Fetch-Site", "cross-site")
		}, http.StatusForbidden},
		// Referrer-Policy: no-referrer makes browsers send Origin: null on their own
		// forms; Sec-Fetch-Site tells that it is ours.
		{"null origin, same-origin fetch", func(_ url.Values, r *http.Request) {
			r.Header.Set("Origin", "null")
			r.Header.Set("Sec-Fetch-Site", "same-origin")
		}, http.StatusOK},
		{"null origin alone", func(_ url.Values, r *http.Request) {
			r.Header.Set("Origin", "null")
		}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			b := e.browser().signIn()
			code, _ := e.newDevice()

			form := url.Values{"user_code": {code}, "gorilla.csrf.Token": {b.csrfToken()}}
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/device", nil)
			tt.edit(form, req)
			body := form.Encode()
			req.Body, req.ContentLength = io.NopCloser(strings.NewReader(body)), int64(len(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := b.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			page := readAll(t, resp)

			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d:\n%s", resp.StatusCode, tt.want, page)
			}
			if tt.want == http.StatusForbidden && !strings.Contains(page,
				"This form has expired or did not come from Gatehouse.") {
				t.Errorf("the 403 page does not say what happened:\n%s", page)
			}
		})
	}
}

func TestCSRFOnEveryForm(t *testing.T) {
	for _, path := range []string{"/login", "/device", "/device/decision", "/logout"} {
		t.Run(path, func(t *testing.T) {
			e := newEnv(t, nil)
			b := e.browser().signIn()
			code, _ := e.newDevice()
			form := url.Values{"user_code": {code}, "action": {"approve"},
				"email": {testEmail}, "password": {testPassword}}
			b.do(http.MethodPost, path, form).want(http.StatusForbidden, "Request refused")
			if st := e.request(code).Status; st != "pending" {
				t.Errorf("request is %s after a forged form", st)
			}
		})
	}
}

func TestWrongCodeLimit(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser().signIn()
	code, _ := e.newDevice()
	for i := range 5 {
		b.submit("/device", url.Values{"user_code": {"BCDF-GHJ" + string("KLMNP"[i])}})
		b.want(http.StatusOK, "That code is not valid.")
	}

	// The 6th is refused, right or wrong, without being looked up.
	for _, typed := range []string{"BCDF-GHJZ", code} {
		b.submit("/device", url.Values{"user_code": {typed}})
		b.want(http.StatusTooManyRequests,
			"Too many wrong codes. Wait a few minutes and try again.")
		if s, err := strconv.Atoi(b.header.Get("Retry-After")); err != nil || s < 1 {
			t.Errorf("Retry-After %q, want seconds", b.header.Get("Retry-After"))
		}
		b.get("/device")
	}

	// The decision form is held to the same limit: it is no way around it.
	b.submit("/device/decision", url.Values{"user_code": {code}, "action": {"approve"}})
	b.want(http.StatusTooManyRequests)
	if st := e.request(code).Status; st != "pending" {
		t.Errorf("request is %s, want pending", st)
	}
}

func TestWrongCodeLimitKeys(t *testing.T) {
	tests := []struct {
		name string
		// second is how the second browser differs from the first.
		sameUser, sameIP bool
		want             int
	}{
		{"same user, another network", true, false, http.StatusTooManyRequests},
		// One person's wrong codes must not lock out the others behind the same proxy.
		{"another user, same network", false, true, http.StatusOK},
		{"another user, another network", false, false, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			_, err := e.st.CreateUser(t.Context(), "bob@example.com", "Bob", testPassword)
			if err != nil {
				t.Fatal(err)
			}
			first := e.browserFrom("198.51.100.7:4000").signIn()
			for range 5 {
				first.submit("/device", url.Values{"user_code": {"BCDF-GHJK"}})
			}

			ip := "198.51.100.7:5000"
			if !tt.sameIP {
				ip = "[2001:db8:1:2::9]:5000"
			}
			second := e.browserFrom(ip)
			if tt.sameUser {
				second.signIn()
			} else {
				second.get("/login")
				second.submit("/login", url.Values{"email": {"bob@example.com"},
					"password": {testPassword}})
			}
			second.submit("/device", url.Values{"user_code": {"BCDF-GHJK"}})
			second.want(tt.want)

			// The first account's 6th wrong code is refused all the same.
			first.get("/device")
			first.submit("/device", url.Values{"user_code": {"BCDF-GHJK"}})
			first.want(http.StatusTooManyRequests, "Too many wrong codes.")
		})
	}
}

func TestWrongCodeLimitPerNetwork(t *testing.T) {
	e := newEnv(t, nil)
	const network = "198.51.100.7:4000"

	// Ten accounts behind one address spend their own 5 wrong codes each: 50 in all.
	for i := range 10 {
		email := fmt.Sprintf("user%d@example.com", i)
		e.newUser(email)
		b := e.browserFrom(network)
		b.get("/login")
		b.submit("/login", url.Values{"email": {email}, "password": {testPassword}})
		b.want(http.StatusOK, "Connect a device")
		for j := range 5 {
			b.submit("/device", url.Values{"user_code": {"BCDF-GHJK"}})
			if b.status != http.StatusOK {
				t.Fatalf("account %d, wrong code %d answered %d, want 200", i, j+1, b.status)
			}
		}
	}

	// That is a flood: the network's next wrong code is refused, even a fresh account's
	// first, while another network is not held up.
	code, _ := e.newDevice()
	b := e.browserFrom(network).signIn()
	b.submit("/device", url.Values{"user_code": {code}})
	b.want(http.StatusTooManyRequests, "Too many wrong codes.")
	b = e.browserFrom("203.0.113.50:4000").signIn()
	b.submit("/device", url.Values{"user_code": {code}})
	b.want(http.StatusOK, "Approve this device?")
}

func TestRedisDown(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser().signIn()
	code, _ := e.newDevice()
	b.submit("/device", url.Values{"user_code": {code}}).want(http.StatusOK, "Approve")
	confirm := b.page
	e.mr.Close()

	steps := []struct {
		name string
		do   func()
	}{
		{"code entry page", func() { b.get("/device") }},
		{"sign-in page", func() { b.get("/login") }},
		{"code", func() {
			b.page = confirm
			b.submit("/device", url.Values{"user_code": {code}})
		}},
		{"decision", func() {
			b.page = confirm
			b.submit("/device/decision", url.Values{"user_code": {code}, "action": {"approve"}})
		}},
		{"sign-in", func() {
			b.page = confirm
			b.submit("/login", url.Values{"email": {testEmail}, "password": {testPassword}})
		}},
		{"sign-out", func() { b.page = confirm; b.submit("/logout", url.Values{}) }},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.do()
			b.want(http.StatusServiceUnavailable, "Gatehouse is temporarily unavailable")
			if strings.Contains(b.page, "refused") || strings.Contains(b.page, "redis") {
				t.Errorf("the 503 page shows internals:\n%s", b.page)
			}
		})
	}
	if !strings.Contains(e.logs.String(), "level=ERROR") {
		t.Errorf("no error logged:\n%s", e.logs.String())
	}
}

func TestRequestShape(t *testing.T) {
	tests := []struct {
		name, method, path, body string
		want                     int
		allow                    string
	}{
		{"unknown path", http.MethodGet, "/nope", "", http.StatusNotFound, ""},
		{"PUT code", http.MethodPut, "/device", "", http.StatusMethodNotAllowed, "GET, HEAD, POST"},
		{"GET decision", http.MethodGet, "/device/decision", "", http.StatusMethodNotAllowed, "POST"},
		{"GET logout", http.MethodGet, "/logout", "", http.StatusMethodNotAllowed, "POST"},
		{"DELETE sign-in", http.MethodDelete, "/login", "", http.StatusMethodNotAllowed,
			"GET, HEAD, POST"},
		{"PUT invitation", http.MethodPut, "/invitations/accept", "", http.StatusMethodNotAllowed,
			"GET, HEAD, POST"},
		{"PUT devices", http.MethodPut, "/devices", "", http.StatusMethodNotAllowed, "GET, HEAD"},
		{"GET lock", http.MethodGet, "/devices/lock", "", http.StatusMethodNotAllowed, "POST"},
		{"GET unlock", http.MethodGet, "/devices/unlock", "", http.StatusMethodNotAllowed, "POST"},
		{"DELETE delete", http.MethodDelete, "/devices/delete", "", http.StatusMethodNotAllowed,
			"POST"},
		{"invitation form too large", http.MethodPost, "/invitations/accept",
			"name=" + strings.Repeat("a", 65<<10), http.StatusRequestEntityTooLarge, ""},
		{"malformed form", http.MethodPost, "/device", "user_code=%zz", http.StatusBadRequest, ""},
		{"malformed query", http.MethodGet, "/device?user_code=%zz", "", http.StatusBadRequest, ""},
		{"form too large", http.MethodPost, "/login",
			"email=" + strings.Repeat("a", 65<<10), http.StatusRequestEntityTooLarge, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, req)

			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d:\n%s", rec.Code, tt.want, rec.Body)
			}
			if got := rec.Header().Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
			if !strings.Contains(rec.Body.String(), "<h1>") {
				t.Errorf("no error page:\n%s", rec.Body)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser()
	// The pages in the order a person sees them.
	pages := []struct {
		name string
		load func()
	}{
		{"sign-in", func() { b.get("/login") }},
		{"code entry", func() { b.signIn() }},
		{"confirmation", func() {
			code, _ := e.newDevice()
			b.submit("/device", url.Values{"user_code": {code}})
		}},
		{"devices", func() { b.get("/devices") }},
		{"403", func() { b.do(http.MethodPost, "/device", url.Values{}) }},
		{"404", func() { b.get("/nope") }},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			p.load()
			for k, want := range map[string]string{
				"Cache-Control":   "no-store",
				"X-Frame-Options": "DENY",
				"Referrer-Policy": "no-referrer",
			} {
				if got := b.header.Get(k); got != want {
					t.Errorf("%s: %q, want %q", k, got, want)
				}
			}
			if csp := b.header.Get("Content-Security-Policy"); !strings.Contains(csp,
				"frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("Content-Security-Policy %q", csp)
			}
		})
	}
}

func TestCSRFHTTPSIssuer(t *testing.T) {
	const issuer = "https://gatehouse.example"
	tests := []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"browser form", map[string]string{"Origin": "null", "Sec-Fetch-Site": "same-origin"},
			http.StatusSeeOther},
		{"issuer origin", map[string]string{"Origin": issuer}, http.StatusSeeOther},
		{"issuer referer", map[string]string{"Referer": issuer + "/login"}, http.StatusSeeOther},
		{"plain-http referer", map[string]string{"Referer": "http://gatehouse.example/login"},
			http.StatusForbidden},
		{"no origin, no referer", nil, http.StatusForbidden},
		{"null origin alone", map[string]string{"Origin": "null"}, http.StatusForbidden},
		{"same-site fetch", map[string]string{"Origin": "https://other.gatehouse.example",
			"Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *consent.Config) { c.Issuer = issuer })
			noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			}}
			// The cookies are Secure, so they are carried by hand over plain http.
			resp, err := noFollow.Get(e.srv.URL + "/login")
			if err != nil {
				t.Fatal(err)
			}
			token := csrfTokenRE.FindStringSubmatch(readAll(t, resp))[1]
			csrfCookie := findCookie(t, resp, "gatehouse_csrf")

			form := url.Values{"email": {testEmail}, "password": {testPassword},
				"gorilla.csrf.Token": {token}}
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/login",
				strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			req.AddCookie(&http.Cookie{Name: csrfCookie.Name, Value: csrfCookie.Value})
			resp, err = noFollow.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			page := readAll(t, resp)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d:\n%s", resp.StatusCode, tt.want, page)
			}
		})
	}
}
