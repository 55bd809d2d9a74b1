package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/rbac"
)

func TestInviteSendsTheLinkOnlyByEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	org := f.newOrg("Acme", acme)

	r := f.call("eve", http.MethodPost, "/api/v1/orgs/"+org+"/members",
		map[string]string{"email": "  New.Person@Example.com ", "role": "viewer"})

	r.want(t, http.StatusCreated, "")
	for k, want := range map[string]any{"email": "new.person@example.com", "role": "viewer",
		"status": "pending", "invited_by": f.person("eve").user.ID} {
		if r.body[k] != want {
			t.Errorf("%s = %v, want %v", k, r.body[k], want)
		}
	}
	for _, k := range []string{"id", "created_at", "expires_at"} {
		if r.body[k] == nil {
			t.Errorf("no %s in %s", k, r.raw)
		}
	}
	exp, _ := time.Parse(time.RFC3339, r.body["expires_at"].(string))
	if d := exp.Sub(f.clock.Now()); d < 7*24*time.Hour-time.Minute || d > 7*24*time.Hour+time.Minute {
		t.Errorf("expires_at is %v away, want 7 days", d)
	}

	sent := f.mailer.all()
	if len(sent) != 1 {
		t.Fatalf("%d emails sent, want 1", len(sent))
	}
	m := sent[0]
	if m.To != "new.person@example.com" || m.OrgName != "Acme" || m.Role != "viewer" || m.InvitedBy != "Eve" {
		t.Errorf("email = %+v", m)
	}
	prefix := f.srv.URL + "/invitations/accept?token="
	if !strings.HasPrefix(m.AcceptURL, prefix) {
		t.Fatalf("AcceptURL = %s, want %s...", m.AcceptURL, prefix)
	}
	u, _ := url.Parse(m.AcceptURL)
	token := u.Query().Get("token")
	inv, err := f.store.InvitationByToken(ctx, token)
	if err != nil || inv.ID != r.body["id"] {
		t.Fatalf("the emailed token finds %v, %v; want invitation %v", inv, err, r.body["id"])
	}

	// The token is in the email and nowhere else.
	if strings.Contains(r.raw, token) {
		t.Error("the API answer carries the invitation token")
	}
	if strings.Contains(f.logs.String(), token) {
		t.Error("the log carries the invitation token")
	}
}

func TestInviteRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		name       string
		actor      string
		body       any
		status     int
		code       string
		permission string
		field      string
	}{
		{name: "an editor cannot invite an admin", actor: "eve",
			body: map[string]string{"email": "x@example.com", "role": "admin"}, status: 403,
			code: "forbidden", permission: "admins:manage"},
		{name: "a viewer cannot invite", actor: "vic",
			body: map[string]string{"email": "x@example.com", "role": "viewer"}, status: 403,
			code: "forbidden", permission: "members:manage"},
		{name: "a current member", actor: "ada",
			body: map[string]string{"email": "EVE@example.com", "role": "viewer"}, status: 409,
			code: "conflict"},
		{name: "a pending invitation", actor: "ada",
			body: map[string]string{"email": "pending@example.com", "role": "viewer"}, status: 409,
			code: "conflict"},
		{name: "not an email", actor: "ada",
			body: map[string]string{"email": "not-an-email", "role": "viewer"}, status: 400,
			code: "invalid_request", field: "email"},
		{name: "an email with a display name", actor: "ada",
			body: map[string]string{"email": "X <x@example.com>", "role": "viewer"}, status: 400,
			code: "invalid_request", field: "email"},
		{name: "no email", actor: "ada", body: map[string]string{"role": "viewer"}, status: 400,
			code: "invalid_request", field: "email"},
		{name: "unknown role", actor: "ada",
			body: map[string]string{"email": "x@example.com", "role": "owner"}, status: 400,
			code: "invalid_request", field: "role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org := f.newOrg("Acme", acme)
			f.call("ada", http.MethodPost, "/api/v1/orgs/"+org+"/members",
				map[string]string{"email": "pending@example.com", "role": "viewer"}).want(t, 201, "")
			mails := len(f.mailer.all())
			before := f.snapshot()

			r := f.call(tt.actor, http.MethodPost, "/api/v1/orgs/"+org+"/members", tt.body)

			r.want(t, tt.status, tt.code)
			checkProblem(t, r, tt.permission, tt.field)
			f.unchanged(t, before)
			if n := len(f.mailer.all()); n != mails {
				t.Errorf("%d emails sent by a refused invitation", n-mails)
			}
		})
	}
}

