package mail

import (
	"context"
	"log/slog"
)

// logMailer writes invitations to the log instead of sending them.
type logMailer struct{ log *slog.Logger }

// NewLogMailer returns a Mailer for development without an SMTP server: it sends
// nothing and logs, at info level, that it runs in dev mode and the accept link. The
// link carries the invitation's secret token, so never use it in production, where
// the log is read by more people than the invitee. A nil log means slog.Default().
func NewLogMailer(log *slog.Logger) Mailer {
	if log == nil {
		log = slog.Default()
	}
	return logMailer{log: log}
}

// SendInvitation implements Mailer.
func (m logMailer) SendInvitation(ctx context.Context, inv Invitation) error {
	m.log.InfoContext(ctx, "dev mode: invitation email not sent, open the accept link instead",
		"email", inv.To, "org_name", inv.OrgName, "role", inv.Role,
		"accept_url", inv.AcceptURL, "expires_at", inv.ExpiresAt)
	return nil
}
