package consent_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/consent"
	"github.com/gatehouse-auth/gatehouse/provider"
	"github.com/gatehouse-auth/gatehouse/storage"
)

func TestCodeEntryNormalization(t *testing.T) {
	tests := []struct {
		name   string
		typeIt func(formatted string) string
	}{
		{"as shown", func(c string) string { return c }},
		{"lower case", strings.ToLower},
		{"no dash", func(c string) string { return strings.ReplaceAll(c, "-", "") }},
		{"spaces", func(c string) string { return " " + strings.ReplaceAll(c, "-", " ") + " " }},
		{"lower case, spaces inside", func(c string) string {
			return strings.ToLower(c[:2] + " " + c[2:4] + c[5:])
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			b := e.browser().signIn()
			b.want(http.StatusOK, `<label for="user_code">Code</label>`, "Continue</button>")
			code, _ := e.newDevice()
			formatted := provider.FormatUserCode(code)

			b.submit("/device", url.Values{"user_code": {tt.typeIt(formatted)}})
			b.want(http.StatusOK, "Approve this device?", formatted, "Gatehouse CLI",
				"build-box-7", "linux/amd64", "gatehouse 1.4.2", "gatehouse-cli/1.4.2",
				"203.0.113.9", `<label for="trust">Trust this device</label>`,
				"Trusted devices stay signed in for 30 days, others for 24 hours",
				`value="approve">Approve</button>`, `value="deny">Deny</button>`,
				`<input type="hidden" name="user_code" value="`+code+`">`)
			if strings.Contains(b.page, `name="trust" type="checkbox" value="on" checked`) {
				t.Error("Trust this device is checked by default")
			}
		})
	}
}

func TestTrustHintFollowsConfig(t *testing.T) {
	e := newEnv(t, func(c *consent.Config) {
		c.DeviceLifetime = 8 * time.Hour
		c.TrustedDeviceLifetime = 7 * 24 * time.Hour
	})
	b := e.browser().signIn()
	code, _ := e.newDevice()
	b.submit("/device", url.Values{"user_code": {code}})
	b.want(http.StatusOK, "Trusted devices stay signed in for 7 days, others for 8 hours")
}

func TestPrefilledCodeDoesNotApprove(t *testing.T) {
	tests := []struct {
		name     string
		signedIn bool
	}{
		{"signed in", true},
		{"signed out", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			b := e.browser()
			if tt.signedIn {
				b.signIn()
			}
			code, _ := e.newDevice()
			formatted := provider.FormatUserCode(code)

			b.get("/device?user_code=" + strings.ToLower(code))
			if !tt.signedIn {
				// The sign-in page carries the code in the form, then shows it.
				b.want(http.StatusOK, "Sign in</button>",
					`<input type="hidden" name="user_code" value="`+formatted+`">`)
				b.submit("/login", url.Values{"email": {testEmail},
					"password": {testPassword}, "user_code": {formatted}})
			}
			b.want(http.StatusOK, "Connect a device", `value="`+formatted+`"`)

			if st := e.request(code).Status; st != storage.DeviceCodePending {
				t.Fatalf("after the pre-filled page the request is %s, want pending", st)
			}
			b.submit("/device", url.Values{"user_code": {formatted}})
			b.want(http.StatusOK, "Approve this device?")
			if st := e.request(code).Status; st != storage.DeviceCodePending {
				t.Fatalf("after the confirmation page the request is %s, want pending", st)
			}
		})
	}
}

