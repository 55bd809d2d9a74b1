package e2e

import (
	"net/http"
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
		admin.must(t, http.StatusNoContent, http.MethodDelete, "/api/v1/orgs/"+acme.ID+"/invitations/"+inv.ID, nil, nil)
		wantBadLink(t, "a withdrawn link", openInvitation(t, newBrowser(t, g), link), http.StatusGone,
			"This invitation was withdrawn.")
		wantInvitationStatus(t, admin, acme.ID, inv.ID, "revoked")
	})

	t.Run("resent", func(t *testing.T) {
		t.Parallel()
		email := "resent-" + randomHex(6) + "@example.com"
		inv := admin.invite(t, acme.ID, email, "viewer")
		invitationLink(t, g, email)
		admin.must(t, http.StatusOK, http.MethodPost, "/api/v1/orgs/"+acme.ID+"/invitations/"+inv.ID+"/resend", nil, nil)

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
