package e2e

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/oauth2"

	"github.com/gatehouse-auth/gatehouse/internal/testenv"
)

// This file drives the consent pages in a real, headless Chromium with chromedp: it
// finds fields by their <label> and buttons by their text, the way a person does, and
// reads the page's rendered text rather than its HTML.

// Time limits of the Chromium tests.
const (
	// chromiumTimeout bounds a whole browser test, its OAuth calls included.
	chromiumTimeout = 60 * time.Second
	// stepTimeout bounds one step in the page, so that a label or button that is not
	// there fails the test with the page's text, not at chromiumTimeout.
	stepTimeout = 10 * time.Second
)

// chromium is one tab of a headless Chromium that a test started for itself, with a
// fresh profile. It is not safe for concurrent use: its steps run in order.
type chromium struct {
	ctx context.Context
	// shots is where screenshots go.
	shots string
}

// startChromium starts Chromium for the test, for at most chromiumTimeout, and opens a
// blank tab. The browser is closed when the test ends, before its profile directory is
// removed.
func startChromium(t testing.TB) *chromium {
	t.Helper()
	profile := t.TempDir() // removed after the browser has closed: cleanups run last first
	logs := &logBuffer{}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(testenv.Chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(logs),
	)

	// Not under t.Context(), which ends before the cleanups run: the browser must still
	// be there to be closed gracefully.
	ctx, cancel := context.WithTimeout(context.Background(), chromiumTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		// A graceful close ends Chromium's child processes too, so that none of them
		// writes to the profile while it is removed; cancelling would only kill the
		// main one.
		if err := chromedp.Cancel(tabCtx); err != nil {
			t.Logf("close chromium: %v", err)
		}
		cancelTab()
		cancelAlloc()
		cancel()
		if t.Failed() {
			t.Logf("chromium output:\n%s", chromiumOutput(logs))
		}
	})

	// The first action starts the browser, bound to the tab's own context, not a step's.
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("start chromium: %v\n%s", err, chromiumOutput(logs))
	}
	return &chromium{ctx: tabCtx, shots: t.TempDir()}
}

// chromiumOutput is the end of what Chromium printed, without the complaints about the
// D-Bus that a container has no use for.
func chromiumOutput(logs *logBuffer) string {
	var kept []string
	for line := range strings.Lines(logs.String()) {
		if !strings.Contains(line, "dbus/") {
			kept = append(kept, strings.TrimSuffix(line, "\n"))
		}
	}
	if len(kept) > 40 {
		kept = kept[len(kept)-40:]
	}
	return strings.Join(kept, "\n")
}

// step runs an action with stepTimeout and fails the test with what the page shows
// when it does not succeed.
func step[T any](t testing.TB, c *chromium, what string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v\non %s", what, err, c.describe())
	}
	return v
}

// describe is the address and the visible text of the page, for failure messages.
func (c *chromium) describe() string {
	ctx, cancel := context.WithTimeout(c.ctx, 2*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "a page that cannot be read: " + err.Error()
	}
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	return loc + ":\n" + text
}

// open loads url and fails the test unless it answers 200.
func (c *chromium) open(t testing.TB, url string) {
	t.Helper()
	resp := step(t, c, "open "+url, chromedp.NavigateResponse(url))
	if resp.Status != 200 {
		t.Fatalf("open %s: %d, want 200, on %s", url, resp.Status, c.describe())
	}
}

// fieldOf selects the input that the <label> with this text is for.
func fieldOf(label string) chromedp.Search {
	return chromedp.Search(`//input[@id=//label[normalize-space()=` + xpathString(label) + `]/@for]`)
}

// buttonNamed selects the button with this text, inside the element within selects
// when within is not empty (an XPath such as //tr[...]).
func buttonNamed(within, text string) chromedp.Search {
	return chromedp.Search(within + `//button[normalize-space()=` + xpathString(text) + `]`)
}

// xpathString quotes s as an XPath 1.0 string literal, which has no escapes.
func xpathString(s string) string {
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	return `'` + s + `'`
}

// fill types value into the field labelled label.
func (c *chromium) fill(t testing.TB, label, value string) {
	t.Helper()
	step(t, c, "type into "+label, chromedp.SendKeys(fieldOf(label), value, chromedp.NodeVisible))
}

// value is what the field labelled label holds.
func (c *chromium) value(t testing.TB, label string) string {
	t.Helper()
	return step(t, c, "read "+label, chromedp.Value(fieldOf(label), chromedp.NodeVisible))
}

// tick clicks the label of a checkbox, as a person does, and fails the test unless
// the box is then checked.
func (c *chromium) tick(t testing.TB, label string) {
	t.Helper()
	step(t, c, "tick "+label, chromedp.Click(
		chromedp.Search(`//label[normalize-space()=`+xpathString(label)+`]`), chromedp.NodeVisible))
	if !step(t, c, "read "+label, chromedp.JavascriptAttribute[bool](fieldOf(label), "checked")) {
		t.Fatalf("%q is not checked after a click on its label", label)
	}
}

// press clicks a button that submits a form, waits for the page it leads to, and
// fails the test unless that page answers 200.
func (c *chromium) press(t testing.TB, button chromedp.Search) {
	t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(button, chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("press %s: %v\non %s", button, err, c.describe())
	}
	if resp.Status != 200 {
		t.Fatalf("press %s: %d, want 200, on %s", button, resp.Status, c.describe())
	}
}

// heading is the text of the page's <h1>.
func (c *chromium) heading(t testing.TB) string {
	t.Helper()
	return step(t, c, "read the heading", chromedp.Text(chromedp.CSS("h1"), chromedp.NodeVisible))
}