func TestInviteWhenTheEmailFails(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	org := f.newOrg("Acme", acme)
	path := "/api/v1/orgs/" + org + "/members"
	body := map[string]string{"email": "new@example.com", "role": "editor"}

	f.mailer.failWith(errors.New("smtp: connection refused"))
	r := f.call("ada", http.MethodPost, path, body)
	r.want(t, http.StatusServiceUnavailable, "temporarily_unavailable")
	if r.header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	if !strings.Contains(f.logs.String(), "smtp: connection refused") {
		t.Error("the mail failure's cause is not logged")
	}

	// Nobody holds that link, so it is revoked and the caller can simply retry.
	f.mailer.failWith(nil)
	f.call("ada", http.MethodPost, path, body).want(t, http.StatusCreated, "")
	list := f.call("ada", http.MethodGet, "/api/v1/orgs/"+org+"/invitations", nil)
	list.want(t, http.StatusOK, "")
	statuses := map[string]int{}
	for _, inv := range list.body["invitations"].([]any) {
		statuses[inv.(map[string]any)["status"].(string)]++
	}
	if statuses["pending"] != 1 || statuses["revoked"] != 1 {
		t.Errorf("invitation statuses = %v, want one pending and one revoked", statuses)
	}
}

func TestInvitationLifecycle(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	org := f.newOrg("Acme", acme)
	other := f.newOrg("Other", map[string]rbac.Role{"ada": rbac.RoleAdmin})
	invs := "/api/v1/orgs/" + org + "/invitations"

	created := f.call("ada", http.MethodPost, "/api/v1/orgs/"+org+"/members",
		map[string]string{"email": "new@example.com", "role": "admin"})
	created.want(t, http.StatusCreated, "")
	id := created.body["id"].(string)
	firstToken := tokenOf(t, f.mailer.all()[0].AcceptURL)

	t.Run("list", func(t *testing.T) {
		r := f.call("eve", http.MethodGet, invs, nil)
		r.want(t, http.StatusOK, "")
		list := r.body["invitations"].([]any)
		if len(list) != 1 || list[0].(map[string]any)["id"] != id ||
			list[0].(map[string]any)["status"] != "pending" {
			t.Errorf("invitations = %s", r.raw)
		}
	})
	t.Run("a viewer cannot list", func(t *testing.T) {
		r := f.call("vic", http.MethodGet, invs, nil)
		r.want(t, http.StatusForbidden, "forbidden")
		checkProblem(t, r, "members:manage", "")
	})
	t.Run("an editor cannot resend an admin's invitation", func(t *testing.T) {
		before := f.snapshot()
		r := f.call("eve", http.MethodPost, invs+"/"+id+"/resend", nil)
		r.want(t, http.StatusForbidden, "forbidden")
		checkProblem(t, r, "admins:manage", "")
		f.unchanged(t, before)
	})
	t.Run("another organization's invitation is not found", func(t *testing.T) {
		before := f.snapshot()
		otherInvs := "/api/v1/orgs/" + other + "/invitations/" + id
		f.call("ada", http.MethodPost, otherInvs+"/resend", nil).want(t, http.StatusNotFound, "not_found")
		f.call("ada", http.MethodDelete, otherInvs, nil).want(t, http.StatusNotFound, "not_found")
		f.unchanged(t, before)
	})
	t.Run("resend", func(t *testing.T) {
		f.clock.Add(time.Hour)
		r := f.call("ada", http.MethodPost, invs+"/"+id+"/resend", nil)
		r.want(t, http.StatusOK, "")
		sent := f.mailer.all()
		if len(sent) != 2 {
			t.Fatalf("%d emails, want 2", len(sent))
		}
		newToken := tokenOf(t, sent[1].AcceptURL)
		if newToken == firstToken || strings.Contains(r.raw, newToken) {
			t.Fatal("resend kept the token or returned it")
		}
		if _, err := f.store.InvitationByToken(ctx, firstToken); err == nil {
			t.Error("the old link still works")
		}
		if inv, err := f.store.InvitationByToken(ctx, newToken); err != nil || inv.ID != id {
			t.Errorf("the new link finds %v, %v", inv, err)
		}
		if r.body["expires_at"] == created.body["expires_at"] {
			t.Error("resend kept the expiry")
		}
	})
	t.Run("revoke", func(t *testing.T) {
		f.call("eve", http.MethodDelete, invs+"/"+id, nil).want(t, http.StatusNoContent, "")
		r := f.call("ada", http.MethodGet, invs, nil)
		if st := r.body["invitations"].([]any)[0].(map[string]any)["status"]; st != "revoked" {
			t.Errorf("status after revoke = %v", st)
		}
		f.call("ada", http.MethodDelete, invs+"/"+id, nil).want(t, http.StatusConflict, "conflict")
		f.call("ada", http.MethodPost, invs+"/"+id+"/resend", nil).want(t, http.StatusConflict, "conflict")
		f.call("ada", http.MethodDelete, invs+"/nope", nil).want(t, http.StatusNotFound, "not_found")
	})
	t.Run("expired", func(t *testing.T) {
		f.call("ada", http.MethodPost, "/api/v1/orgs/"+org+"/members",
			map[string]string{"email": "late@example.com", "role": "viewer"}).want(t, http.StatusCreated, "")
		f.clock.Add(8 * 24 * time.Hour)
		r := f.call("ada", http.MethodGet, invs, nil)
		r.want(t, http.StatusOK, "")
		got := map[string]string{}
		for _, inv := range r.body["invitations"].([]any) {
			inv := inv.(map[string]any)
			got[inv["email"].(string)] = inv["status"].(string)
		}
		if got["late@example.com"] != "expired" || got["new@example.com"] != "revoked" {
			t.Errorf("statuses = %v", got)
		}
	})
}

