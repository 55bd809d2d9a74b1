package e2e

import (
	"net/http"
	"net/url"
	"sync"
	"testing"
)

// TestOrgMembership checks that membership changes reach the tokens: a new role shows
// in the access token of the next refresh, a removed member can refresh no more, and
// two admins demoting each other at once never leave the organization without one.
func TestOrgMembership(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, mailServer(t, nil))
	admin := managementToken(t, g, signedInBrowser(t, g))
	acme := admin.orgNamed(t, "Acme")

	t.Run("role change at the next refresh, removal", func(t *testing.T) {
		t.Parallel()
		m := join(t, admin, acme.ID, "editor")
		_, ta := g.connect(t, m.Browser, false, forTenant())
		if role := verifyAccessTokenFor(t, g, ta.AccessToken, tenantURL)["org_role"]; role != "editor" {
			t.Fatalf("org_role %v before the change, want editor", role)
		}

		// Demote: the next refresh carries the new role.
		if a := admin.setRole(t, acme.ID, m.UserID, "viewer"); a.Status != http.StatusOK {
			t.Fatalf("demote to viewer: %d %s", a.Status, a.Body)
		}
		next := g.refresh(t, ta.RefreshToken)
		wantTokens(t, "refresh after the role change", next)
		if role := verifyAccessTokenFor(t, g, next.AccessToken, tenantURL)["org_role"]; role != "viewer" {
			t.Errorf("org_role %v after the change and a refresh, want viewer", role)
		}

		// Remove: the grant is refused at the next refresh (RFC 6749 §5.2).
		a := admin.call(t, http.MethodDelete, "/api/v1/orgs/"+acme.ID+"/members/"+m.UserID, nil)
		if a.Status != http.StatusNoContent {
			t.Fatalf("remove the member: %d %s", a.Status, a.Body)
		}
		wantError(t, "refresh after removal", g.refresh(t, next.RefreshToken), http.StatusBadRequest, "invalid_grant")
	})

	t.Run("removal ends the grant for good", func(t *testing.T) {
		t.Parallel()
		m := join(t, admin, acme.ID, "editor")
		_, ta := g.connect(t, m.Browser, false, forTenant())
		admin.must(t, http.StatusNoContent, http.MethodDelete, "/api/v1/orgs/"+acme.ID+"/members/"+m.UserID, nil, nil)
		wantError(t, "refresh after removal", g.refresh(t, ta.RefreshToken), http.StatusBadRequest, "invalid_grant")

		// Invited back, the person signs in again; the refresh token that was refused
		// as invalid (RFC 6749 §5.2) must not come back to life with the membership.
		admin.invite(t, acme.ID, m.Email, "viewer")
		form := openInvitation(t, m.Browser, invitationLinks(t, g, m.Email, 2)[0])
		p := m.Browser.submit(t, form, "/invitations/accept", url.Values{
			"token": {hiddenField(t, form, "token")}, "action": {"accept"},
		})
		if !p.Has("You joined Acme as viewer.") {
			t.Fatalf("accept the second invitation: %d, want the joined page:\n%s", p.Status, p.HTML)
		}
		if r := g.refresh(t, ta.RefreshToken); r.Status == http.StatusOK {
			t.Errorf("the refresh token refused at the member's removal works again once they rejoin "+
				"(new org_role %v): removal refuses the device's grant but does not end it",
				jwtClaims(t, r.AccessToken)["org_role"])
		}
	})

	t.Run("concurrent demotions keep an admin", func(t *testing.T) {
		t.Parallel()
		// An organization of its own, so that no other test's admin is demoted.
		org := admin.createOrg(t, "Duel "+randomHex(3))
		second := join(t, admin, org.ID, "admin")
		other := managementToken(t, g, second.Browser)
		adminID := admin.memberID(t, org.ID, adminEmail)

		const rounds = 25
		decided := 0
		for round := range rounds {
			// Each demotes the other at the same moment.
			var answers [2]answer
			start := make(chan struct{})
			var wg sync.WaitGroup
			wg.Go(func() { <-start; answers[0] = admin.setRole(t, org.ID, second.UserID, "editor") })
			wg.Go(func() { <-start; answers[1] = other.setRole(t, org.ID, adminID, "editor") })
			close(start)
			wg.Wait()

			// At most one wins; the loser is refused as a conflict, as the last admin,
			// or for a role it no longer has. Never a server error.
			won := 0
			for _, a := range answers {
				switch a.Status {
				case http.StatusOK:
					won++
				case http.StatusConflict, http.StatusForbidden:
				default:
					t.Errorf("round %d: a demotion answered %d %s, want 200, 403 or 409", round, a.Status, a.Body)
				}
			}
			admins := map[string]bool{}
			for _, mem := range admin.members(t, org.ID) {
				if mem.Role == "admin" {
					admins[mem.UserID] = true
				}
			}
			if len(admins) == 0 || won > 1 {
				t.Fatalf("round %d: %d demotions succeeded and %d admins are left; "+
					"want at most one and at least one admin",
					round, won, len(admins))
			}
			decided += won

			// The admin left promotes the other back for the next round.
			switch {
			case !admins[second.UserID]:
				mustPromote(t, admin, org.ID, second.UserID)
			case !admins[adminID]:
				mustPromote(t, other, org.ID, adminID)
			}
		}
		// Refusing both every time would keep an admin too, but nobody could demote.
		if decided == 0 {
			t.Errorf("no demotion succeeded in %d rounds; want one to win when two race", rounds)
		}
		t.Logf("%d of %d rounds had a winner", decided, rounds)
	})
}

// mustPromote makes userID an admin of orgID as by.
func mustPromote(t *testing.T, by *mgmtAPI, orgID, userID string) {
	t.Helper()
	if a := by.setRole(t, orgID, userID, "admin"); a.Status != http.StatusOK {
		t.Fatalf("promote %s back to admin: %d %s", userID, a.Status, a.Body)
	}
}
