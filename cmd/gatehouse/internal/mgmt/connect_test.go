package mgmt

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/cmd/gatehouse/internal/client"
)

func TestPickConnection(t *testing.T) {
	gh := &client.Entry{URL: "https://gh.example", Issuer: "https://gh.example"}
	gh2 := &client.Entry{URL: "https://other.example", Issuer: "https://other.example/"}
	notes := &client.Entry{URL: "https://notes.example", Issuer: "https://gh.example",
		Resource: "https://notes.example"}

	tests := []struct {
		name    string
		entries []*client.Entry
		server  string
		want    *client.Entry
		wantErr error // compared with reflect.DeepEqual
	}{
		{name: "the only Gatehouse connection, beside a tenant's",
			entries: []*client.Entry{notes, gh}, want: gh},
		{name: "an issuer with a trailing slash is still itself",
			entries: []*client.Entry{gh2}, want: gh2},
		{name: "several need --server", entries: []*client.Entry{gh, gh2},
			wantErr: &ChooseError{What: "Gatehouse connections", Flag: "--server",
				Options: []string{"https://gh.example", "https://other.example"}}},
		{name: "--server picks one", entries: []*client.Entry{gh, gh2}, server: "HTTPS://other.example/",
			want: gh2},
		{name: "--server naming a tenant", entries: []*client.Entry{gh, notes}, server: "https://notes.example",
			wantErr: &TenantConnectionError{URL: "https://notes.example", Issuer: "https://gh.example"}},
		{name: "--server not connected", entries: []*client.Entry{gh}, server: "https://nope.example",
			wantErr: &NoConnectionError{Issuer: "https://nope.example"}},
		{name: "only tenants: the hint is their issuer", entries: []*client.Entry{notes},
			wantErr: &NoConnectionError{Issuer: "https://gh.example"}},
		{name: "nothing stored", wantErr: &NoConnectionError{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PickConnection(tt.entries, tt.server)
			if tt.wantErr != nil {
				if !reflect.DeepEqual(err, tt.wantErr) {
					t.Fatalf("err = %#v, want %#v", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// TestDialSendsTheStoredToken runs Dial over a real credentials store: requests go to
// the issuer with the stored access token.
func TestDialSendsTheStoredToken(t *testing.T) {
	var auth, path string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth, path = r.Header.Get("Authorization"), r.URL.Path
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"organizations": []}`))
	}))
	defer srv.Close()

	store := &client.Store{Dir: t.TempDir()}
	err := store.Put(&client.Entry{URL: srv.URL, Issuer: srv.URL, ClientID: client.ClientID,
		TokenEndpoint: srv.URL + "/oauth2/token", AccessToken: "stored-token", TokenType: "Bearer",
		Expiry: time.Now().Add(time.Hour), ObtainedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}

	c, err := Dial(context.Background(), store, "")
	if err != nil {
		t.Fatal(err)
	}
	orgs, err := c.Orgs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if auth != "Bearer stored-token" || path != "/api/v1/orgs" || len(orgs) != 0 {
		t.Errorf("Authorization %q, path %q, orgs %v", auth, path, orgs)
	}
	if c.HTTPClient.Timeout == 0 {
		t.Error("management requests have no timeout")
	}
}

// TestDialWithAnEndedSession checks that a token that cannot be refreshed reads as
// "not connected" and not as a transport failure.
func TestDialWithAnEndedSession(t *testing.T) {
	store := &client.Store{Dir: t.TempDir()}
	err := store.Put(&client.Entry{URL: "https://gh.example", Issuer: "https://gh.example",
		ClientID: client.ClientID, TokenEndpoint: "https://gh.example/oauth2/token",
		AccessToken: "old", Expiry: time.Now().Add(-time.Hour)}) // expired, no refresh token
	if err != nil {
		t.Fatal(err)
	}

	c, err := Dial(context.Background(), store, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Orgs(context.Background())
	if !errors.Is(err, client.ErrSessionEnded) {
		t.Fatalf("err = %v, want client.ErrSessionEnded", err)
	}
	msg, _ := Message(err)
	if want := "Not connected to Gatehouse or the session ended: run gatehouse connect --url https://gh.example"; msg != want {
		t.Errorf("message = %q, want %q", msg, want)
	}
}
