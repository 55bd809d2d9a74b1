package mail

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestLogMailerLogsTheLinkInDevMode(t *testing.T) {
	var buf bytes.Buffer
	m := NewLogMailer(slog.New(slog.NewTextHandler(&buf, nil)))
	inv := Invitation{To: "bo@example.com", OrgName: "Acme", Role: "viewer",
		AcceptURL: "http://localhost:8420/invitations/accept?token=abc", ExpiresAt: time.Now()}

	if err := m.SendInvitation(context.Background(), inv); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"level=INFO", "dev mode", `accept_url="` + inv.AcceptURL + `"`,
		"email=bo@example.com"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}
