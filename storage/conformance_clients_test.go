package storage_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/storage"
)

var clientCases = []conformanceCase{
	{"create and get", func(t *testing.T, e *env) {
		hash, _ := e.store.SecretHasher().Hash(e.ctx, []byte("tenant-secret"))
		c := storage.NewClient("tenant-notes", "Notes", storage.ClientKindTenant, hash,
			[]string{"client_credentials"}, []string{"introspect"})
		c.TenantID = "tenant-1"
		c.Audience = []string{"https://notes.example.com"}
		if err := e.store.CreateClient(e.ctx, c); err != nil {
			t.Fatalf("CreateClient: %v", err)
		}

		fc, err := e.store.GetClient(e.ctx, "tenant-notes")
		if err != nil {
			t.Fatalf("GetClient: %v", err)
		}
		got := fc.(*storage.Client)
		switch {
		case got.GetID() != "tenant-notes", got.Name != "Notes", got.Kind != storage.ClientKindTenant,
			got.TenantID != "tenant-1":
			t.Errorf("client = %s %q %s %s, want tenant-notes \"Notes\" tenant tenant-1",
				got.GetID(), got.Name, got.Kind, got.TenantID)
		case got.IsPublic(), !bytes.Equal(got.GetHashedSecret(), hash):
			t.Errorf("client public=%v secret=%x, want confidential with hash %x",
				got.IsPublic(), got.GetHashedSecret(), hash)
		case got.GetTokenEndpointAuthMethod() != "client_secret_basic":
			t.Errorf("auth method = %q, want client_secret_basic", got.GetTokenEndpointAuthMethod())
		case !slices.Equal(got.GetGrantTypes(), []string{"client_credentials"}),
			!slices.Equal(got.GetScopes(), []string{"introspect"}),
			!slices.Equal(got.GetAudience(), []string{"https://notes.example.com"}):
			t.Errorf("grants %v scopes %v audience %v", got.GetGrantTypes(), got.GetScopes(), got.GetAudience())
		case !got.CreatedAt.Equal(e.clock.Now()):
			t.Errorf("CreatedAt = %v, want the store's clock %v", got.CreatedAt, e.clock.Now())
		}
	}},

	{"public client authenticates with none", func(t *testing.T, e *env) {
		e.createCLIClients(t)
		got, err := e.store.Client(e.ctx, cliClientID)
		if err != nil {
			t.Fatalf("Client: %v", err)
		}
		if !got.IsPublic() || got.GetTokenEndpointAuthMethod() != "none" || len(got.GetHashedSecret()) != 0 {
			t.Errorf("public=%v method=%q secret=%x, want public, none, no secret",
				got.IsPublic(), got.GetTokenEndpointAuthMethod(), got.GetHashedSecret())
		}
	}},

	{"duplicate id is ErrExists and changes nothing", func(t *testing.T, e *env) {
		first := storage.NewClient("dup", "First", storage.ClientKindCLI, nil, nil, []string{"openid"})
		if err := e.store.CreateClient(e.ctx, first); err != nil {
			t.Fatalf("CreateClient: %v", err)
		}
		e.clock.Add(time.Hour)
		second := storage.NewClient("dup", "Second", storage.ClientKindTenant, []byte("x"), nil, nil)
		if err := e.store.CreateClient(e.ctx, second); !errors.Is(err, storage.ErrExists) {
			t.Fatalf("second CreateClient = %v, want ErrExists", err)
		}

		got, err := e.store.Client(e.ctx, "dup")
		if err != nil {
			t.Fatalf("Client: %v", err)
		}
		if got.Name != "First" || got.Kind != storage.ClientKindCLI || !got.IsPublic() ||
			!got.CreatedAt.Equal(first.CreatedAt) {
			t.Errorf("client after duplicate = %q %s public=%v created %v; want the first one unchanged",
				got.Name, got.Kind, got.IsPublic(), got.CreatedAt)
		}
	}},

	{"unknown id is fosite.ErrNotFound", func(t *testing.T, e *env) {
		if _, err := e.store.GetClient(e.ctx, "nobody"); !errors.Is(err, fosite.ErrNotFound) {
			t.Errorf("GetClient(unknown) = %v, want fosite.ErrNotFound", err)
		}
	}},

	{"deleted client is not found", func(t *testing.T, e *env) {
		e.createCLIClients(t)
		if err := e.store.DeleteClient(e.ctx, cliClientID); err != nil {
			t.Fatalf("DeleteClient: %v", err)
		}
		if _, err := e.store.GetClient(e.ctx, cliClientID); !errors.Is(err, fosite.ErrNotFound) {
			t.Errorf("GetClient(deleted) = %v, want fosite.ErrNotFound", err)
		}
	}},

	{"secret hasher", func(t *testing.T, e *env) {
		h := e.store.SecretHasher()
		secret := []byte("0123456789abcdef0123456789abcdef")
		hash, err := h.Hash(e.ctx, secret)
		if err != nil {
			t.Fatalf("Hash: %v", err)
		}
		if bytes.Contains(hash, secret) {
			t.Fatalf("hash %x contains the secret", hash)
		}

		tests := []struct {
			name    string
			store   *storage.Store
			data    []byte
			wantErr bool
		}{
			{"right secret", e.store, secret, false},
			{"wrong secret", e.store, []byte("0123456789abcdef0123456789abcdeF"), true},
			{"empty secret", e.store, nil, true},
			{"other server secret", e.newStore(t, bytes.Repeat([]byte("z"), 32)), secret, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := tt.store.SecretHasher().Compare(e.ctx, hash, tt.data)
				if tt.wantErr != (err != nil) {
					t.Fatalf("Compare = %v, want error %v", err, tt.wantErr)
				}
				if err != nil && !errors.Is(err, fosite.ErrInvalidClient) {
					t.Errorf("Compare = %v, want fosite.ErrInvalidClient", err)
				}
			})
		}
	}},

	{"client assertion jti replay cache uses the store clock", func(t *testing.T, e *env) {
		// The store's clock is an hour behind: a JWT that expires in a minute by that
		// clock must still be remembered.
		e.clock.Add(-time.Hour)
		exp := e.clock.Now().Add(time.Minute)
		if err := e.store.ClientAssertionJWTValid(e.ctx, "jti-1"); err != nil {
			t.Fatalf("ClientAssertionJWTValid(new) = %v, want nil", err)
		}
		if err := e.store.SetClientAssertionJWT(e.ctx, "jti-1", exp); err != nil {
			t.Fatalf("SetClientAssertionJWT: %v", err)
		}
		if err := e.store.ClientAssertionJWTValid(e.ctx, "jti-1"); !errors.Is(err, fosite.ErrJTIKnown) {
			t.Errorf("ClientAssertionJWTValid(seen) = %v, want fosite.ErrJTIKnown", err)
		}
		if err := e.store.SetClientAssertionJWT(e.ctx, "jti-1", exp); !errors.Is(err, fosite.ErrJTIKnown) {
			t.Errorf("SetClientAssertionJWT(seen) = %v, want fosite.ErrJTIKnown", err)
		}
		e.assertNotStored(t, "jti-1")
	}},
}
