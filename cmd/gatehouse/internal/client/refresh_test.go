package client

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

// connectedStore returns a store holding one connection to a fake provider, obtained
// through the real device flow.
func connectedStore(t *testing.T, p *fakeProvider) (*Store, *Entry) {
	t.Helper()
	issuer := p.start()
	_, e, err := connect(t.Context(), t, Options{}, issuer)
	if err != nil {
		t.Fatal(err)
	}
	s := &Store{Dir: t.TempDir()}
	if err := s.Put(e); err != nil {
		t.Fatal(err)
	}
	return s, e
}

// TestTokenValidIsNotRefreshed checks that a fresh access token is returned as is.
func TestTokenValidIsNotRefreshed(t *testing.T) {
	t.Parallel()
	p := newFakeProvider(t)
	s, e := connectedStore(t, p)
	before := len(p.requests("token"))

	got, err := s.Token(t.Context(), e.URL)
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessToken != e.AccessToken || len(p.requests("token")) != before {
		t.Errorf("token was refreshed although valid")
	}
}

// TestTokenRefreshPersistsRotation checks that a due access token is refreshed, that the
// rotated refresh token is saved, and that the next refresh uses the saved one.
func TestTokenRefreshPersistsRotation(t *testing.T) {
	t.Parallel()
	p := newFakeProvider(t)
	s, e := connectedStore(t, p)

	// 20 s before expiry is inside the 30 s margin.
	s.Now = func() time.Time { return e.Expiry.Add(-20 * time.Second) }
	p.mu.Lock()
	p.refreshExpiresIn = 0 // a refresh answer without it keeps the stored end
	p.mu.Unlock()

	for i, wantOld := range []string{"refresh-1", "refresh-2"} {
		got, err := s.Token(t.Context(), e.URL)
		if err != nil {
			t.Fatalf("refresh %d: %v", i+1, err)
		}

		// The request spent the stored refresh token, as a public client.
		reqs := p.requests("token")
		last := reqs[len(reqs)-1]
		wantForm(t, "refresh", last, map[string]string{
			"grant_type": "refresh_token", "refresh_token": wantOld, "client_id": ClientID})

		// The rotated token is on disk, not only in memory.
		stored, err := (&Store{Dir: s.Dir}).Get(e.URL)
		if err != nil {
			t.Fatal(err)
		}
		if stored.RefreshToken == wantOld || stored.RefreshToken != got.RefreshToken {
			t.Errorf("refresh %d: stored refresh token %q, returned %q, spent %q",
				i+1, stored.RefreshToken, got.RefreshToken, wantOld)
		}
		if stored.AccessToken == e.AccessToken || !stored.RefreshExpiry.Equal(e.RefreshExpiry) {
			t.Errorf("refresh %d: access token not replaced or refresh expiry lost", i+1)
		}
		// The new token expires 300 s from now in real time, still inside the margin
		// of the store's clock, so the next round refreshes again.
	}
}

// TestTokenConcurrentRefreshOnce checks that concurrent callers spend the refresh
// token once; a second use would trip the server's reuse detection.
func TestTokenConcurrentRefreshOnce(t *testing.T) {
	t.Parallel()
	p := newFakeProvider(t)
	s, e := connectedStore(t, p)
	p.mu.Lock()
	p.accessTTL = 3600 // the refreshed token is not due on the store's clock
	p.mu.Unlock()
	s.Now = func() time.Time { return e.Expiry.Add(time.Minute) }
	before := len(p.requests("token"))

	errs := make(chan error)
	for range 8 {
		go func() {
			_, err := s.Token(t.Context(), e.URL)
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := len(p.requests("token")) - before; n != 1 {
		t.Errorf("refresh requests = %d, want 1", n)
	}

	// refresh_token_expires_in counts from when the answer arrived, not from the
	// store's (here advanced) clock.
	stored, err := s.Get(e.URL)
	if err != nil {
		t.Fatal(err)
	}
	wantNear(t, "RefreshExpiry", stored.RefreshExpiry, time.Now().Add(86400*time.Second))
}

// TestTokenSessionEnded checks the cases where only a new sign-in helps.
func TestTokenSessionEnded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*Entry)
		now    func(*Entry) time.Time
	}{
		{name: "refresh token rejected", change: func(e *Entry) { e.RefreshToken = "dead" }},
		{name: "no refresh token", change: func(e *Entry) { e.RefreshToken = "" }},
		{name: "authorization over", change: func(*Entry) {},
			now: func(e *Entry) time.Time { return e.RefreshExpiry.Add(time.Second) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := newFakeProvider(t)
			s, e := connectedStore(t, p)
			tt.change(e)
			if err := s.Put(e); err != nil {
				t.Fatal(err)
			}
			s.Now = func() time.Time { return e.Expiry.Add(time.Minute) }
			if tt.now != nil {
				s.Now = func() time.Time { return tt.now(e) }
			}

			if _, err := s.Token(t.Context(), e.URL); !errors.Is(err, ErrSessionEnded) {
				t.Errorf("Token = %v, want ErrSessionEnded", err)
			}
		})
	}
}

// TestClientSendsBearer checks that Store.Client authenticates requests with the
// stored access token (RFC 6750 §2.1).
func TestClientSendsBearer(t *testing.T) {
	t.Parallel()
	p := newFakeProvider(t)
	s, e := connectedStore(t, p)

	var got string
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Authorization")
	})
	s.HTTPClient = &http.Client{Transport: memTransport{h: api}}

	resp, err := s.Client(t.Context(), e.URL).Get("https://api.example/v1/me")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got != "Bearer "+e.AccessToken {
		t.Errorf("Authorization header is not the stored bearer token")
	}
}
