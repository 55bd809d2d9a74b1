package storage

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ory/fosite"
	"github.com/redis/go-redis/v9"
)

// Client kinds.
const (
	ClientKindCLI    = "cli"    // a public client that runs the device grant
	ClientKindTenant = "tenant" // a tenant server's confidential client (introspection)
)

// Client is a registered OAuth 2.0 client. It implements fosite.Client and
// fosite.OpenIDConnectClient so that fosite applies the registered authentication method.
type Client struct {
	fosite.DefaultOpenIDConnectClient

	// Name is shown to people on the consent page.
	Name string
	// Kind is one of the ClientKind constants.
	Kind string
	// TenantID is set for tenant clients.
	TenantID string
	// CreatedAt is when the client was registered.
	CreatedAt time.Time
}

type storedClient struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Kind         string    `json:"kind"`
	TenantID     string    `json:"tenant_id,omitempty"`
	SecretHash   []byte    `json:"secret_hash,omitempty"`
	Public       bool      `json:"public"`
	GrantTypes   []string  `json:"grant_types"`
	Scopes       []string  `json:"scopes"`
	Audience     []string  `json:"audience"`
	AuthMethod   string    `json:"token_endpoint_auth_method"`
	RedirectURIs []string  `json:"redirect_uris,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

// NewClient builds a Client. secretHash is the output of SecretHasher.Hash, or nil for a
// public client (which then authenticates with client_id alone, RFC 6749 §2.1).
func NewClient(id, name, kind string, secretHash []byte, grantTypes, scopes []string) *Client {
	c := &Client{Name: name, Kind: kind}
	c.DefaultClient = &fosite.DefaultClient{
		ID:         id,
		Secret:     secretHash,
		Public:     len(secretHash) == 0,
		GrantTypes: grantTypes,
		Scopes:     scopes,
		Audience:   []string{},
	}
	c.TokenEndpointAuthMethod = "client_secret_basic"
	if c.Public {
		c.TokenEndpointAuthMethod = "none"
	}
	return c
}

func (c *Client) toStored() storedClient {
	return storedClient{
		ID: c.ID, Name: c.Name, Kind: c.Kind, TenantID: c.TenantID,
		SecretHash: c.Secret, Public: c.Public, GrantTypes: c.GrantTypes, Scopes: c.Scopes,
		Audience: c.Audience, AuthMethod: c.TokenEndpointAuthMethod,
		RedirectURIs: c.RedirectURIs, CreatedAt: c.CreatedAt,
	}
}

func (sc storedClient) toClient() *Client {
	c := NewClient(sc.ID, sc.Name, sc.Kind, sc.SecretHash, sc.GrantTypes, sc.Scopes)
	c.TenantID = sc.TenantID
	c.Audience = sc.Audience
	c.RedirectURIs = sc.RedirectURIs
	c.TokenEndpointAuthMethod = sc.AuthMethod
	c.CreatedAt = sc.CreatedAt
	return c
}

// ErrExists is returned when creating something whose unique key is taken.
var ErrExists = errors.New("storage: already exists")

// CreateClient registers c. It returns ErrExists, and changes nothing, when the id is
// taken, so that two instances seeding the same client at once both succeed safely.
func (s *Store) CreateClient(ctx context.Context, c *Client) error {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.now().UTC()
	}
	data, err := json.Marshal(c.toStored())
	if err != nil {
		return fmt.Errorf("storage: encode client: %w", err)
	}

	ok, err := s.rdb.SetNX(ctx, keyClient+c.ID, data, 0).Result()
	if err != nil {
		return fmt.Errorf("storage: create client %s: %w", c.ID, err)
	}
	if !ok {
		return ErrExists
	}
	return nil
}

// DeleteClient removes a client. Tokens already issued to it stop working because
// loading them needs the client.
func (s *Store) DeleteClient(ctx context.Context, id string) error {
	if err := s.rdb.Del(ctx, keyClient+id).Err(); err != nil {
		return fmt.Errorf("storage: delete client %s: %w", id, err)
	}
	return nil
}

// GetClient implements fosite.ClientManager.
func (s *Store) GetClient(ctx context.Context, id string) (fosite.Client, error) {
	return s.Client(ctx, id)
}

// Client loads a client; an unknown id is fosite.ErrNotFound.
func (s *Store) Client(ctx context.Context, id string) (*Client, error) {
	return decodeClient(id, s.rdb.Get(ctx, keyClient+id))
}

func decodeClient(id string, cmd *redis.StringCmd) (*Client, error) {
	data, err := cmd.Bytes()
	if err != nil {
		return nil, notFound(err)
	}
	var sc storedClient
	if err := json.Unmarshal(data, &sc); err != nil {
		return nil, fmt.Errorf("storage: decode client %s: %w", id, err)
	}
	return sc.toClient(), nil
}

// ClientAssertionJWTValid implements fosite.ClientManager (RFC 7523 replay cache).
func (s *Store) ClientAssertionJWTValid(ctx context.Context, jti string) error {
	n, err := s.rdb.Exists(ctx, keyJTI+s.mac("jti", jti)).Result()
	if err != nil {
		return fmt.Errorf("storage: check jti: %w", err)
	}
	if n > 0 {
		return fosite.ErrJTIKnown
	}
	return nil
}

// SetClientAssertionJWT implements fosite.ClientManager.
func (s *Store) SetClientAssertionJWT(ctx context.Context, jti string, exp time.Time) error {
	ttl := exp.Sub(s.now())
	if ttl <= 0 {
		return nil
	}
	ok, err := s.rdb.SetNX(ctx, keyJTI+s.mac("jti", jti), "1", ttl).Result()
	if err != nil {
		return fmt.Errorf("storage: set jti: %w", err)
	}
	if !ok {
		return fosite.ErrJTIKnown
	}
	return nil
}

// SecretHasher hashes client secrets with HMAC-SHA256 under a server-derived key and
// compares in constant time. Client secrets are 256-bit random values made by
// Gatehouse, so a keyed hash is as strong as a slow password hash and keeps the
// introspection endpoint fast. It implements fosite.Hasher.
type SecretHasher struct{ key []byte }

// SecretHasher returns the hasher for this store's client secrets.
func (s *Store) SecretHasher() *SecretHasher {
	return &SecretHasher{key: deriveKey(s.macKey, "client secret")}
}

// Hash implements fosite.Hasher.
func (h *SecretHasher) Hash(_ context.Context, data []byte) ([]byte, error) {
	m := hmac.New(sha256.New, h.key)
	m.Write(data)
	return m.Sum(nil), nil
}

// Compare implements fosite.Hasher.
func (h *SecretHasher) Compare(ctx context.Context, hash, data []byte) error {
	want, _ := h.Hash(ctx, data)
	if !hmac.Equal(hash, want) {
		return fosite.ErrInvalidClient.WithHint("The client secret is wrong.")
	}
	return nil
}
