package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestOrgInvitationLinks follows invitation links that can no longer be accepted: one
// already accepted, one withdrawn, one replaced by a resend, one made up, and one
// expired (on a server whose invitations last 2 s). Each gives a page that says why,
// with no form to create an account, and the invitation stays unaccepted.
func TestOrgInvitationLinks(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, mailServer(t, nil))
	admin := managementToken(t, g, signedInBrowser(t, g))
	acme := admin.orgNamed(t, "Acme")

	t.Run("accepted", func(t *testing.T) {
		t.Parallel()
		m := join(t, admin, acme.ID, "viewer")
		link := invitationLink(t, g, m.Email)
		for name, b := range map[string]*browser{"the member's browser": m.Browser, "a new browser": newBrowser(t, g)} {
			wantBadLink(t, name, openInvitation(t, b, link), http.StatusGone, "This invitation was already accepted.")
		}
	})

	t.Run("withdrawn", func(t *testing.T) {
		t.Parallel()
		email := "withdrawn-" + randomHex(6) + "@example.com"
		inv := admin.invite(t, acme.ID, email, "editor")
		link := invitationLink(t, g, email)
		early := newBrowser(t, g)
		form := openInvitation(t, early, link)
		admin.must(t, http.StatusNoContent, http.MethodDelete, "/api/v1/orgs/"+acme.ID+"/invitations/"+inv.ID, nil, nil)
		wantBadLink(t, "a withdrawn link", openInvitation(t, newBrowser(t, g), link), http.StatusGone,
			"This invitation was withdrawn.")
		wantInvitationStatus(t, admin, acme.ID, inv.ID, "revoked")

		// The account form loaded before the withdrawal creates nothing after it.
		wantBadLink(t, "the account form sent after the withdrawal", submitAccount(t, early, form), http.StatusGone,
			"This invitation was withdrawn.")
		wantNoAccount(t, g, email)
	})

	t.Run("resent", func(t *testing.T) {
		t.Parallel()
		email := "resent-" + randomHex(6) + "@example.com"
		inv := admin.invite(t, acme.ID, email, "viewer")
		invitationLink(t, g, email)
		resend := "/api/v1/orgs/" + acme.ID + "/invitations/" + inv.ID + "/resend"
		admin.must(t, http.StatusOK, http.MethodPost, resend, nil, nil)

		// The resend mails a new link; the first one stops working.
		links := invitationLinks(t, g, email, 2)
		fresh, old := links[0], links[1]
		if fresh == old {
			t.Fatalf("the resent invitation has the same link")
		}
		wantBadLink(t, "the replaced link", openInvitation(t, newBrowser(t, g), old), http.StatusNotFound,
			"This invitation link is not valid.")
		if p := acceptLink(t, newBrowser(t, g), fresh); !p.Has("You joined Acme as viewer.") {
			t.Errorf("accept the resent link: %d, want the joined page:\n%s", p.Status, p.HTML)
		}
	})

	t.Run("accepted at once in several browsers", func(t *testing.T) {
		t.Parallel()
		email := "racing-" + randomHex(6) + "@example.com"
		admin.invite(t, acme.ID, email, "viewer")
		link := invitationLink(t, g, email)

		// Each browser loads the account form, then all submit together: one account,
		// one membership, and every other browser is told why it did not join.
		const n = 4
		browsers, forms := make([]*browser, n), make([]page, n)
		for i := range n {
			browsers[i] = newBrowser(t, g)
			forms[i] = openInvitation(t, browsers[i], link)
		}
		results := make([]page, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				results[i] = browsers[i].submit(t, forms[i], "/invitations/accept", url.Values{
					"token": {hiddenField(t, forms[i], "token")}, "action": {"create"}, "name": {"Racer"},
					"password": {memberPassword}, "confirm_password": {memberPassword},
				})
			})
		}
		close(start)
		wg.Wait()

		joined := 0
		for i, p := range results {
			switch {
			case p.Has("You joined Acme as viewer."):
				joined++
			case p.Status >= 500 || p.Has("Create your Gatehouse account"):
				t.Errorf("browser %d: %d, want a page saying the invitation was taken:\n%s", i, p.Status, p.HTML)
			}
		}
		if joined != 1 {
			t.Errorf("%d of %d racing browsers joined, want exactly 1", joined, n)
		}
		count := 0
		for _, mem := range admin.members(t, acme.ID) {
			if mem.Email == email {
				count++
			}
		}
		if count != 1 {
			t.Errorf("%s is a member %d times, want once", email, count)
		}
	})

	t.Run("existing account", func(t *testing.T) {
		t.Parallel()
		// Someone with an account is invited to a second organization.
		m := join(t, admin, acme.ID, "viewer")
		org := admin.createOrg(t, "Initech "+randomHex(3))
		admin.invite(t, org.ID, m.Email, "editor")
		link := invitationLinks(t, g, m.Email, 2)[0]

		// Signed in as someone else: sign out first.
		other := openInvitation(t, signedInBrowser(t, g), link)
		if !other.Has("Sign out to accept it") || other.Has(`name="password"`) {
			t.Errorf("the invitation in another account's browser: %d, want the sign-out form:\n%s",
				other.Status, other.HTML)
		}

		// Nobody signed in: the account's password, which must be right.
		b := newBrowser(t, g)
		form := openInvitation(t, b, link)
		if !form.Has("Sign in to accept it") || form.Has("confirm_password") {
			t.Fatalf("the invitation of an existing account: %d, want the sign-in form:\n%s", form.Status, form.HTML)
		}
		signIn := func(on page, password string) page {
			return b.submit(t, on, "/invitations/accept", url.Values{
				"token": {hiddenField(t, on, "token")}, "action": {"sign_in"}, "password": {password},
			})
		}
		wrong := signIn(form, "not-the-password")
		if !wrong.Has("Wrong password.") || !wrong.Has("Sign in to accept it") {
			t.Errorf("a wrong password: %d, want the form again saying so:\n%s", wrong.Status, wrong.HTML)
		}
		if p := signIn(wrong, memberPassword); !p.Has("You joined " + org.Name + " as editor.") {
			t.Errorf("sign in and accept: %d, want the joined page:\n%s", p.Status, p.HTML)
		}
		if id := admin.memberID(t, org.ID, m.Email); id != m.UserID {
			t.Errorf("joined as user %s, want the existing account %s", id, m.UserID)
		}
	})

	t.Run("the token is in the mail only", func(t *testing.T) {
		t.Parallel()
		email := "secret-" + randomHex(6) + "@example.com"
		created := admin.call(t, http.MethodPost, "/api/v1/orgs/"+acme.ID+"/members",
			map[string]string{"email": email, "role": "viewer"})
		link := invitationLink(t, g, email)
		u, err := url.Parse(link)
		if err != nil {
			t.Fatal(err)
		}
		token := u.Query().Get("token")
		p := acceptLink(t, newBrowser(t, g), link)
		if !p.Has("You joined Acme as viewer.") {
			t.Fatalf("accept: %d, want the joined page:\n%s", p.Status, p.HTML)
		}

		// Neither the API nor the server's log (at debug level) ever shows it.
		listed := admin.call(t, http.MethodGet, "/api/v1/orgs/"+acme.ID+"/invitations", nil)
		for name, text := range map[string]string{
			"the invite answer": string(created.Body), "the invitation list": string(listed.Body),
			"the joined page": p.HTML, "the server log": g.logs.String(),
		} {
			if strings.Contains(text, token) {
				t.Errorf("%s holds the invitation token", name)
			}
		}
	})

	t.Run("made up", func(t *testing.T) {
		t.Parallel()
		p := newBrowser(t, g).get(t, "/invitations/accept?token="+randomHex(26))
		wantBadLink(t, "a made-up link", p, http.StatusNotFound, "This invitation link is not valid.")
	})

	t.Run("expired", func(t *testing.T) {
		t.Parallel()
		short := startGatehouse(t, mailServer(t, map[string]string{"invitation-lifetime": "2s"}))
		shortAdmin := managementToken(t, short, signedInBrowser(t, short))
		org := shortAdmin.orgNamed(t, "Acme")
		email := "expired-" + randomHex(6) + "@example.com"
		inv := shortAdmin.invite(t, org.ID, email, "viewer")
		if life := time.Until(inv.ExpiresAt); life > 3*time.Second {
			t.Errorf("invitation expires in %v, want about --invitation-lifetime 2s", life)
		}
		link := invitationLink(t, short, email)
		early := newBrowser(t, short)
		form := openInvitation(t, early, link)

		// Wait for the expiry on the server's clock, then the page says so.
		b := newBrowser(t, short)
		var p page
		if _, ok := eventually(10*time.Second, func() bool {
			p = openInvitation(t, b, link)
			return !p.Has("Create your Gatehouse account")
		}); !ok {
			t.Fatalf("the invitation link still offers to create an account 10 s after it was sent")
		}
		wantBadLink(t, "an expired link", p, http.StatusGone, "This invitation has expired. Ask for a new one.")
		wantInvitationStatus(t, shortAdmin, org.ID, inv.ID, "expired")

		// An account form loaded in time creates nothing once the link has expired.
		if form.Has("Create your Gatehouse account") {
			wantBadLink(t, "the account form sent after the expiry", submitAccount(t, early, form), http.StatusGone,
				"This invitation has expired. Ask for a new one.")
			wantNoAccount(t, short, email)
		}
	})
}

