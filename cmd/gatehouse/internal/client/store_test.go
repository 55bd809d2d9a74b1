package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testEntry returns a stored-connection value for url with the given refresh token.
func testEntry(url, refresh string) *Entry {
	now := time.Now().Truncate(time.Second)
	return &Entry{
		URL: url, Issuer: url, ClientID: ClientID,
		TokenEndpoint: url + "/oauth2/token", RevocationEndpoint: url + "/oauth2/revoke",
		AccessToken: "access-secret", TokenType: "bearer", RefreshToken: refresh,
		Expiry: now.Add(5 * time.Minute), RefreshExpiry: now.Add(24 * time.Hour), ObtainedAt: now,
	}
}

// TestStoreWritesPrivateFile checks the directory and file modes and the file layout.
func TestStoreWritesPrivateFile(t *testing.T) {
	s := &Store{Dir: filepath.Join(t.TempDir(), "nested", "gatehouse")}
	e := testEntry("https://gatehouse.example", "refresh-secret")
	e.URL = "HTTPS://Gatehouse.Example/"
	e.Resource = "https://gatehouse.example/"
	if err := s.Put(e); err != nil {
		t.Fatal(err)
	}

	// Modes: 0700 for the directory we created, 0600 for the file.
	if fi, err := os.Stat(s.Dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("dir mode = %v, %v; want 0700", fi.Mode().Perm(), err)
	}
	if fi, err := os.Stat(s.Path()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}

	// Layout: one object keyed by the normalized URL, snake_case fields.
	data, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Version     int                       `json:"version"`
		Connections map[string]map[string]any `json:"connections"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	got, ok := raw.Connections["https://gatehouse.example"]
	if raw.Version != 1 || !ok || len(raw.Connections) != 1 {
		t.Fatalf("file = %s", data)
	}
	for _, k := range []string{"url", "issuer", "resource", "client_id", "token_endpoint",
		"revocation_endpoint", "access_token", "token_type", "refresh_token", "expiry",
		"refresh_expiry", "obtained_at"} {
		if _, ok := got[k]; !ok {
			t.Errorf("stored entry lacks %q: %s", k, data)
		}
	}
	if got["url"] != "https://gatehouse.example" || got["refresh_token"] != "refresh-secret" {
		t.Errorf("stored url=%v refresh_token=%v", got["url"], got["refresh_token"])
	}

	// Atomic write: no temporary file left behind.
	names, _ := filepath.Glob(filepath.Join(s.Dir, ".credentials-*"))
	if len(names) != 0 {
		t.Errorf("temporary files left: %v", names)
	}
}

// TestStoreRoundTrip checks Put, Get, List and Delete.
func TestStoreRoundTrip(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	if list, err := s.List(); err != nil || len(list) != 0 {
		t.Fatalf("List on a missing file = %v, %v", list, err)
	}
	for _, u := range []string{"https://b.example", "https://a.example"} {
		if err := s.Put(testEntry(u, "r")); err != nil {
			t.Fatal(err)
		}
	}

	got, err := s.Get("https://a.example/")
	if err != nil || got.URL != "https://a.example" || !got.Expiry.Equal(testEntry("", "").Expiry) {
		t.Errorf("Get = %v, %v", got, err)
	}
	list, err := s.List()
	if err != nil || len(list) != 2 || list[0].URL != "https://a.example" {
		t.Errorf("List = %v, %v", list, err)
	}

	if err := s.Delete("https://a.example"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("https://a.example"); !errors.Is(err, ErrNotConnected) {
		t.Errorf("Get after Delete = %v, want ErrNotConnected", err)
	}
	if err := s.Delete("https://a.example"); !errors.Is(err, ErrNotConnected) {
		t.Errorf("second Delete = %v, want ErrNotConnected", err)
	}
}

// TestStoreConcurrentPuts checks that concurrent updates do not lose each other.
func TestStoreConcurrentPuts(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	errs := make(chan error)
	for i := range 10 {
		go func() { errs <- s.Put(testEntry(fmt.Sprintf("https://%d.example", i), "r")) }()
	}
	for range 10 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if list, err := s.List(); err != nil || len(list) != 10 {
		t.Errorf("List = %d entries, %v; want 10", len(list), err)
	}
}

// TestStoreDamagedFile checks that a corrupt file gives a clear error.
func TestStoreDamagedFile(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	os.WriteFile(s.Path(), []byte("{not json"), 0o600)
	if _, err := s.List(); err == nil || !strings.Contains(err.Error(), "is damaged") {
		t.Errorf("List = %v", err)
	}
}

// TestStoreKeepsDamagedFile checks that updates refuse a corrupt file rather than
// replace it, so that the connections in it can still be recovered by hand.
func TestStoreKeepsDamagedFile(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	damaged := []byte(`{"version":1,"connections":{"https://a.example":{"refresh_token":"r"`)
	if err := os.WriteFile(s.Path(), damaged, 0o600); err != nil {
		t.Fatal(err)
	}

	if err := s.Put(testEntry("https://b.example", "r")); err == nil {
		t.Error("Put on a damaged file succeeded")
	}
	if err := s.Delete("https://a.example"); err == nil {
		t.Error("Delete on a damaged file succeeded")
	}
	if got, err := os.ReadFile(s.Path()); err != nil || string(got) != string(damaged) {
		t.Errorf("file after updates = %q, %v; want it unchanged", got, err)
	}
}

// TestDefaultDir checks the precedence of the environment variables.
func TestDefaultDir(t *testing.T) {
	t.Setenv("GATEHOUSE_CONFIG_DIR", "/cfg/gh")
	t.Setenv("XDG_CONFIG_HOME", "/xdg")
	if d, _ := DefaultDir(); d != "/cfg/gh" {
		t.Errorf("with GATEHOUSE_CONFIG_DIR: %q", d)
	}
	t.Setenv("GATEHOUSE_CONFIG_DIR", "")
	if d, _ := DefaultDir(); d != filepath.Join("/xdg", "gatehouse") {
		t.Errorf("with XDG_CONFIG_HOME: %q", d)
	}
}

// TestEntryFormattingHidesTokens checks that printing an Entry shows no token.
func TestEntryFormattingHidesTokens(t *testing.T) {
	e := testEntry("https://gatehouse.example", "refresh-secret")
	e.IDToken = "id-secret"
	for _, verb := range []string{"%v", "%+v", "%s", "%#v"} {
		out := fmt.Sprintf(verb, e)
		if strings.Contains(out, "secret") {
			t.Errorf("%s prints a token: %s", verb, out)
		}
	}
}
