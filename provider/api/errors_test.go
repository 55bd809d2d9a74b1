package api

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/rbac"
	"github.com/gatehouse-auth/gatehouse/storage"
)

// TestErrorAnswers checks how every outcome a handler can return is answered, and
// that a server error shows nothing of its cause.
func TestErrorAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	tests := []struct {
		name   string
		err    error
		status int
		body   string
	}{
		{"permission", fmt.Errorf("x: %w", &rbac.PermissionError{Permission: rbac.PermBilling}), 403,
			`{"error":"forbidden","error_description":"Your role in the organization lacks the permission billing:manage.","permission":"billing:manage"}`},
		{"self-promotion", rbac.ErrSelfPromotion, 403,
			`{"error":"forbidden","error_description":"Nobody can raise their own role."}`},
		{"last admin", storage.ErrLastAdmin, 409, `"error":"last_admin"`},
		{"concurrent change", storage.ErrConflict, 409,
			`{"error":"conflict","error_description":"The membership changed while the request ran; nothing was written. Retry."}`},
		{"already a member", storage.ErrAlreadyMember, 409, `already a member`},
		{"pending invitation", storage.ErrInvitationPending, 409, `pending invitation`},
		{"invitation used", storage.ErrInvitationUsed, 409, `no longer pending`},
		{"exists", storage.ErrExists, 409, `"error":"conflict"`},
		{"ambiguous device prefix", storage.ErrAmbiguousPrefix, 409, `matches more than one device`},
		{"device state", fmt.Errorf("x: %w", storage.ErrDeviceState), 409, `"error":"conflict"`},
		{"not a member", storage.ErrNotMember, 404, `Member not found.`},
		{"not found", fmt.Errorf("storage: load: %w", fosite.ErrNotFound), 404, `"error":"not_found"`},
		{"redis unreachable", fmt.Errorf("storage: load role: %w", refused), 503,
			`"error":"temporarily_unavailable"`},
		{"anything else", errors.New("storage: decode: secret internals"), 500, `{"error":"server_error"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodGet, "/api/v1/orgs/o", nil)

			f.api.writeError(w, r, &caller{userID: "u", orgID: "o", role: rbac.RoleViewer}, tt.err)

			if w.Code != tt.status {
				t.Errorf("status = %d, want %d", w.Code, tt.status)
			}
			if body := w.Body.String(); !strings.Contains(body, tt.body) {
				t.Errorf("body = %s, want it to contain %s", body, tt.body)
			}
			if strings.Contains(w.Body.String(), "internals") {
				t.Error("the answer shows the cause")
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if tt.status == 503 && w.Header().Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
		})
	}

	logs := f.logs.String()
	if !strings.Contains(logs, `"level":"ERROR","msg":"api request failed"`) ||
		!strings.Contains(logs, "secret internals") {
		t.Errorf("the server error is not logged at error level with its cause:\n%s", logs)
	}
}