// text is the page's rendered text, as a person reads it.
func (c *chromium) text(t testing.TB) string {
	t.Helper()
	return step(t, c, "read the page", chromedp.Evaluate[string](`document.body.innerText`))
}

// wantPage fails the test unless the page's heading is heading and its text has each
// of wants.
func (c *chromium) wantPage(t testing.TB, heading string, wants ...string) {
	t.Helper()
	if got := c.heading(t); got != heading {
		t.Fatalf("the page is %q, want %q, on %s", got, heading, c.describe())
	}
	text := c.text(t)
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("the %q page does not show %q:\n%s", heading, want, text)
		}
	}
}

// has reports whether an element matches the CSS selector now, without waiting.
func (c *chromium) has(t testing.TB, css string) bool {
	t.Helper()
	return step(t, c, "look for "+css, chromedp.Evaluate[bool](
		`document.querySelector(`+strconv.Quote(css)+`) !== null`))
}

// envScreenshots names a directory that keeps a copy of every screenshot, to look at
// after the run; unset, screenshots go only to the test's temporary directory.
const envScreenshots = "GATEHOUSE_E2E_SCREENSHOTS"

// screenshot saves the whole page as name.png in the test's screenshot directory, and
// fails the test unless it is a PNG with pixels.
func (c *chromium) screenshot(t testing.TB, name string) {
	t.Helper()
	shot := step(t, c, "screenshot "+name, chromedp.FullScreenshot(100))
	if !bytes.HasPrefix(shot, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("screenshot %s: not a PNG (%d bytes)", name, len(shot))
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if b := img.Bounds(); b.Dx() == 0 || b.Dy() == 0 {
		t.Fatalf("screenshot %s: empty image %v", name, b)
	}
	path := filepath.Join(c.shots, name+".png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv(envScreenshots); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o644); err != nil {
			t.Errorf("keep screenshot %s: %v", name, err)
		}
	}
}

// cliConfig is the x/oauth2 configuration of the gatehouse CLI for scopes.
func cliConfig(g *gatehouse, scopes ...string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: cliClientID,
		Endpoint: oauth2.Endpoint{
			DeviceAuthURL: g.URL + pathDeviceAuthorization,
			TokenURL:      g.URL + pathToken,
			AuthStyle:     oauth2.AuthStyleInParams,
		},
		Scopes: scopes,
	}
}

// browserScopes are what the browser tests' CLI asks for.
var browserScopes = []string{"openid", "email", "offline_access"}

// startDeviceLogin asks for a device code the way a Go CLI does.
func startDeviceLogin(t testing.TB, ctx context.Context, cfg *oauth2.Config) *oauth2.DeviceAuthResponse {
	t.Helper()
	da, err := cfg.DeviceAuth(ctx)
	if err != nil {
		t.Fatalf("DeviceAuth: %v", err)
	}
	if da.VerificationURIComplete == "" || da.UserCode == "" {
		t.Fatalf("DeviceAuth without verification_uri_complete or user_code: %+v", da)
	}
	return da
}

// oauthErrorCode is the RFC 6749 §5.2 error code of an x/oauth2 error, or "".
func oauthErrorCode(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}

// signInOnPage signs in as the dev admin on the sign-in form the browser shows.
func (c *chromium) signInOnPage(t testing.TB) {
	t.Helper()
	c.wantPage(t, "Sign in")
	c.fill(t, "Email", adminEmail)
	c.fill(t, "Password", adminPassword)
	c.press(t, buttonNamed("", "Sign in"))
}

// approveOnPage continues from the code entry page with its pre-filled code and
// approves the device, ticking "Trust this device" when trust is set.
func (c *chromium) approveOnPage(t testing.TB, userCode string, trust bool) {
	t.Helper()
	c.wantPage(t, "Connect a device")
	if got := c.value(t, "Code"); got != userCode {
		t.Fatalf("the Code field holds %q, want %q", got, userCode)
	}
	c.press(t, buttonNamed("", "Continue"))
	c.wantPage(t, "Approve this device?", userCode)
	if trust {
		c.tick(t, "Trust this device")
	}
	c.press(t, buttonNamed("", "Approve"))
	c.wantPage(t, "Device approved", "You can go back to your terminal")
}

// deviceRow is an XPath for the row of the devices table whose forms name deviceID.
func deviceRow(deviceID string) string {
	return `//tr[.//input[@name="device_id"][@value=` + xpathString(deviceID) + `]]`
}

// rowCells reads the device's row on the devices page as a person reads a table: the
// text of each cell under the heading of its column.
func (c *chromium) rowCells(t testing.TB, deviceID string) map[string]string {
	t.Helper()
	step(t, c, "find the row of device "+deviceID,
		chromedp.Query(chromedp.Search(deviceRow(deviceID)), chromedp.NodeVisible))
	return step(t, c, "read the row of device "+deviceID, chromedp.Evaluate[map[string]string](
		`((id) => {
			const input = [...document.querySelectorAll('input[name="device_id"]')]
				.find((i) => i.value === id);
			const row = input.closest("tr");
			const heads = [...row.closest("table").tHead.rows[0].cells];
			return Object.fromEntries([...row.cells].map((cell, i) =>
				[heads[i].innerText.trim(), cell.innerText.trim()]));
		})(`+strconv.Quote(deviceID)+`)`))
}

// flash is the message the devices page shows after an action.
func (c *chromium) flash(t testing.TB) string {
	t.Helper()
	return step(t, c, "read the message", chromedp.Text(chromedp.CSS(`[role="status"], [role="alert"]`),
		chromedp.NodeVisible))
}
