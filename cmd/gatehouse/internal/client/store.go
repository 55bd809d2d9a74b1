package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// CredentialsFile is the name of the credentials file inside the config directory.
const CredentialsFile = "credentials.json"

// ErrNotConnected is returned (wrapped) when no credentials are stored for a server URL.
var ErrNotConnected = errors.New("client: not connected")

// Entry is one stored connection: the endpoints needed to use, refresh and revoke its
// tokens, and the tokens themselves. Times are absolute; a zero RefreshExpiry means the
// server did not say when the authorization ends.
type Entry struct {
	URL                string `json:"url"`
	Issuer             string `json:"issuer"`
	Resource           string `json:"resource,omitempty"`
	ClientID           string `json:"client_id"`
	TokenEndpoint      string `json:"token_endpoint"`
	RevocationEndpoint string `json:"revocation_endpoint,omitempty"`
	UserinfoEndpoint   string `json:"userinfo_endpoint,omitempty"`

	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	IDToken      string `json:"id_token,omitempty"`

	// Expiry is when the access token expires.
	Expiry time.Time `json:"expiry"`
	// RefreshExpiry is when the refresh token, and with it the whole device
	// authorization, ends (from refresh_token_expires_in).
	RefreshExpiry time.Time `json:"refresh_expiry,omitzero"`
	// ObtainedAt is when the current access token was issued to us.
	ObtainedAt time.Time `json:"obtained_at"`
}

// String describes e without any token, so that an Entry printed by mistake leaks
// nothing.
func (e Entry) String() string {
	return fmt.Sprintf("client.Entry{URL: %s, Issuer: %s, Expiry: %s}",
		e.URL, e.Issuer, e.Expiry.Format(time.RFC3339))
}

// GoString is String for %#v.
func (e Entry) GoString() string { return e.String() }

// credentialsFile is the on-disk layout of credentials.json.
type credentialsFile struct {
	Version     int               `json:"version"`
	Connections map[string]*Entry `json:"connections"`
}

// Store keeps connections in Dir/credentials.json. The zero value is not usable; set Dir
// (see [DefaultDir]). Methods are safe for concurrent use, also across processes on Unix
// where a lock file serializes every read-modify-write.
type Store struct {
	// Dir is the config directory. It is created with mode 0700 when missing.
	Dir string

	// HTTPClient is used to refresh and revoke tokens; nil means [NewHTTPClient].
	HTTPClient *http.Client

	// Now is the clock that decides whether an access token is due for refresh; nil
	// means time.Now. Times in token responses are always computed with time.Now, as
	// x/oauth2 does. Tests move Now forward to make a token due.
	Now func() time.Time
}

// DefaultDir returns the config directory: $GATEHOUSE_CONFIG_DIR, else
// $XDG_CONFIG_HOME/gatehouse, else the OS user config directory followed by gatehouse.
func DefaultDir() (string, error) {
	if d := os.Getenv("GATEHOUSE_CONFIG_DIR"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "gatehouse"), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("client: no config directory; set GATEHOUSE_CONFIG_DIR: %w", err)
	}
	return filepath.Join(d, "gatehouse"), nil
}

// Path returns the path of the credentials file.
func (s *Store) Path() string { return filepath.Join(s.Dir, CredentialsFile) }

// List returns every stored connection sorted by URL. A missing file is no connections.
func (s *Store) List() ([]*Entry, error) {
	f, err := s.read()
	if err != nil {
		return nil, err
	}
	list := make([]*Entry, 0, len(f.Connections))
	for _, e := range f.Connections {
		list = append(list, e)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].URL < list[j].URL })
	return list, nil
}

// Get returns the connection stored for serverURL, or an error wrapping
// [ErrNotConnected].
func (s *Store) Get(serverURL string) (*Entry, error) {
	key, err := NormalizeURL(serverURL)
	if err != nil {
		return nil, err
	}
	f, err := s.read()
	if err != nil {
		return nil, err
	}
	e, ok := f.Connections[key]
	if !ok {
		return nil, fmt.Errorf("%w to %s", ErrNotConnected, key)
	}
	return e, nil
}

// Put stores e under its URL, replacing any earlier connection to the same URL.
func (s *Store) Put(e *Entry) error {
	key, err := NormalizeURL(e.URL)
	if err != nil {
		return err
	}
	return s.update(func(f *credentialsFile) error {
		stored := *e
		stored.URL = key
		f.Connections[key] = &stored
		return nil
	})
}

// Delete forgets the connection to serverURL. Deleting a connection that is not stored
// returns an error wrapping [ErrNotConnected].
func (s *Store) Delete(serverURL string) error {
	key, err := NormalizeURL(serverURL)
	if err != nil {
		return err
	}
	return s.update(func(f *credentialsFile) error {
		if _, ok := f.Connections[key]; !ok {
			return fmt.Errorf("%w to %s", ErrNotConnected, key)
		}
		delete(f.Connections, key)
		return nil
	})
}

// update runs change on the current file contents under the store lock and writes the
// result back atomically when change succeeds.
func (s *Store) update(change func(*credentialsFile) error) error {
	if err := s.ensureDir(); err != nil {
		return err
	}
	unlock, err := lockFile(s.Path() + ".lock")
	if err != nil {
		return err
	}
	defer unlock()

	f, err := s.read()
	if err != nil {
		return err
	}
	if err := change(f); err != nil {
		return err
	}
	return s.write(f)
}

// read loads the credentials file; a missing file reads as empty.
func (s *Store) read() (*credentialsFile, error) {
	f := &credentialsFile{Version: 1, Connections: map[string]*Entry{}}
	data, err := os.ReadFile(s.Path())
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("client: read credentials: %w", err)
	}
	if err := json.Unmarshal(data, f); err != nil {
		return nil, fmt.Errorf("client: credentials file %s is damaged (%v); delete it and "+
			"connect again", s.Path(), err)
	}
	if f.Connections == nil {
		f.Connections = map[string]*Entry{}
	}
	return f, nil
}

// write replaces the credentials file atomically: a temporary file with mode 0600 in the
// same directory, synced, then renamed over the old one.
func (s *Store) write(f *credentialsFile) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("client: encode credentials: %w", err)
	}

	tmp, err := os.CreateTemp(s.Dir, ".credentials-*.json")
	if err != nil {
		return fmt.Errorf("client: write credentials: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed

	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("client: write credentials: %w", err)
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("client: write credentials: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("client: write credentials: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("client: write credentials: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.Path()); err != nil {
		return fmt.Errorf("client: write credentials: %w", err)
	}
	return nil
}

// ensureDir creates the config directory with mode 0700 when it does not exist. An
// existing directory keeps its mode: it may be one the user chose on purpose.
func (s *Store) ensureDir() error {
	if s.Dir == "" {
		return errors.New("client: no config directory set")
	}
	if _, err := os.Stat(s.Dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("client: create config directory: %w", err)
	}
	// MkdirAll is subject to the umask; make the mode exact.
	if err := os.Chmod(s.Dir, 0o700); err != nil {
		return fmt.Errorf("client: create config directory: %w", err)
	}
	return nil
}

// now returns the store's clock reading.
func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
