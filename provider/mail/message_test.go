package mail

import (
	"strings"
	"testing"
	"time"
)

func TestRender(t *testing.T) {
	exp := time.Date(2030, 5, 6, 7, 8, 0, 0, time.UTC)
	tests := []struct {
		name        string
		inv         Invitation
		subject     string
		textHas     []string
		htmlHas     []string
		htmlHasNone []string
	}{
		{
			name: "editor invited by a person",
			inv: Invitation{To: "bo@example.com", OrgName: "Acme", Role: "editor", InvitedBy: "Ada",
				AcceptURL: "https://id.example.com/invitations/accept?token=T0K", ExpiresAt: exp},
			subject: "You're invited to join Acme on Gatehouse",
			textHas: []string{"Ada invited you to join Acme on Gatehouse as an editor.",
				"https://id.example.com/invitations/accept?token=T0K", "6 May 2030 at 07:08 UTC"},
			htmlHas: []string{`<a href="https://id.example.com/invitations/accept?token=T0K">`,
				"<strong>Ada</strong>"},
		},
		{
			name: "viewer, nobody named",
			inv: Invitation{To: "bo@example.com", OrgName: "Acme", Role: "viewer",
				AcceptURL: "https://id.example.com/a?token=x", ExpiresAt: exp},
			subject: "You're invited to join Acme on Gatehouse",
			textHas: []string{"You are invited to join Acme on Gatehouse as a viewer."},
		},
		{
			name: "markup and line breaks in names are neutralized",
			inv: Invitation{To: "bo@example.com", OrgName: "<b>Evil</b>\r\nBcc: x@y", Role: "admin",
				InvitedBy: `"><script>`, AcceptURL: "javascript:alert(1)", ExpiresAt: exp},
			subject:     "You're invited to join <b>Evil</b>  Bcc: x@y on Gatehouse",
			textHas:     []string{"as an admin"},
			htmlHas:     []string{"&lt;b&gt;Evil&lt;/b&gt;", "#ZgotmplZ"},
			htmlHasNone: []string{"<script>", "<b>Evil", `href="javascript:`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.inv.Subject(); got != tt.subject {
				t.Errorf("Subject() = %q, want %q", got, tt.subject)
			}
			text, html, err := render(tt.inv)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.textHas {
				if !strings.Contains(text, s) {
					t.Errorf("text body lacks %q:\n%s", s, text)
				}
			}
			for _, s := range tt.htmlHas {
				if !strings.Contains(html, s) {
					t.Errorf("html body lacks %q:\n%s", s, html)
				}
			}
			for _, s := range tt.htmlHasNone {
				if strings.Contains(html, s) {
					t.Errorf("html body contains %q:\n%s", s, html)
				}
			}
		})
	}
}