func tokenOf(t *testing.T, acceptURL string) string {
	t.Helper()
	u, err := url.Parse(acceptURL)
	if err != nil || u.Query().Get("token") == "" {
		t.Fatalf("accept URL %q has no token", acceptURL)
	}
	return u.Query().Get("token")
}

// TestInviteMailIsRateLimited: one person cannot make Gatehouse mail without bound.
func TestInviteMailIsRateLimited(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	org := f.newOrg("Acme", acme)

	for i := range mailPerHour {
		f.call("eve", http.MethodPost, "/api/v1/orgs/"+org+"/members",
			map[string]string{"email": fmt.Sprintf("p%d@example.com", i), "role": "viewer"}).
			want(t, http.StatusCreated, "")
	}
	r := f.call("eve", http.MethodPost, "/api/v1/orgs/"+org+"/members",
		map[string]string{"email": "one-too-many@example.com", "role": "viewer"})
	r.want(t, http.StatusTooManyRequests, "too_many_requests")
	if n := len(f.mailer.all()); n != mailPerHour {
		t.Fatalf("%d emails sent, want %d", n, mailPerHour)
	}
	invs, err := f.store.Invitations(context.Background(), org)
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range invs {
		if inv.Email == "one-too-many@example.com" {
			t.Fatal("the refused request stored an invitation")
		}
	}
	if ra := r.header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After = %q, want the seconds until an email frees up", ra)
	}
}
