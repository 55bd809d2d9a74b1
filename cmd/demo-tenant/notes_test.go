package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/rbac"
)

// newTestAPI returns a notesAPI whose callers are c, as if Require had verified them.
func newTestAPI(c *rbac.Claims) *notesAPI {
	return &notesAPI{
		store:  newNoteStore(),
		claims: func(*http.Request) (*rbac.Claims, bool) { return c, c != nil },
		now:    func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) },
	}
}

func TestNotesAdd(t *testing.T) {
	editor := &rbac.Claims{Subject: "u1", OrgID: "o1", OrgRole: "editor"}
	tests := []struct {
		name       string
		claims     *rbac.Claims
		body       string
		wantStatus int
	}{
		{name: "stored", claims: editor, body: `{"text":"hello"}`, wantStatus: 201},
		{name: "empty text", claims: editor, body: `{"text":"  "}`, wantStatus: 400},
		{name: "not JSON", claims: editor, body: `hello`, wantStatus: 400},
		{name: "too large", claims: editor, wantStatus: 413,
			body: `{"text":"` + strings.Repeat("a", 64<<10) + `"}`},
		{name: "no claims", claims: nil, body: `{"text":"x"}`, wantStatus: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newTestAPI(tt.claims)
			rec := httptest.NewRecorder()
			api.add(rec, httptest.NewRequest("POST", pathNotes, strings.NewReader(tt.body)))
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
		})
	}
}

func TestNotesListPerOrg(t *testing.T) {
	api := newTestAPI(&rbac.Claims{Subject: "u1", OrgID: "o1", OrgRole: "editor"})
	rec := httptest.NewRecorder()
	api.add(rec, httptest.NewRequest("POST", pathNotes, strings.NewReader(`{"text":"hi"}`)))
	if rec.Code != 201 {
		t.Fatalf("add status = %d", rec.Code)
	}

	tests := []struct {
		name      string
		claims    *rbac.Claims
		wantNotes int
	}{
		{name: "same org", claims: &rbac.Claims{Subject: "u2", OrgID: "o1", OrgRole: "viewer"},
			wantNotes: 1},
		{name: "other org", claims: &rbac.Claims{Subject: "u3", OrgID: "o2", OrgRole: "viewer"},
			wantNotes: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api.claims = func(*http.Request) (*rbac.Claims, bool) { return tt.claims, true }
			rec := httptest.NewRecorder()
			api.list(rec, httptest.NewRequest("GET", pathNotes, nil))

			var got struct {
				Notes   []note `json:"notes"`
				AskedBy caller `json:"asked_by"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("body %s: %v", rec.Body, err)
			}
			if len(got.Notes) != tt.wantNotes {
				t.Fatalf("notes = %+v, want %d", got.Notes, tt.wantNotes)
			}
			if got.AskedBy.Sub != tt.claims.Subject || got.AskedBy.OrgRole != "viewer" {
				t.Fatalf("asked_by = %+v", got.AskedBy)
			}
		})
	}
}

func TestMetadataPath(t *testing.T) {
	tests := []struct {
		name, resource, want string
	}{
		{name: "root", resource: "http://127.0.0.1:8421", want: rbac.ResourceMetadataPath},
		{name: "path", resource: "https://t.example/demo",
			want: rbac.ResourceMetadataPath + "/demo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := metadataPath(tt.resource); got != tt.want {
				t.Fatalf("metadataPath(%q) = %q, want %q", tt.resource, got, tt.want)
			}
		})
	}
}
