package e2e

import (
	"context"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// TestBrowserDeviceLogin logs the CLI in the way a person does, in a real Chromium:
// open verification_uri_complete, sign in, check the code and the device, approve or
// deny. Its subtests share one browser, so the later ones are already signed in.
func TestBrowserDeviceLogin(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, serverOptions{})
	ctx, cancel := context.WithTimeout(t.Context(), chromiumTimeout)
	defer cancel()
	c := startChromium(t)
	cfg := cliConfig(g, browserScopes...)
	octx := context.WithValue(ctx, oauth2.HTTPClient, httpClient)

	ok := t.Run("sign in, check and approve a trusted device", func(t *testing.T) {
		da := startDeviceLogin(t, octx, cfg)

		c.open(t, da.VerificationURIComplete)
		c.signInOnPage(t)

		// RFC 8628 §3.3.1: the code from the URI only fills the field in.
		c.wantPage(t, "Connect a device", "Enter the code shown in your terminal")
		if got := c.value(t, "Code"); got != da.UserCode {
			t.Errorf("the Code field holds %q, want %q", got, da.UserCode)
		}
		wantError(t, "poll before Continue", g.poll(t, cliClient, da.DeviceCode),
			http.StatusBadRequest, "authorization_pending")

		// RFC 8628 §5.4: the person can tell this device from a phished one.
		c.press(t, buttonNamed("", "Continue"))
		c.wantPage(t, "Approve this device?", da.UserCode, "Gatehouse CLI", "IP address",
			"127.0.0.1", "Trust this device")
		c.screenshot(t, "browser-device-confirmation")
		wantError(t, "poll on the confirmation page", g.poll(t, cliClient, da.DeviceCode),
			http.StatusBadRequest, "authorization_pending")

		c.tick(t, "Trust this device")
		c.press(t, buttonNamed("", "Approve"))
		c.wantPage(t, "Device approved", "You can go back to your terminal")

		tok, err := cfg.DeviceAccessToken(octx, da)
		if err != nil {
			t.Fatalf("DeviceAccessToken after Approve: %v", err)
		}
		wantLoginTokens(t, tok, "trusted-device-lifetime")
	})
	if !ok {
		t.FailNow()
	}

	t.Run("signed in, a second device needs only Continue and Approve", func(t *testing.T) {
		da := startDeviceLogin(t, octx, cfg)

		c.open(t, da.VerificationURIComplete)
		if c.has(t, `input[type="password"]`) {
			t.Fatalf("a signed-in browser is asked for a password again, on %s", c.describe())
		}
		c.approveOnPage(t, da.UserCode, false)

		tok, err := cfg.DeviceAccessToken(octx, da)
		if err != nil {
			t.Fatalf("DeviceAccessToken after Approve: %v", err)
		}
		wantLoginTokens(t, tok, "device-lifetime")
	})

	t.Run("deny", func(t *testing.T) {
		da := startDeviceLogin(t, octx, cfg)

		c.open(t, da.VerificationURIComplete)
		c.wantPage(t, "Connect a device")
		c.press(t, buttonNamed("", "Continue"))
		c.wantPage(t, "Approve this device?", da.UserCode)
		c.press(t, buttonNamed("", "Deny"))
		c.wantPage(t, "Device denied", "You can go back to your terminal")

		// RFC 8628 §3.5: the device's next poll learns of the denial.
		tok, err := cfg.DeviceAccessToken(octx, da)
		if code := oauthErrorCode(err); code != "access_denied" {
			t.Errorf("DeviceAccessToken after Deny: %v (token %v), want access_denied", err, tok != nil)
		}
	})
}

// TestBrowserDevicesPage locks and unlocks a device from the devices page in a real
// Chromium, and checks that the lock is what the device's refresh token meets.
func TestBrowserDevicesPage(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, serverOptions{})
	ctx, cancel := context.WithTimeout(t.Context(), chromiumTimeout)
	defer cancel()
	c := startChromium(t)
	cfg := cliConfig(g, browserScopes...)
	octx := context.WithValue(ctx, oauth2.HTTPClient, httpClient)

	// Log a device in through the browser.
	da := startDeviceLogin(t, octx, cfg)
	c.open(t, da.VerificationURIComplete)
	c.signInOnPage(t)
	c.approveOnPage(t, da.UserCode, false)
	tok, err := cfg.DeviceAccessToken(octx, da)
	if err != nil {
		t.Fatalf("DeviceAccessToken after Approve: %v", err)
	}
	id := deviceID(t, tok.AccessToken)

	// The devices page lists it.
	c.open(t, g.URL+"/devices")
	c.wantPage(t, "Your devices", "Times are in UTC")
	wantCells(t, "the new device", c.rowCells(t, id), map[string]string{
		"Client": cliClientID, "IP address": "127.0.0.1", "Tenant": "Gatehouse",
		"Trusted": "No", "Status": "Active",
	})
	c.screenshot(t, "browser-devices")

	// Lock: the page says so, and the device's refresh token stops working.
	c.press(t, buttonNamed(deviceRow(id), "Lock"))
	c.wantPage(t, "Your devices")
	if got := c.flash(t); !strings.HasPrefix(got, "Device locked.") {
		t.Errorf("after Lock the page says %q, want \"Device locked. ...\"", got)
	}
	wantCells(t, "after Lock", c.rowCells(t, id), map[string]string{"Status": "Locked"})
	c.screenshot(t, "browser-devices-locked")
	wantError(t, "refresh of the locked device", g.refresh(t, tok.RefreshToken),
		http.StatusBadRequest, "invalid_grant")

	// Unlock: it works again, with the refresh token the lock refused.
	c.press(t, buttonNamed(deviceRow(id), "Unlock"))
	c.wantPage(t, "Your devices")
	if got := c.flash(t); !strings.HasPrefix(got, "Device unlocked.") {
		t.Errorf("after Unlock the page says %q, want \"Device unlocked. ...\"", got)
	}
	wantCells(t, "after Unlock", c.rowCells(t, id), map[string]string{"Status": "Active"})
	wantTokens(t, "refresh of the unlocked device", g.refresh(t, tok.RefreshToken))
}

// wantCells fails the test unless each column of a row in wants shows its text.
func wantCells(t testing.TB, what string, cells, wants map[string]string) {
	t.Helper()
	for col, want := range wants {
		if got, ok := cells[col]; !ok || got != want {
			t.Errorf("%s: the %s column shows %q, want %q (row %q)", what, col, got, want, cells)
		}
	}
}

// wantLoginTokens fails the test unless tok has an access and a refresh token, and
// refresh_token_expires_in is the serve flag lifetimeFlag, less a few seconds at most.
func wantLoginTokens(t testing.TB, tok *oauth2.Token, lifetimeFlag string) {
	t.Helper()
	if tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Fatalf("tokens without an access or a refresh token: access %t, refresh %t",
			tok.AccessToken != "", tok.RefreshToken != "")
	}
	lifetime, err := time.ParseDuration(defaultFlags()[lifetimeFlag])
	if err != nil {
		t.Fatalf("--%s: %v", lifetimeFlag, err)
	}
	got, _ := tok.Extra("refresh_token_expires_in").(float64)
	if want := lifetime.Seconds(); got > want || got < want-5 || got != math.Trunc(got) {
		t.Errorf("refresh_token_expires_in = %v, want about %v (--%s)", got, want, lifetimeFlag)
	}
}