func TestApprove(t *testing.T) {
	tests := []struct {
		name     string
		trust    string
		lifetime time.Duration
		life     string
	}{
		{"untrusted", "", 24 * time.Hour, "24 hours"},
		{"trusted", "on", 30 * 24 * time.Hour, "30 days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			b := e.browser().signIn()
			signedInAt := e.clock.Now()
			e.clock.Advance(3 * time.Minute)
			code, req := e.newDevice()
			b.submit("/device", url.Values{"user_code": {code}})
			e.clock.Advance(time.Minute)
			approvedAt := e.clock.Now()

			b.submit("/device/decision", url.Values{"user_code": {code},
				"action": {"approve"}, "trust": {tt.trust}})
			b.want(http.StatusOK, "Device approved", "You can go back to your terminal.",
				"It stays signed in for "+tt.life)

			got := e.request(code)
			if got.Status != storage.DeviceCodeApproved || got.Approval == nil {
				t.Fatalf("request is %s, want approved", got.Status)
			}
			a := got.Approval
			if a.UserID != e.user.ID || a.Trusted != (tt.trust == "on") ||
				!a.AuthTime.Equal(signedInAt) || !a.ApprovedAt.Equal(approvedAt) {
				t.Errorf("approval %+v: want user %s, trusted %v, auth_time %v, approved %v",
					a, e.user.ID, tt.trust == "on", signedInAt, approvedAt)
			}
			dev, err := e.st.Device(context.Background(), req.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := approvedAt.Add(tt.lifetime); !dev.ExpiresAt.Equal(want) {
				t.Errorf("device expires at %v, want %v", dev.ExpiresAt, want)
			}
			if dev.Trusted != (tt.trust == "on") || dev.UserID != e.user.ID {
				t.Errorf("device %+v: want trusted %v for %s", dev, tt.trust == "on", e.user.ID)
			}
		})
	}
}

func TestDeny(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser().signIn()
	code, req := e.newDevice()
	b.submit("/device", url.Values{"user_code": {code}})
	b.submit("/device/decision", url.Values{"user_code": {code}, "action": {"deny"},
		"trust": {"on"}})
	b.want(http.StatusOK, "Device denied", "You can go back to your terminal.")

	if st := e.request(code).Status; st != storage.DeviceCodeDenied {
		t.Errorf("request is %s, want denied", st)
	}
	if _, err := e.st.Device(context.Background(), req.ID); err == nil {
		t.Error("a denied request has an authorized device")
	}
}

func TestCodeMessages(t *testing.T) {
	tests := []struct {
		name string
		// prepare returns what to type, after changing the world.
		prepare func(e *env, b *browser) string
		want    string
	}{
		{"unknown", func(e *env, b *browser) string { return "BCDF-GHJK" },
			"That code is not valid. Check it and try again."},
		{"malformed", func(e *env, b *browser) string { return "HELLO-WORLD" },
			"That code is not valid. Check it and try again."},
		{"empty", func(e *env, b *browser) string { return "  " },
			"That code is not valid. Check it and try again."},
		{"expired", func(e *env, b *browser) string {
			code, _ := e.newDevice()
			e.clock.Advance(11 * time.Minute)
			return code
		}, "That code has expired. Start again from your terminal."},
		{"approved", func(e *env, b *browser) string {
			code, _ := e.newDevice()
			b.submit("/device", url.Values{"user_code": {code}})
			b.submit("/device/decision", url.Values{"user_code": {code}, "action": {"approve"}})
			b.want(http.StatusOK, "Device approved")
			return code
		}, "That code was already used."},
		{"denied", func(e *env, b *browser) string {
			code, _ := e.newDevice()
			b.submit("/device", url.Values{"user_code": {code}})
			b.submit("/device/decision", url.Values{"user_code": {code}, "action": {"deny"}})
			b.want(http.StatusOK, "Device denied")
			return code
		}, "That code was already used."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			b := e.browser().signIn()
			typed := tt.prepare(e, b)
			b.get("/device")
			b.submit("/device", url.Values{"user_code": {typed}})
			b.want(http.StatusOK, "Connect a device", tt.want)
		})
	}
}

func TestDecisionOnUsedCode(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser().signIn()
	code, _ := e.newDevice()
	b.submit("/device", url.Values{"user_code": {code}})
	confirm := b.page

	// Approved in one tab, then the second tab's Deny comes too late.
	b.submit("/device/decision", url.Values{"user_code": {code}, "action": {"approve"}})
	b.want(http.StatusOK, "Device approved")
	b.page = confirm
	b.submit("/device/decision", url.Values{"user_code": {code}, "action": {"deny"}})
	b.want(http.StatusOK, "That code was already used.")
	if st := e.request(code).Status; st != storage.DeviceCodeApproved {
		t.Errorf("request is %s, want approved", st)
	}
}

