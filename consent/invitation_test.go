package consent_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/rbac"
	"github.com/gatehouse-auth/gatehouse/storage"
)

const (
	testOrgName  = "Acme"
	inviteTTL    = 7 * 24 * time.Hour
	newEmail     = "grace@example.com"
	newPassword  = "analytical engine"
	otherEmail   = "bob@example.com"
	invitePrefix = "/invitations/accept?token="
)

// invite creates an organization (its admin a user of its own) and invites email to
// it with role. It returns the organization id and the link token.
func (e *env) invite(email string, role rbac.Role) (string, string) {
	e.t.Helper()
	ctx := context.Background()
	admin, err := e.st.CreateUser(ctx, "admin-"+storage.NewID()+"@example.com", "Admin", testPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	org, err := e.st.CreateOrganization(ctx, testOrgName, admin.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	_, token, err := e.st.CreateInvitation(ctx, org.ID, email, role, admin.ID, inviteTTL)
	if err != nil {
		e.t.Fatal(err)
	}
	e.secrets = append(e.secrets, token)
	return org.ID, token
}

// role is userID's role in orgID, "" for none.
func (e *env) role(orgID, userID string) rbac.Role {
	e.t.Helper()
	r, err := e.st.Role(context.Background(), orgID, userID)
	if errors.Is(err, fosite.ErrNotFound) {
		return ""
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// newUser creates another account with testPassword.
func (e *env) newUser(email string) *storage.User {
	e.t.Helper()
	u, err := e.st.CreateUser(context.Background(), email, "Bob", testPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// accept submits the invitation page's form with the token and action, and fields.
func (b *browser) accept(token, action string, fields url.Values) *browser {
	b.t.Helper()
	if fields == nil {
		fields = url.Values{}
	}
	fields.Set("token", token)
	fields.Set("action", action)
	return b.submit("/invitations/accept", fields)
}

// wantSignedInAs fails the test unless the browser is signed in as email.
func (b *browser) wantSignedInAs(email string) {
	b.t.Helper()
	b.get("/device").want(http.StatusOK, "Connect a device", "<span>"+email+"</span>")
}

var urlWithTokenRE = regexp.MustCompile(`(href|action|src)="[^"]*token=`)

// wantTokenOnlyInForms fails the test unless token is on the page in hidden fields
// alone, never in a URL.
func (b *browser) wantTokenOnlyInForms(token string) {
	b.t.Helper()
	field := `<input type="hidden" name="token" value="` + token + `">`
	if !strings.Contains(b.page, field) {
		b.t.Fatalf("page lacks the token field:\n%s", b.page)
	}
	if urlWithTokenRE.MatchString(b.page) ||
		strings.Count(b.page, token) != strings.Count(b.page, field) {
		b.t.Errorf("the token is on the page outside its field:\n%s", b.page)
	}
	if got := b.header.Get("Referrer-Policy"); got != "no-referrer" {
		b.t.Errorf("Referrer-Policy %q, want no-referrer", got)
	}
}

func TestInvitationSignedIn(t *testing.T) {
	e := newEnv(t, nil)
	orgID, token := e.invite(testEmail, rbac.RoleEditor)
	b := e.browser().signIn()

	b.get(invitePrefix+token).want(http.StatusOK,
		"You're invited to join Acme as editor", "You are signed in as "+testEmail,
		"Accept invitation</button>", `href="/devices">Devices</a>`)
	b.wantTokenOnlyInForms(token)
	if strings.Contains(b.page, `name="password"`) {
		t.Error("a signed-in invitee is asked for a password")
	}

	b.accept(token, "accept", nil).want(http.StatusOK, "You joined Acme as editor.",
		"Connect a terminal with gatehouse connect --url "+e.srv.URL)
	if got := e.role(orgID, e.user.ID); got != rbac.RoleEditor {
		t.Errorf("role %q, want editor", got)
	}

	// The link is spent.
	b.get(invitePrefix+token).want(http.StatusGone, "This invitation was already accepted.")
}

func TestInvitationSignInForm(t *testing.T) {
	e := newEnv(t, nil)
	orgID, token := e.invite(testEmail, rbac.RoleViewer)
	b := e.browser()

	b.get(invitePrefix+token).want(http.StatusOK, "You're invited to join Acme as viewer",
		`<label for="email">Email</label>`, `value="`+testEmail+`"`+"\n  readonly>",
		`<label for="password">Password</label>`, "Sign in and accept</button>")
	b.wantTokenOnlyInForms(token)

	// A wrong password is refused and nothing is accepted.
	b.accept(token, "sign_in", url.Values{"password": {"not it"}})
	b.want(http.StatusOK, "Wrong password.", "Sign in and accept</button>")
	if got := e.role(orgID, e.user.ID); got != "" {
		t.Fatalf("role %q after a wrong password", got)
	}

	// The email is the invitation's, whatever the form says.
	b.accept(token, "sign_in", url.Values{"email": {otherEmail}, "password": {testPassword}})
	b.want(http.StatusOK, "You joined Acme as viewer.")
	if got := e.role(orgID, e.user.ID); got != rbac.RoleViewer {
		t.Errorf("role %q, want viewer", got)
	}
	b.wantSignedInAs(testEmail)
}

func TestInvitationNewAccount(t *testing.T) {
	e := newEnv(t, nil)
	e.secrets = append(e.secrets, newPassword)
	orgID, token := e.invite(newEmail, rbac.RoleEditor)
	b := e.browser()

	b.get(invitePrefix+token).want(http.StatusOK, "You're invited to join Acme as editor",
		`value="`+newEmail+`"`, `<label for="name">Name</label>`,
		`<label for="password">Password</label>`,
		`<label for="confirm_password">Confirm password</label>`,
		"Create account and accept</button>")
	b.wantTokenOnlyInForms(token)

	b.accept(token, "create", url.Values{"name": {" Grace Hopper "},
		"password": {newPassword}, "confirm_password": {newPassword}})
	b.want(http.StatusOK, "You joined Acme as editor.",
		"Connect a terminal with gatehouse connect --url "+e.srv.URL)

	u, err := e.st.UserByEmail(context.Background(), newEmail)
	if err != nil {
		t.Fatalf("no account: %v", err)
	}
	if u.Name != "Grace Hopper" {
		t.Errorf("name %q", u.Name)
	}
	if _, err := e.st.Authenticate(context.Background(), newEmail, newPassword); err != nil {
		t.Errorf("the new password does not sign in: %v", err)
	}
	if got := e.role(orgID, u.ID); got != rbac.RoleEditor {
		t.Errorf("role %q, want editor", got)
	}
	b.wantSignedInAs(newEmail)
	e.wantAudit(storage.AuditEvent{Type: storage.AuditMemberAdded, ActorID: u.ID,
		OrgID: orgID, TargetID: u.ID, IP: "127.0.0.1", Detail: "editor"})
}

func TestInvitationAccountForm(t *testing.T) {
	tests := []struct {
		name                    string
		userName, pass, confirm string
		want                    string
	}{
		{"passwords differ", "Grace", newPassword, newPassword + "!", "The passwords do not match."},
		{"short password", "Grace", "seven77", "seven77", "Use a password of at least 8 characters."},
		{"no name", "  ", newPassword, newPassword, "Enter your name."},
		{"long name", strings.Repeat("g", 101), newPassword, newPassword,
			"Use a name of at most 100 characters."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			e.secrets = append(e.secrets, tt.pass, tt.confirm)
			_, token := e.invite(newEmail, rbac.RoleEditor)
			b := e.browser().get(invitePrefix + token)

			b.accept(token, "create", url.Values{"name": {tt.userName},
				"password": {tt.pass}, "confirm_password": {tt.confirm}})
			b.want(http.StatusOK, tt.want, "Create account and accept</button>")
			if strings.Contains(b.page, tt.pass) {
				t.Error("the page shows the password back")
			}

			_, err := e.st.UserByEmail(context.Background(), newEmail)
			if !errors.Is(err, fosite.ErrNotFound) {
				t.Errorf("an account exists after a refused form: %v", err)
			}
			b.get(invitePrefix+token).want(http.StatusOK, "Create account and accept</button>")
		})
	}
}

func TestInvitationWrongAccount(t *testing.T) {
	tests := []struct {
		name    string
		invitee string
		// exists tells whether the invited email has an account.
		exists bool
		after  string
	}{
		{"invitee has an account", otherEmail, true, "Sign in and accept</button>"},
		{"invitee has none", newEmail, false, "Create account and accept</button>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			var invitee *storage.User
			if tt.exists {
				invitee = e.newUser(tt.invitee)
			}
			orgID, token := e.invite(tt.invitee, rbac.RoleEditor)
			b := e.browser().signIn()

			msg := "This invitation is for " + tt.invitee + ". Sign out to accept it."
			b.get(invitePrefix+token).want(http.StatusOK, msg, `value="sign_out"`)
			b.wantTokenOnlyInForms(token)
			if strings.Contains(b.page, "Accept invitation") || strings.Contains(b.page,
				`action="/logout"`) || strings.Count(b.page, "Sign out</button>") != 1 {
				t.Errorf("want the page's Sign out button alone:\n%s", b.page)
			}

			// An accept forged from an older page is not taken for the signed-in user.
			b.accept(token, "accept", nil).want(http.StatusOK, msg)
			if got := e.role(orgID, e.user.ID); got != "" {
				t.Errorf("the signed-in user got role %q", got)
			}
			if invitee != nil && e.role(orgID, invitee.ID) != "" {
				t.Error("the invitee joined without signing in")
			}

			// Signing out comes back to the invitation, with the form for the invitee.
			b.accept(token, "sign_out", nil).want(http.StatusOK,
				"You're invited to join Acme as editor", tt.after)
			b.get("/device").want(http.StatusOK, "Sign in</button>")
		})
	}
}

func TestInvitationBadLinks(t *testing.T) {
	tests := []struct {
		name string
		// spoil changes the invitation of token, or returns another token.
		spoil  func(e *env, orgID, token string) string
		status int
		want   string
	}{
		{"unknown", func(*env, string, string) string { return "nope" + strings.Repeat("A", 48) },
			http.StatusNotFound, "This invitation link is not valid."},
		{"empty", func(*env, string, string) string { return "" },
			http.StatusNotFound, "This invitation link is not valid."},
		{"expired", func(e *env, _, token string) string {
			e.clock.Advance(inviteTTL)
			return token
		}, http.StatusGone, "This invitation has expired. Ask for a new one."},
		{"used", func(e *env, _, token string) string {
			if _, err := e.st.AcceptInvitation(context.Background(), token, e.user.ID); err != nil {
				e.t.Fatal(err)
			}
			return token
		}, http.StatusGone, "This invitation was already accepted."},
		{"revoked", func(e *env, orgID, token string) string {
			invs, err := e.st.Invitations(context.Background(), orgID)
			if err != nil || len(invs) != 1 {
				e.t.Fatalf("invitations %v, %v", invs, err)
			}
			if err := e.st.RevokeInvitation(context.Background(), invs[0].ID); err != nil {
				e.t.Fatal(err)
			}
			return token
		}, http.StatusGone, "This invitation was withdrawn."},
		{"organization deleted", func(e *env, orgID, token string) string {
			e.mr.Del("gh:org:" + orgID)
			return token
		}, http.StatusNotFound, "This invitation link is not valid."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			orgID, token := e.invite(testEmail, rbac.RoleEditor)
			b := e.browser().get(invitePrefix + token)
			form := b.page
			token = tt.spoil(e, orgID, token)

			b.get(invitePrefix+url.QueryEscape(token)).want(tt.status, tt.want)
			b.page = form
			b.accept(token, "sign_in", url.Values{"password": {testPassword}})
			b.want(tt.status, tt.want)
		})
	}
}

func TestInvitationAlreadyMember(t *testing.T) {
	e := newEnv(t, nil)
	orgID, token := e.invite(testEmail, rbac.RoleEditor)
	if err := e.st.AddMember(context.Background(), orgID, e.user.ID, rbac.RoleViewer); err != nil {
		t.Fatal(err)
	}
	b := e.browser().signIn().get(invitePrefix + token)
	b.accept(token, "accept", nil).want(http.StatusOK, "You are already a member of Acme.")
	if got := e.role(orgID, e.user.ID); got != rbac.RoleViewer {
		t.Errorf("role %q, want viewer unchanged", got)
	}
}

func TestInvitationCSRF(t *testing.T) {
	tests := []struct {
		name   string
		action string
		fields url.Values
	}{
		{"accept", "accept", url.Values{}},
		{"sign in", "sign_in", url.Values{"password": {testPassword}}},
		{"create", "create", url.Values{"name": {"Grace"}, "password": {newPassword},
			"confirm_password": {newPassword}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			email := testEmail
			if tt.action == "create" {
				email = newEmail
			}
			orgID, token := e.invite(email, rbac.RoleAdmin)
			b := e.browser()
			if tt.action == "accept" {
				b.signIn()
			}
			b.get(invitePrefix + token)

			tt.fields.Set("token", token)
			tt.fields.Set("action", tt.action)
			b.do(http.MethodPost, "/invitations/accept", tt.fields)
			b.want(http.StatusForbidden, "Request refused")
			if got := e.role(orgID, e.user.ID); got != "" {
				t.Errorf("role %q after a forged form", got)
			}
			if _, err := e.st.UserByEmail(context.Background(), newEmail); err == nil {
				t.Error("a forged form created an account")
			}
		})
	}
}

func TestInvitationSignInRateLimit(t *testing.T) {
	e := newEnv(t, nil)
	orgID, token := e.invite(testEmail, rbac.RoleEditor)
	b := e.browser().get(invitePrefix + token)
	for i := range 10 {
		b.accept(token, "sign_in", url.Values{"password": {"wrong"}})
		if b.status != http.StatusOK {
			t.Fatalf("failure %d answered %d, want 200", i+1, b.status)
		}
	}

	// The 11th is refused, even the right password, here and on the sign-in page.
	b.accept(token, "sign_in", url.Values{"password": {testPassword}})
	b.want(http.StatusTooManyRequests, "Too many failed sign-ins.")
	if got := e.role(orgID, e.user.ID); got != "" {
		t.Errorf("role %q past the limit", got)
	}
	b.get("/login")
	b.submit("/login", url.Values{"email": {testEmail}, "password": {testPassword}})
	b.want(http.StatusTooManyRequests, "Too many failed sign-ins.")
}

func TestInvitationAcceptedOnce(t *testing.T) {
	e := newEnv(t, nil)
	_, token := e.invite(newEmail, rbac.RoleEditor)
	first, second := e.browser().get(invitePrefix+token), e.browser().get(invitePrefix+token)
	e.secrets = append(e.secrets, newPassword)

	form := url.Values{"name": {"Grace"}, "password": {newPassword},
		"confirm_password": {newPassword}}
	first.accept(token, "create", form).want(http.StatusOK, "You joined Acme as editor.")

	// The second tab's account form finds the link spent.
	second.accept(token, "create", form).want(http.StatusGone,
		"This invitation was already accepted.")
}

func TestInvitationRedisDown(t *testing.T) {
	e := newEnv(t, nil)
	_, token := e.invite(testEmail, rbac.RoleEditor)
	b := e.browser().get(invitePrefix + token)
	form := b.page
	e.mr.Close()

	b.get(invitePrefix+token).want(http.StatusServiceUnavailable,
		"Gatehouse is temporarily unavailable")
	b.page = form
	b.accept(token, "sign_in", url.Values{"password": {testPassword}})
	b.want(http.StatusServiceUnavailable, "Gatehouse is temporarily unavailable")
}
