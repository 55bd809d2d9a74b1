package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestOrgDemoTenant is the demo-tenant scenario: the dev admin invites an editor and a
// viewer by email, each creates an account from the link in the mail, connects a
// terminal to the Acme tenant, and the tenant lets each do what the role allows. A
// second organization's tenant, Gatehouse's management API and the tenants refuse
// every token that is not meant for them.
func TestOrgDemoTenant(t *testing.T) {
	t.Parallel()
	g := startGatehouse(t, mailServer(t, nil))
	admin := managementToken(t, g, signedInBrowser(t, g))
	acme := admin.orgNamed(t, "Acme")
	tenantA := startDemoTenant(t, g)

	// Members join by invitation, then connect a terminal to tenant A with x/oauth2.
	editor := join(t, admin, acme.ID, "editor")
	viewer := join(t, admin, acme.ID, "viewer")
	editorTok := oauthLogin(t, g, editor.Browser, tenantURL)
	viewerTok := oauthLogin(t, g, viewer.Browser, tenantURL)

	t.Run("tokens carry the organization and role", func(t *testing.T) {
		for _, tt := range []struct {
			who   member
			token string
			role  string
		}{
			{editor, editorTok.AccessToken, "editor"},
			{viewer, viewerTok.AccessToken, "viewer"},
		} {
			claims := verifyAccessTokenFor(t, g, tt.token, tenantURL)
			if claims["sub"] != tt.who.UserID || claims["org_id"] != acme.ID || claims["org_role"] != tt.role ||
				claims["tenant_id"] == nil {
				t.Errorf("%s's tenant token: sub %v org_id %v org_role %v tenant_id %v; want %s, %s, %s, a tenant",
					tt.who.Email, claims["sub"], claims["org_id"], claims["org_role"], claims["tenant_id"],
					tt.who.UserID, acme.ID, tt.role)
			}
		}
	})

	t.Run("viewer reads, editor writes", func(t *testing.T) {
		wantNotes(t, "the editor", tenantA, http.MethodPost, editorTok.AccessToken, http.StatusCreated)
		a := wantNotes(t, "the viewer", tenantA, http.MethodGet, viewerTok.AccessToken, http.StatusOK)
		if !strings.Contains(string(a.Body), "note by the editor") {
			t.Errorf("the viewer does not see the editor's note: %s", a.Body)
		}

		// The tenant names the missing permission (RFC 6750 §3.1 insufficient_scope).
		a = wantNotes(t, "the viewer", tenantA, http.MethodPost, viewerTok.AccessToken, http.StatusForbidden)
		challenge := a.Header.Get("WWW-Authenticate")
		if !strings.Contains(challenge, `error="insufficient_scope"`) ||
			!strings.Contains(string(a.Body), "tenant:write") {
			t.Errorf("the viewer's refused write: WWW-Authenticate %q body %s, "+
				"want insufficient_scope naming tenant:write",
				challenge, a.Body)
		}
	})

	// A second organization, which only the admin belongs to, with its own tenant.
	globex := admin.createOrg(t, "Globex "+randomHex(3))
	tnB := admin.createTenant(t, globex.ID, "Globex notes")
	tenantB := runAPITenant(t, g, tnB)
	adminB := oauthLogin(t, g, signedInBrowser(t, g), tnB.URL)
	wantNotes(t, "the admin on tenant B", tenantB, http.MethodGet, adminB.AccessToken, http.StatusOK)

	t.Run("tokens are refused where they are not meant for", func(t *testing.T) {
		tests := []struct {
			name  string
			base  string
			token string
		}{
			{"another organization's token at tenant A", tenantA, adminB.AccessToken},
			{"a tenant A token at tenant B", tenantB, viewerTok.AccessToken},
			{"a management token at tenant A", tenantA, admin.token},
			{"a management token at tenant B", tenantB, admin.token},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				a := tenantCall(t, tt.base, http.MethodGet, tt.token, "")
				wantChallenge(t, a, http.StatusUnauthorized, "invalid_token")
			})
		}

		// RFC 7662 §4: a tenant's client learns nothing of another tenant's token.
		b := oauthClient{ID: tnB.ClientID, Secret: tnB.ClientSecret}
		for name, token := range map[string]string{"access": viewerTok.AccessToken, "refresh": viewerTok.RefreshToken} {
			a := g.postForm(t, pathIntrospect, b, url.Values{"token": {token}})
			var body map[string]any
			a.JSON(t, &body)
			if a.Status != http.StatusOK || body["active"] != false || len(body) != 1 {
				t.Errorf("tenant B introspects tenant A's %s token: %d %s, want only active=false",
					name, a.Status, a.Body)
			}
		}

		// The management API takes Gatehouse's own tokens only.
		for name, token := range map[string]string{"tenant A": viewerTok.AccessToken, "tenant B": adminB.AccessToken} {
			a := (&mgmtAPI{g: g, token: token}).call(t, http.MethodGet, "/api/v1/me", nil)
			var e apiError
			a.JSON(t, &e)
			if a.Status != http.StatusUnauthorized || e.Error != "invalid_token" {
				t.Errorf("GET /api/v1/me with a %s token: %d %s, want 401 invalid_token", name, a.Status, a.Body)
			}
		}
	})

	t.Run("single sign-on across two tenants", func(t *testing.T) {
		// The editor's browser signed in once, when the account was created; a second
		// tenant's device is approved with the code and the Approve button alone.
		tnC := admin.createTenant(t, acme.ID, "Acme reports")
		tenantC := runAPITenant(t, g, tnC)
		da := g.authorizeDevice(t, cliClient, url.Values{"resource": {tnC.URL}})

		entry := editor.Browser.get(t, "/device")
		if entry.Status != http.StatusOK || !entry.Has("Enter the code shown in your terminal") ||
			entry.Has(`name="password"`) {
			t.Fatalf("GET /device in the signed-in browser: %d, want the code entry page, no sign-in:\n%s",
				entry.Status, entry.HTML)
		}
		confirm := editor.Browser.submit(t, entry, "/device", url.Values{"user_code": {da.UserCode}})
		if !confirm.Has("Approve this device?") || confirm.Has(`name="password"`) {
			t.Fatalf("enter the code: %d, want the confirmation page, no sign-in:\n%s", confirm.Status, confirm.HTML)
		}
		done := editor.Browser.submit(t, confirm, "/device/decision", url.Values{
			"user_code": {hiddenField(t, confirm, "user_code")}, "action": {"approve"},
		})
		if !done.Has("Device approved") {
			t.Fatalf("approve: %d, want the approved page:\n%s", done.Status, done.HTML)
		}
		ta := g.poll(t, cliClient, da.DeviceCode)
		wantTokens(t, "poll for tenant C", ta)
		wantNotes(t, "the editor on tenant C", tenantC, http.MethodPost, ta.AccessToken, http.StatusCreated)
		// The first tenant's login is untouched.
		wantNotes(t, "the editor on tenant A", tenantA, http.MethodGet, editorTok.AccessToken, http.StatusOK)
	})

	t.Run("non-member approving a tenant's device", func(t *testing.T) {
		// The viewer belongs to Acme only; Globex's tenant is not theirs to approve.
		da := g.authorizeDevice(t, cliClient, url.Values{"resource": {tnB.URL}})
		p := viewer.Browser.decide(t, da.UserCode, "approve", false)
		if p.Status != http.StatusOK || !p.Has("Device denied") ||
			!p.Has("You are not a member of the organization that owns this tenant") {
			t.Errorf("a non-member approves: %d, want the denied page saying why:\n%s", p.Status, p.HTML)
		}
		wantError(t, "poll after a non-member's approval", g.poll(t, cliClient, da.DeviceCode),
			http.StatusBadRequest, "access_denied")
	})

	t.Run("deleting a tenant or an organization ends its grants", func(t *testing.T) {
		tnD := admin.createTenant(t, acme.ID, "Acme scratch")
		client := oauthClient{ID: tnD.ClientID, Secret: tnD.ClientSecret}
		_, ta := g.connect(t, editor.Browser, false, url.Values{"resource": {tnD.URL}})
		form := url.Values{"token": {ta.AccessToken}}
		if a := g.postForm(t, pathIntrospect, client, form); a.Status != http.StatusOK ||
			!strings.Contains(string(a.Body), `"active":true`) {
			t.Fatalf("tenant D introspects its token: %d %s, want it active", a.Status, a.Body)
		}

		admin.must(t, http.StatusNoContent, http.MethodDelete, "/api/v1/orgs/"+acme.ID+"/tenants/"+tnD.ID, nil, nil)
		wantError(t, "refresh for a deleted tenant", g.refresh(t, ta.RefreshToken),
			http.StatusBadRequest, "invalid_grant")
		if a := g.postForm(t, pathIntrospect, client, form); a.Status != http.StatusUnauthorized {
			t.Errorf("the deleted tenant's client introspects: %d %s, want 401", a.Status, a.Body)
		}

		admin.must(t, http.StatusNoContent, http.MethodDelete, "/api/v1/orgs/"+globex.ID, nil, nil)
		wantError(t, "refresh for a deleted organization's tenant", g.refresh(t, adminB.RefreshToken),
			http.StatusBadRequest, "invalid_grant")
	})
}
