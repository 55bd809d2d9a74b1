package client

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestLogoutRevokesAndForgets checks the RFC 7009 §2.1 request and the deletion.
func TestLogoutRevokesAndForgets(t *testing.T) {
	t.Parallel()
	p := newFakeProvider(t)
	s, e := connectedStore(t, p)

	if err := s.Logout(t.Context(), e.URL+"/"); err != nil {
		t.Fatal(err)
	}

	reqs := p.requests("revoke")
	if len(reqs) != 1 {
		t.Fatalf("revocation requests = %d, want 1", len(reqs))
	}
	wantForm(t, "revocation", reqs[0], map[string]string{
		"token": e.RefreshToken, "token_type_hint": "refresh_token", "client_id": ClientID})
	if _, err := s.Get(e.URL); !errors.Is(err, ErrNotConnected) {
		t.Errorf("Get after Logout = %v, want ErrNotConnected", err)
	}
}

// TestLogoutWhenRevocationFails checks that the entry is forgotten anyway and the
// failure is reported.
func TestLogoutWhenRevocationFails(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close() // nothing listens there any more

	unavailable := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// RFC 7009 §2.2.1: 503 when the server cannot revoke right now.
		w.Header().Set("Retry-After", "30")
		writeOAuthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "")
	}))
	t.Cleanup(unavailable.Close)

	tests := []struct {
		name     string
		endpoint string
	}{
		{name: "network", endpoint: down.URL + "/oauth2/revoke"},
		{name: "server error", endpoint: unavailable.URL + "/oauth2/revoke"},
		{name: "no endpoint", endpoint: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Store{Dir: t.TempDir()}
			e := testEntry("https://gatehouse.example", "refresh-secret")
			e.RevocationEndpoint = tt.endpoint
			if err := s.Put(e); err != nil {
				t.Fatal(err)
			}

			err := s.Logout(t.Context(), e.URL)
			if !errors.Is(err, ErrRevocationFailed) {
				t.Errorf("Logout = %v, want ErrRevocationFailed", err)
			}
			if _, err := s.Get(e.URL); !errors.Is(err, ErrNotConnected) {
				t.Errorf("entry kept after failed revocation: %v", err)
			}
		})
	}
}

// TestLogoutNotConnected checks logging out of an unknown server.
func TestLogoutNotConnected(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	if err := s.Logout(t.Context(), "https://gatehouse.example"); !errors.Is(err, ErrNotConnected) {
		t.Errorf("Logout = %v, want ErrNotConnected", err)
	}
}
