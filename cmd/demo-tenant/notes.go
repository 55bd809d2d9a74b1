package main

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-auth/gatehouse/rbac"
)

const (
	// maxNoteBody bounds a POST /api/notes body.
	maxNoteBody = 64 << 10
	// maxNotesPerOrg bounds memory: past it the oldest note of the org is dropped.
	maxNotesPerOrg = 1000
)

// Route paths.
const (
	pathNotes   = "/api/notes"
	pathHealthz = "/healthz"
)

// routes registers every endpoint of the demo tenant.
func routes(cfg config, v *rbac.Verifier, store *noteStore, log *slog.Logger) http.Handler {
	claims := func(r *http.Request) (*rbac.Claims, bool) {
		return rbac.ClaimsFromContext(r.Context())
	}
	notes := &notesAPI{store: store, claims: claims, now: time.Now}

	mux := http.NewServeMux()
	mux.Handle("GET "+metadataPath(cfg.url),
		rbac.ProtectedResourceMetadata(cfg.url, []string{cfg.issuer}))
	mux.Handle("GET "+pathNotes, v.Require(rbac.PermTenantRead, http.HandlerFunc(notes.list)))
	mux.Handle("POST "+pathNotes, v.Require(rbac.PermTenantWrite, http.HandlerFunc(notes.add)))
	mux.HandleFunc("GET "+pathHealthz, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	return accessLog(log, mux)
}

// metadataPath is the path RFC 9728 §3.1 puts the metadata of resource at.
func metadataPath(resource string) string {
	u, err := url.Parse(rbac.ResourceMetadataURL(resource))
	if err != nil || u.Path == "" {
		return rbac.ResourceMetadataPath
	}
	return u.Path
}

// note is one stored note.
type note struct {
	ID        int       `json:"id"`
	Text      string    `json:"text"`
	Author    string    `json:"author"`
	CreatedAt time.Time `json:"created_at"`
}

// noteStore keeps notes in memory, per organization. It is safe for concurrent use.
type noteStore struct {
	mu     sync.Mutex
	nextID int
	byOrg  map[string][]note
}

func newNoteStore() *noteStore {
	return &noteStore{byOrg: make(map[string][]note)}
}

// add stores a note for org and returns it with its id.
func (s *noteStore) add(org string, n note) note {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	n.ID = s.nextID
	list := append(s.byOrg[org], n)
	if len(list) > maxNotesPerOrg {
		list = list[len(list)-maxNotesPerOrg:]
	}
	s.byOrg[org] = list
	return n
}

// list returns a copy of org's notes, oldest first.
func (s *noteStore) list(org string) []note {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]note{}, s.byOrg[org]...)
}

// notesAPI serves /api/notes. claims reads the verified claims Require stored.
type notesAPI struct {
	store  *noteStore
	claims func(r *http.Request) (*rbac.Claims, bool)
	now    func() time.Time
}

// caller describes who asked, in every answer.
type caller struct {
	Sub     string `json:"sub"`
	OrgID   string `json:"org_id,omitempty"`
	OrgRole string `json:"org_role"`
}

func (a *notesAPI) list(w http.ResponseWriter, r *http.Request) {
	c, ok := a.claims(r)
	if !ok {
		writeError(w, http.StatusUnauthorized, "invalid_token", "no verified token")
		return
	}

	writeJSON(w, http.StatusOK, map[string]any{
		"notes":    a.store.list(c.OrgID),
		"asked_by": caller{Sub: c.Subject, OrgID: c.OrgID, OrgRole: c.OrgRole},
	})
}

func (a *notesAPI) add(w http.ResponseWriter, r *http.Request) {
	c, ok := a.claims(r)
	if !ok {
		writeError(w, http.StatusUnauthorized, "invalid_token", "no verified token")
		return
	}

	// Parse a bounded JSON body.
	var body struct {
		Text string `json:"text"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxNoteBody))
	if err := dec.Decode(&body); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "invalid_request",
				"body larger than 64 KiB")
			return
		}
		writeError(w, http.StatusBadRequest, "invalid_request", `body must be {"text": "..."}`)
		return
	}
	if strings.TrimSpace(body.Text) == "" {
		writeError(w, http.StatusBadRequest, "invalid_request", "text is empty")
		return
	}

	n := a.store.add(c.OrgID, note{Text: body.Text, Author: c.Subject, CreatedAt: a.now().UTC()})
	writeJSON(w, http.StatusCreated, map[string]any{
		"note":     n,
		"asked_by": caller{Sub: c.Subject, OrgID: c.OrgID, OrgRole: c.OrgRole},
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// statusRecorder remembers the status a handler wrote, for the access log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// accessLog logs one line per request: method, path, status and duration.
func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		log.InfoContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path,
			"status", rec.status, "duration_ms", time.Since(start).Milliseconds())
	})
}
