package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

// textBody is the plain text part of an invitation.
var textBody = texttemplate.Must(texttemplate.New("text").Parse(
	`{{if .InvitedBy}}{{.InvitedBy}} invited you{{else}}You are invited{{end}}` +
		` to join {{.OrgName}} on Gatehouse as {{.Article}} {{.Role}}.

Accept the invitation:
{{.AcceptURL}}

The link works once and expires on {{.Expires}}.
If you did not expect this invitation, ignore this email.
`))

// htmlBody is the HTML part of an invitation; html/template escapes every value.
var htmlBody = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #1a1a1a;">
<p>{{if .InvitedBy}}<strong>{{.InvitedBy}}</strong> invited you{{else}}You are invited{{end}}
to join <strong>{{.OrgName}}</strong> on Gatehouse as {{.Article}} {{.Role}}.</p>
<p><a href="{{.AcceptURL}}">Accept the invitation</a></p>
<p>Or open this link: {{.AcceptURL}}</p>
<p>The link works once and expires on {{.Expires}}.
If you did not expect this invitation, ignore this email.</p>
</body>
</html>
`))

// view is what the templates see.
type view struct {
	Subject, InvitedBy, OrgName, Article, Role, Expires string
	// AcceptURL is a string, not template.URL: html/template checks its scheme.
	AcceptURL string
}

// render returns the plain text and HTML bodies of inv.
func render(inv Invitation) (text, html string, err error) {
	v := view{
		Subject:   inv.Subject(),
		InvitedBy: oneLine(inv.InvitedBy),
		OrgName:   oneLine(inv.OrgName),
		Article:   article(inv.Role),
		Role:      oneLine(inv.Role),
		Expires:   inv.ExpiresAt.UTC().Format("2 January 2006 at 15:04 UTC"),
		AcceptURL: inv.AcceptURL,
	}

	var t, h bytes.Buffer
	if err := textBody.Execute(&t, v); err != nil {
		return "", "", fmt.Errorf("mail: render text body: %w", err)
	}
	if err := htmlBody.Execute(&h, v); err != nil {
		return "", "", fmt.Errorf("mail: render html body: %w", err)
	}
	return t.String(), h.String(), nil
}

// article is "an" before a vowel ("an admin", "an editor"), else "a".
func article(word string) string {
	if strings.ContainsAny(strings.ToLower(word[:min(1, len(word))]), "aeiou") {
		return "an"
	}
	return "a"
}
