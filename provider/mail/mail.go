// Package mail sends the emails Gatehouse sends people: today, invitations to join an
// organization. A [Mailer] either speaks SMTP ([NewSMTP]) or, in development without
// an SMTP server, writes the message's link to the log ([NewLogMailer]).
package mail

import (
	"context"
	"strings"
	"time"
	"unicode"
)

// Mailer sends emails. Implementations are safe for concurrent use.
type Mailer interface {
	// SendInvitation sends inv to inv.To. It returns once the mail server has accepted
	// the message, or with the reason it did not; ctx bounds the whole exchange.
	SendInvitation(ctx context.Context, inv Invitation) error
}

// Invitation is what an invitation email says. Every field is plain text; the HTML
// body escapes them.
type Invitation struct {
	// To is the invitee's email address.
	To string
	// OrgName is the organization's display name.
	OrgName string
	// Role is the role the invitee will hold, such as "editor".
	Role string
	// InvitedBy names who invited them (a name or an email); empty leaves it out.
	InvitedBy string
	// AcceptURL is the link that accepts the invitation. It carries the invitation's
	// secret token, so it belongs in the email and nowhere else.
	AcceptURL string
	// ExpiresAt is when the link stops working.
	ExpiresAt time.Time
}

// Subject is the invitation email's subject line.
func (inv Invitation) Subject() string {
	return "You're invited to join " + oneLine(inv.OrgName) + " on Gatehouse"
}

// oneLine replaces control characters, line breaks included, with spaces, so that a
// value cannot start a new header line or break the layout.
func oneLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s))
}
