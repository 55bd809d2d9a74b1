package storage

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ory/fosite"
	"github.com/redis/go-redis/v9"
)

// Tenant is one isolated deployment of a tenant server, with its own URL.
type Tenant struct {
	ID    string `json:"id"`
	OrgID string `json:"org_id"`
	Name  string `json:"name"`
	// URL is the tenant's resource identifier (RFC 8707), the aud of its tokens.
	URL string `json:"url"`
	// ClientID is the tenant's confidential client, for introspection and the revoked
	// devices list.
	ClientID  string    `json:"client_id"`
	CreatedAt time.Time `json:"created_at"`
}

// NormalizeResourceURL is how tenant URLs are compared: no trailing slash.
func NormalizeResourceURL(u string) string { return strings.TrimRight(strings.TrimSpace(u), "/") }

var createTenantScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if redis.call('EXISTS', KEYS[5]) == 1 then return -2 end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], 'id', ARGV[1], 'org_id', ARGV[2], 'name', ARGV[3], 'url', ARGV[4],
  'client_id', ARGV[5], 'created_at', ARGV[6])
redis.call('SADD', KEYS[4], ARGV[1])
redis.call('SET', KEYS[5], ARGV[7])
return 1
`)

// TenantSpec is what CreateTenant needs. ClientID and ClientSecret may be set (dev
// seeding); otherwise they are generated.
type TenantSpec struct {
	OrgID, Name, URL, ClientID, ClientSecret string
}

// CreateTenant registers a tenant and its confidential client in one step, and returns
// the client secret, shown this once. A URL already registered gives ErrExists; an
// unknown organization fosite.ErrNotFound. Nothing is written on failure.
func (s *Store) CreateTenant(ctx context.Context, spec TenantSpec) (*Tenant, string, error) {
	t := &Tenant{ID: NewID(), OrgID: spec.OrgID, Name: spec.Name,
		URL: NormalizeResourceURL(spec.URL), ClientID: spec.ClientID, CreatedAt: s.now().UTC()}
	if t.ClientID == "" {
		t.ClientID = "tenant-" + t.ID
	}
	secret := spec.ClientSecret
	if secret == "" {
		secret = rand.Text() + rand.Text()
	}

	hash, _ := s.SecretHasher().Hash(ctx, []byte(secret))
	c := NewClient(t.ClientID, spec.Name, ClientKindTenant, hash, []string{}, []string{})
	c.TenantID = t.ID
	c.CreatedAt = t.CreatedAt
	client, err := json.Marshal(c.toStored())
	if err != nil {
		return nil, "", fmt.Errorf("storage: encode tenant client: %w", err)
	}

	keys := []string{keyOrg + t.OrgID, keyTenantURL + t.URL, keyTenant + t.ID,
		keyOrgTenants + t.OrgID, keyClient + t.ClientID}
	args := []any{t.ID, t.OrgID, t.Name, t.URL, t.ClientID, ms(t.CreatedAt), client}
	n, err := createTenantScript.Run(ctx, s.rdb, keys, args...).Int()
	if err != nil {
		return nil, "", fmt.Errorf("storage: create tenant: %w", err)
	}
	switch n {
	case -1:
		return nil, "", fosite.ErrNotFound
	case 0, -2:
		return nil, "", ErrExists
	}
	return t, secret, nil
}

// Tenant loads a tenant; an unknown id is fosite.ErrNotFound.
func (s *Store) Tenant(ctx context.Context, id string) (*Tenant, error) {
	f, err := s.rdb.HGetAll(ctx, keyTenant+id).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: load tenant: %w", err)
	}
	if len(f) == 0 {
		return nil, fosite.ErrNotFound
	}
	return &Tenant{ID: f["id"], OrgID: f["org_id"], Name: f["name"], URL: f["url"],
		ClientID: f["client_id"], CreatedAt: parseMS(f["created_at"])}, nil
}

// TenantByURL finds the tenant whose resource URL is u; unknown is fosite.ErrNotFound.
func (s *Store) TenantByURL(ctx context.Context, u string) (*Tenant, error) {
	id, err := s.rdb.Get(ctx, keyTenantURL+NormalizeResourceURL(u)).Result()
	if err != nil {
		return nil, notFound(err)
	}
	return s.Tenant(ctx, id)
}

// Tenants lists an organization's tenants, by name.
func (s *Store) Tenants(ctx context.Context, orgID string) ([]*Tenant, error) {
	ids, err := s.rdb.SMembers(ctx, keyOrgTenants+orgID).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: list tenants: %w", err)
	}
	out := make([]*Tenant, 0, len(ids))
	for _, id := range ids {
		t, err := s.Tenant(ctx, id)
		if errors.Is(err, fosite.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// RenameTenant changes a tenant's display name.
func (s *Store) RenameTenant(ctx context.Context, id, name string) error {
	key := keyTenant + id
	ok, err := s.hsetIfExists(ctx, key, key, "name", name)
	if err != nil {
		return fmt.Errorf("storage: rename tenant: %w", err)
	}
	if !ok {
		return fosite.ErrNotFound
	}
	return nil
}

var deleteTenantScript = redis.NewScript(`
local url = redis.call('HGET', KEYS[1], 'url')
if not url then return 0 end
local client = redis.call('HGET', KEYS[1], 'client_id')
local org = redis.call('HGET', KEYS[1], 'org_id')
redis.call('DEL', KEYS[1], ARGV[1] .. url, ARGV[2] .. client)
redis.call('SREM', ARGV[3] .. org, ARGV[4])
return 1
`)

// DeleteTenant removes a tenant, its URL and its client in one step, then deletes the
// devices authorized for it.
func (s *Store) DeleteTenant(ctx context.Context, id string) error {
	t, err := s.Tenant(ctx, id)
	if err != nil {
		return err
	}
	devs, err := s.OrgDevices(ctx, t.OrgID)
	if err != nil {
		return err
	}

	args := []any{keyTenantURL, keyClient, keyOrgTenants, id}
	n, err := deleteTenantScript.Run(ctx, s.rdb, []string{keyTenant + id}, args...).Int()
	if err != nil {
		return fmt.Errorf("storage: delete tenant: %w", err)
	}
	if n == 0 {
		return fosite.ErrNotFound
	}
	for _, d := range devs {
		if d.TenantID != id {
			continue
		}
		if err := s.DeleteDevice(ctx, d.ID); err != nil && !errors.Is(err, fosite.ErrNotFound) {
			return err
		}
	}
	return nil
}
