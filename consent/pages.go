package consent

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/csrf"

	"github.com/gatehouse-auth/gatehouse/storage"
)

//go:embed templates
var templateFS embed.FS

// pageNames are the templates, each rendered inside templates/layout.html.
var pageNames = []string{
	"login", "device_entry", "device_confirm", "device_result", "status",
	"invitation", "invitation_joined", "devices",
}

// pages holds the parsed templates and the Content-Security-Policy that admits exactly
// their inline style sheet.
type pages struct {
	byName map[string]*template.Template
	csp    string
}

func loadPages() (*pages, error) {
	css, err := templateFS.ReadFile("templates/style.css")
	if err != nil {
		return nil, fmt.Errorf("consent: read style sheet: %w", err)
	}
	funcs := template.FuncMap{"css": func() template.CSS { return template.CSS(css) }}
	layout, err := template.New("layout").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("consent: parse layout: %w", err)
	}

	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("consent: parse page %s: %w", name, err)
		}
		p.byName[name] = t
	}

	sum := sha256.Sum256(css)
	p.csp = "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
	return p, nil
}

// frame is what the layout of every page shows.
type frame struct {
	Title string
	// CSRF is the hidden token field of every form on the page.
	CSRF template.HTML
	// User is who is signed in, if anyone; the layout links to the devices page and
	// offers to sign out.
	User *storage.User
	// HideSignOut leaves the header's sign-out button out, on a page whose own form
	// signs out.
	HideSignOut bool
	// Wide gives the page the width of a table.
	Wide bool
}

// newFrame starts the data of a page for r.
func newFrame(r *http.Request, title string, user *storage.User) frame {
	return frame{Title: title, CSRF: csrf.TemplateField(r), User: user}
}

// render writes page name with data and status. The page is rendered in full before
// anything is written, so that a template error cannot leave half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := h.pages.byName[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		h.log.ErrorContext(r.Context(), "render page failed", "page", name, "err", err)
		http.Error(w, "Gatehouse could not show this page.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// statusPage is the data of templates/status.html: a heading, a message and an
// optional link, with LinkText ("Start again" when empty).
type statusPage struct {
	frame
	Heading, Message, Link, LinkText string
}

// statusTexts are the headings and messages of the error pages.
var statusTexts = map[int][2]string{
	http.StatusBadRequest: {"Bad request",
		"Gatehouse could not read that form. Go back and try again."},
	http.StatusForbidden: {"Request refused",
		"This form has expired or did not come from Gatehouse. " +
			"Go back, reload the page and try again."},
	http.StatusNotFound:         {"Page not found", "There is no page at this address."},
	http.StatusMethodNotAllowed: {"Method not allowed", "This page does not accept that request."},
	http.StatusRequestEntityTooLarge: {"Form too large",
		"That form was larger than Gatehouse accepts. Go back and try again."},
	http.StatusServiceUnavailable: {"Gatehouse is temporarily unavailable",
		"Gatehouse is temporarily unavailable. Wait a minute and try again."},
}

// renderStatus writes the error page of status.
func (h *Handler) renderStatus(w http.ResponseWriter, r *http.Request, status int) {
	t := statusTexts[status]
	if t[0] == "" {
		t = [2]string{http.StatusText(status), "Something went wrong. Go back and try again."}
	}
	h.render(w, r, status, "status", statusPage{
		frame: newFrame(r, t[0], nil), Heading: t[0], Message: t[1], Link: PathDevice,
	})
}

// tooMany writes the 429 page with Retry-After in whole seconds, at least one.
func (h *Handler) tooMany(w http.ResponseWriter, r *http.Request, msg string, retry time.Duration) {
	secs := max(int(math.Ceil(retry.Seconds())), 1)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	h.render(w, r, http.StatusTooManyRequests, "status", statusPage{
		frame: newFrame(r, "Too many attempts", nil), Heading: "Too many attempts", Message: msg,
	})
}

// unavailable logs a storage failure at error level and writes the 503 page. msg is
// the log message; err must not carry secrets, and storage errors carry none.
func (h *Handler) unavailable(w http.ResponseWriter, r *http.Request, msg string, err error) {
	h.log.ErrorContext(r.Context(), msg, "path", r.URL.Path, "err", err)
	w.Header().Set("Retry-After", "30")
	h.renderStatus(w, r, http.StatusServiceUnavailable)
}

// humanDuration says d the way the trust hint does: "30 days", "24 hours", "1 hour".
func humanDuration(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	day := 24 * time.Hour
	switch {
	case d > day && d%day == 0:
		return plural(int64(d/day), "day")
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int64(d/time.Hour), "hour")
	case d >= time.Minute:
		return plural(int64(d/time.Minute), "minute")
	}
	return plural(int64(d/time.Second), "second")
}
