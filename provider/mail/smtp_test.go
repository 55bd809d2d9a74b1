package mail

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/testenv"
)

func TestParseSMTPURL(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		want    smtpConfig
		wantErr string
	}{
		{name: "plain, for mailpit", raw: "smtp://127.0.0.1:1025",
			want: smtpConfig{host: "127.0.0.1", port: 1025}},
		{name: "default port", raw: "smtp://mail.example.com",
			want: smtpConfig{host: "mail.example.com", port: 25}},
		{name: "credentials", raw: "smtp://bo%40example.com:p%3Ass@mail.example.com:587",
			want: smtpConfig{host: "mail.example.com", port: 587, username: "bo@example.com",
				password: "p:ss", authenticate: true}},
		{name: "implicit TLS", raw: "smtps://u:p@mail.example.com",
			want: smtpConfig{host: "mail.example.com", port: 465, username: "u", password: "p",
				authenticate: true, implicitTLS: true}},
		{name: "ipv6", raw: "smtp://[::1]:2525", want: smtpConfig{host: "::1", port: 2525}},
		{name: "other scheme", raw: "http://mail.example.com", wantErr: "scheme"},
		{name: "no host", raw: "smtp://:25", wantErr: "no host"},
		{name: "bad port", raw: "smtp://mail.example.com:99999", wantErr: "port"},
		{name: "query", raw: "smtp://mail.example.com?tls=off", wantErr: "no path, query"},
		{name: "not a URL", raw: "smtp://%zz", wantErr: "SMTP URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSMTPURL(tt.raw)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseSMTPURL(%q) error = %v, want one containing %q", tt.raw, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("parseSMTPURL(%q) = %+v, want %+v", tt.raw, got, tt.want)
			}
		})
	}
}

func TestNewSMTPRefusesABadSender(t *testing.T) {
	if _, err := NewSMTP("smtp://127.0.0.1:25", "not an address", nil); err == nil {
		t.Fatal("NewSMTP accepted the sender \"not an address\"")
	}
}

// TestSMTPDeliversToMailpit sends invitations through the real mailpit that
// scripts/test starts and reads them back through its HTTP API.
func TestSMTPDeliversToMailpit(t *testing.T) {
	smtpAddr := testenv.SMTPAddr(t)
	api := testenv.MailpitURL(t)

	tests := []struct {
		name string
		url  string
	}{
		{name: "no authentication", url: "smtp://" + smtpAddr},
		{name: "AUTH PLAIN to localhost", url: "smtp://gatehouse:s3cret@" + smtpAddr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewSMTP(tt.url, "Gatehouse <noreply@gatehouse.test>", slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			to := "invitee-" + strings.ToLower(rand.Text()) + "@example.test"
			link := "http://gatehouse.test/invitations/accept?token=" + rand.Text()
			inv := Invitation{To: to, OrgName: "Acme & Co", Role: "editor", InvitedBy: "Ada",
				AcceptURL: link, ExpiresAt: time.Now().Add(7 * 24 * time.Hour)}

			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := m.SendInvitation(ctx, inv); err != nil {
				t.Fatal(err)
			}

			got := findMessage(t, ctx, api, to)
			if len(got.To) != 1 || got.To[0].Address != to {
				t.Errorf("To = %+v, want %s", got.To, to)
			}
			if got.From.Address != "noreply@gatehouse.test" || got.From.Name != "Gatehouse" {
				t.Errorf("From = %+v", got.From)
			}
			if want := "You're invited to join Acme & Co on Gatehouse"; got.Subject != want {
				t.Errorf("Subject = %q, want %q", got.Subject, want)
			}
			if !strings.Contains(got.Text, link) {
				t.Errorf("text body lacks the link %s:\n%s", link, got.Text)
			}
			if !strings.Contains(got.HTML, `href="`+link+`"`) {
				t.Errorf("html body lacks a link to %s:\n%s", link, got.HTML)
			}
		})
	}
}

// mailpitAddress is an address in mailpit's JSON.
type mailpitAddress struct {
	Name    string
	Address string
}

// mailpitMessage is the part of mailpit's message JSON the test reads.
type mailpitMessage struct {
	ID      string
	From    mailpitAddress
	To      []mailpitAddress
	Subject string
	Text    string
	HTML    string
}

// findMessage waits for the message to `to` to show up in mailpit's list
// (GET /api/v1/messages) and loads it whole (GET /api/v1/message/{ID}). Mailpit is
// shared by every package under test, so the recipient is what tells ours apart.
func findMessage(t *testing.T, ctx context.Context, api, to string) mailpitMessage {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		var list struct{ Messages []mailpitMessage }
		getJSON(t, ctx, api+"/api/v1/messages?limit=1000", &list)
		for _, m := range list.Messages {
			for _, a := range m.To {
				if a.Address == to {
					var full mailpitMessage
					getJSON(t, ctx, api+"/api/v1/message/"+m.ID, &full)
					return full
				}
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no message to %s in mailpit: %v", to, ctx.Err())
		case <-tick.C:
		}
	}
}

func getJSON(t *testing.T, ctx context.Context, url string, v any) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(fmt.Errorf("GET %s: %w", url, err))
	}
}
