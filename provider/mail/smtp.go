package mail

import (
	"context"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Default SMTP ports: 25 for smtp:// (STARTTLS when offered), 465 for smtps://
// (implicit TLS, RFC 8314 §3.3).
const (
	defaultSMTPPort  = 25
	defaultSMTPSPort = 465
	smtpTimeout      = 15 * time.Second
)

// smtpConfig is a parsed SMTP URL.
type smtpConfig struct {
	host         string
	port         int
	username     string
	password     string
	implicitTLS  bool
	authenticate bool
}

// parseSMTPURL reads smtp://[user:pass@]host[:port] or smtps://[user:pass@]host[:port].
func parseSMTPURL(raw string) (smtpConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return smtpConfig{}, fmt.Errorf("mail: SMTP URL: %w", err)
	}

	var c smtpConfig
	switch u.Scheme {
	case "smtp":
		c.port = defaultSMTPPort
	case "smtps":
		c.port, c.implicitTLS = defaultSMTPSPort, true
	default:
		return smtpConfig{}, fmt.Errorf("mail: SMTP URL scheme must be smtp or smtps, not %q", u.Scheme)
	}
	if u.Hostname() == "" {
		return smtpConfig{}, fmt.Errorf("mail: SMTP URL has no host")
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return smtpConfig{}, fmt.Errorf("mail: SMTP URL takes no path, query or fragment")
	}
	c.host = u.Hostname()
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return smtpConfig{}, fmt.Errorf("mail: SMTP URL port %q is not a TCP port", p)
		}
		c.port = n
	}
	if u.User != nil {
		c.authenticate = true
		c.username = u.User.Username()
		c.password, _ = u.User.Password()
	}
	return c, nil
}

// smtpMailer sends through one SMTP server, one connection per message.
type smtpMailer struct {
	cfg  smtpConfig
	from string
	log  *slog.Logger
}

// NewSMTP returns a Mailer that sends through the server smtpURL names:
//
//   - smtp://host:port sends without authentication, upgrading with STARTTLS when the
//     server offers it (mailpit in development offers nothing and gets plain text);
//   - smtp://user:pass@host:port authenticates with AUTH PLAIN, which go-mail sends
//     only over TLS or to localhost, so credentials never cross a network in the clear;
//   - smtps://[user:pass@]host:port uses implicit TLS (port 465 by default).
//
// from is the sender, an address with an optional display name
// ("Gatehouse <noreply@example.com>"). A nil log means slog.Default().
func NewSMTP(smtpURL, from string, log *slog.Logger) (Mailer, error) {
	cfg, err := parseSMTPURL(smtpURL)
	if err != nil {
		return nil, err
	}
	if _, err := netmail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("mail: sender %q: %w", from, err)
	}
	if log == nil {
		log = slog.Default()
	}

	m := &smtpMailer{cfg: cfg, from: from, log: log}
	if _, err := m.client(); err != nil {
		return nil, err
	}
	return m, nil
}

// client builds a go-mail client for one delivery.
func (m *smtpMailer) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(m.cfg.port), gomail.WithTimeout(smtpTimeout)}
	if m.cfg.implicitTLS {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if m.cfg.authenticate {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain),
			gomail.WithUsername(m.cfg.username), gomail.WithPassword(m.cfg.password))
	}
	c, err := gomail.NewClient(m.cfg.host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: SMTP client: %w", err)
	}
	return c, nil
}

// SendInvitation implements Mailer.
func (m *smtpMailer) SendInvitation(ctx context.Context, inv Invitation) error {
	text, html, err := render(inv)
	if err != nil {
		return err
	}

	msg := gomail.NewMsg()
	if err := msg.From(m.from); err != nil {
		return fmt.Errorf("mail: sender: %w", err)
	}
	if err := msg.To(inv.To); err != nil {
		return fmt.Errorf("mail: recipient: %w", err)
	}
	msg.Subject(inv.Subject())
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, text)
	msg.AddAlternativeString(gomail.TypeTextHTML, html)

	c, err := m.client()
	if err != nil {
		return err
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send invitation: %w", err)
	}
	m.log.InfoContext(ctx, "invitation email sent", "email", inv.To, "role", inv.Role,
		"smtp_host", m.cfg.host)
	return nil
}
