package e2e

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/testenv"
)

// Members join organizations the way people do: by the link in the invitation mail,
// which the tests read back from mailpit.

// memberPassword is the password every invited test account is created with.
const memberPassword = "e2e-member-password"

// member is a person who joined an organization through an invitation.
type member struct {
	Email, UserID string
	// Browser is signed in as the member: accepting the invitation signed it in.
	Browser *browser
}

// join invites a new person with role, reads the invitation mail, and creates the
// account on the accept page in a fresh browser.
func join(t testing.TB, admin *mgmtAPI, orgID, role string) member {
	t.Helper()
	email := role + "-" + randomHex(6) + "@example.com"
	admin.invite(t, orgID, email, role)
	b := newBrowser(t, admin.g)
	p := acceptLink(t, b, invitationLink(t, admin.g, email))
	if !p.Has("You joined ") || !p.Has(" as "+role+".") {
		t.Fatalf("accept the invitation of %s: got %d, want the joined page:\n%s", email, p.Status, p.HTML)
	}
	return member{Email: email, UserID: admin.memberID(t, orgID, email), Browser: b}
}

// acceptLink opens an invitation link in b, which must show the account form, and
// creates the account.
func acceptLink(t testing.TB, b *browser, link string) page {
	t.Helper()
	form := openInvitation(t, b, link)
	if form.Status != http.StatusOK || !form.Has("Create your Gatehouse account") {
		t.Fatalf("GET %s: %d, want the invitation page with the account form:\n%s", link, form.Status, form.HTML)
	}
	return b.submit(t, form, "/invitations/accept", url.Values{
		"token":            {hiddenField(t, form, "token")},
		"action":           {hiddenField(t, form, "action")},
		"name":             {"E2E Member"},
		"password":         {memberPassword},
		"confirm_password": {memberPassword},
	})
}

// openInvitation loads an invitation link, which must point at b's Gatehouse.
func openInvitation(t testing.TB, b *browser, link string) page {
	t.Helper()
	path, ok := strings.CutPrefix(link, b.g.URL)
	if !ok || !strings.HasPrefix(path, "/invitations/accept?token=") {
		t.Fatalf("invitation link %q, want %s/invitations/accept?token=...", link, b.g.URL)
	}
	return b.get(t, path)
}

// acceptURL finds the accept link in an invitation mail.
var acceptURL = regexp.MustCompile(`https?://[^\s"<>]+/invitations/accept\?token=[^\s"<>&]+`)

// invitationLink waits for the newest invitation mail to email in mailpit, which every
// test package shares (recipients are unique), and returns its accept link.
func invitationLink(t testing.TB, g *gatehouse, email string) string {
	t.Helper()
	return invitationLinks(t, g, email, 1)[0]
}

// invitationLinks waits until mailpit holds n mails to email and returns their accept
// links, newest first.
func invitationLinks(t testing.TB, g *gatehouse, email string, n int) []string {
	t.Helper()
	base := testenv.MailpitURL(t)
	deadline := time.Now().Add(15 * time.Second)
	for {
		var found struct {
			Messages []struct {
				ID string `json:"ID"`
			} `json:"messages"`
		}
		getJSON(t, base+"/api/v1/search?"+url.Values{"query": {"to:" + email}}.Encode(), &found)
		if len(found.Messages) >= n {
			links := make([]string, n)
			for i, msg := range found.Messages[:n] {
				var body struct {
					Text string `json:"Text"`
				}
				getJSON(t, base+"/api/v1/message/"+msg.ID, &body)
				links[i] = acceptURL.FindString(body.Text)
				if links[i] == "" {
					t.Fatalf("the invitation mail to %s has no accept link:\n%s", email, body.Text)
				}
			}
			return links
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit holds %d invitation mails to %s after 15 s, want %d; gatehouse log:\n%s",
				len(found.Messages), email, n, g.logs.Tail(40))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