// wantBadLink fails the test unless p is the page of an invitation link that cannot
// be accepted: status, the message, and no form to accept with.
func wantBadLink(t *testing.T, what string, p page, status int, message string) {
	t.Helper()
	if p.Status != status || !p.Has(message) || p.Has(`name="password"`) || p.Has(`value="accept"`) {
		t.Errorf("%s: %d, want %d saying %q and no form:\n%s", what, p.Status, status, message, p.HTML)
	}
}

// wantInvitationStatus fails the test unless the organization lists the invitation
// with status.
func wantInvitationStatus(t *testing.T, admin *mgmtAPI, orgID, id, status string) {
	t.Helper()
	var out struct {
		Invitations []apiInvitation `json:"invitations"`
	}
	admin.must(t, http.StatusOK, http.MethodGet, "/api/v1/orgs/"+orgID+"/invitations", nil, &out)
	for _, inv := range out.Invitations {
		if inv.ID == id {
			if inv.Status != status {
				t.Errorf("invitation %s is listed as %s, want %s", id, inv.Status, status)
			}
			return
		}
	}
	t.Errorf("invitation %s is not listed: %+v", id, out.Invitations)
}

// submitAccount sends the account form of an invitation page as it was loaded.
func submitAccount(t *testing.T, b *browser, form page) page {
	t.Helper()
	return b.submit(t, form, "/invitations/accept", url.Values{
		"token": {hiddenField(t, form, "token")}, "action": {"create"}, "name": {"Too Late"},
		"password": {memberPassword}, "confirm_password": {memberPassword},
	})
}

// wantNoAccount fails the test if email can sign in with memberPassword.
func wantNoAccount(t *testing.T, g *gatehouse, email string) {
	t.Helper()
	b := newBrowser(t, g)
	login := b.get(t, "/login")
	p := b.submit(t, login, "/login", url.Values{
		"email": {email}, "password": {memberPassword}, "return_to": {"/device"},
	})
	if p.Has("Enter the code shown in your terminal") {
		t.Errorf("%s has an account: the form of a dead invitation created it", email)
	}
}