func TestDecisionNeedsAnAction(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser().signIn()
	code, _ := e.newDevice()
	b.submit("/device", url.Values{"user_code": {code}})
	b.submit("/device/decision", url.Values{"user_code": {code}, "action": {"maybe"}})
	b.want(http.StatusBadRequest, "Bad request")
	if st := e.request(code).Status; st != storage.DeviceCodePending {
		t.Errorf("request is %s, want pending", st)
	}
}

// authorizeFunc is the type of Config.Authorize.
type authorizeFunc = func(context.Context, *storage.User, *storage.DeviceRequest) (
	storage.Approval, error)

// answer is an authorizeFunc that always returns a and err.
func answer(a storage.Approval, err error) authorizeFunc {
	return func(context.Context, *storage.User, *storage.DeviceRequest) (storage.Approval, error) {
		return a, err
	}
}

func TestAuthorize(t *testing.T) {
	const msg = "You are not a member of the organization that owns this tenant."
	refusal := &consent.RefusalError{Message: msg}
	tenant := storage.Approval{OrgID: "org1", OrgRole: "member", TenantID: "tenant1",
		UserID: "someone-else", Trusted: true, ExpiresAt: time.Unix(1, 0)}
	tests := []struct {
		name       string
		authorize  authorizeFunc
		wantStatus int
		wantPage   []string
		wantState  storage.DeviceCodeStatus
	}{
		{"refused", answer(storage.Approval{}, refusal),
			http.StatusOK, []string{"Device denied", msg}, storage.DeviceCodeDenied},
		{"wrapped refusal", answer(storage.Approval{}, fmt.Errorf("orgs: %w", refusal)),
			http.StatusOK, []string{"Device denied", msg}, storage.DeviceCodeDenied},
		{"fails", answer(storage.Approval{}, errors.New("orgs: redis: connection refused")),
			http.StatusServiceUnavailable, []string{"Gatehouse is temporarily unavailable"},
			storage.DeviceCodePending},
		// Only the organization fields are taken from what Authorize returns.
		{"fills the tenant", answer(tenant, nil),
			http.StatusOK, []string{"Device approved"}, storage.DeviceCodeApproved},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var asked *storage.User
			e := newEnv(t, func(c *consent.Config) {
				c.Authorize = func(ctx context.Context, u *storage.User, r *storage.DeviceRequest) (
					storage.Approval, error) {
					asked = u
					return tt.authorize(ctx, u, r)
				}
			})
			b := e.browser().signIn()
			code, req := e.newDevice()
			b.submit("/device", url.Values{"user_code": {code}})
			b.submit("/device/decision", url.Values{"user_code": {code}, "action": {"approve"}})
			b.want(tt.wantStatus, tt.wantPage...)

			if asked == nil || asked.ID != e.user.ID {
				t.Errorf("Authorize got user %+v, want %s", asked, e.user.ID)
			}
			got := e.request(code)
			if got.Status != tt.wantState {
				t.Fatalf("request is %s, want %s", got.Status, tt.wantState)
			}
			if tt.wantState != storage.DeviceCodeApproved {
				return
			}
			dev, err := e.st.Device(context.Background(), req.ID)
			if err != nil {
				t.Fatal(err)
			}
			if dev.OrgID != "org1" || dev.TenantID != "tenant1" || dev.UserID != e.user.ID ||
				dev.Trusted || got.Approval.OrgRole != "member" ||
				!dev.ExpiresAt.Equal(e.clock.Now().Add(24*time.Hour)) {
				t.Errorf("device %+v, approval %+v: want org1/tenant1 member, untrusted for "+
					"24 hours, user %s", dev, got.Approval, e.user.ID)
			}
		})
	}
}

func TestDenyDoesNotAskAuthorize(t *testing.T) {
	e := newEnv(t, func(c *consent.Config) {
		c.Authorize = func(context.Context, *storage.User, *storage.DeviceRequest) (
			storage.Approval, error) {
			t.Error("Authorize was asked about a denial")
			return storage.Approval{}, nil
		}
	})
	b := e.browser().signIn()
	code, _ := e.newDevice()
	b.submit("/device", url.Values{"user_code": {code}})
	b.submit("/device/decision", url.Values{"user_code": {code}, "action": {"deny"}})
	b.want(http.StatusOK, "Device denied")
}
