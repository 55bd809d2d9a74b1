package storage_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/ory/fosite"

	"github.com/gatehouse-auth/gatehouse/storage"
)

const adaPassword = "correct horse battery staple"

func (e *env) createAda(t testing.TB) *storage.User {
	t.Helper()
	u, err := e.store.CreateUser(e.ctx, "  Ada@Example.COM ", "Ada Lovelace", adaPassword)
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return u
}

var userCases = []conformanceCase{
	{"create and load", func(t *testing.T, e *env) {
		u := e.createAda(t)
		if u.Email != "ada@example.com" || u.Name != "Ada Lovelace" || u.ID == "" || !u.CreatedAt.Equal(e.clock.Now()) {
			t.Fatalf("created user = %+v, want ada@example.com, Ada Lovelace, an id, created now", u)
		}
		byID, err := e.store.User(e.ctx, u.ID)
		if err != nil || *byID != *u {
			t.Errorf("User(id) = %+v (%v), want %+v", byID, err, u)
		}
		byEmail, err := e.store.UserByEmail(e.ctx, "ADA@example.com")
		if err != nil || *byEmail != *u {
			t.Errorf("UserByEmail = %+v (%v), want %+v", byEmail, err, u)
		}
		if _, err := e.store.User(e.ctx, "nope"); !errors.Is(err, fosite.ErrNotFound) {
			t.Errorf("User(unknown) = %v, want fosite.ErrNotFound", err)
		}
		if _, err := e.store.UserByEmail(e.ctx, "bob@example.com"); !errors.Is(err, fosite.ErrNotFound) {
			t.Errorf("UserByEmail(unknown) = %v, want fosite.ErrNotFound", err)
		}
	}},

	{"not an email address", func(t *testing.T, e *env) {
		for _, email := range []string{"", "   ", "ada.example.com"} {
			if _, err := e.store.CreateUser(e.ctx, email, "Ada", adaPassword); err == nil {
				t.Errorf("CreateUser(%q) succeeded", email)
			}
		}
		if keys := e.keys(t); len(keys) != 0 {
			t.Errorf("keys after refused users: %v", keys)
		}
	}},

	{"duplicate email is ErrExists whatever its case", func(t *testing.T, e *env) {
		first := e.createAda(t)
		for _, email := range []string{"ada@example.com", "ADA@EXAMPLE.COM", " Ada@example.com\t"} {
			_, err := e.store.CreateUser(e.ctx, email, "Impostor", "another password")
			if !errors.Is(err, storage.ErrExists) {
				t.Errorf("CreateUser(%q) = %v, want ErrExists", email, err)
			}
		}
		u, err := e.store.Authenticate(e.ctx, "ada@example.com", adaPassword)
		if err != nil || u.ID != first.ID || u.Name != "Ada Lovelace" {
			t.Errorf("Authenticate after duplicates = %+v (%v), want the first user", u, err)
		}
		if n := len(e.keys(t)); n != 2 {
			t.Errorf("%d keys after duplicates, want the first user's 2: %v", n, e.keys(t))
		}
	}},

	{"concurrent sign-ups of one email: one wins", func(t *testing.T, e *env) {
		const n = 4
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				_, errs[i] = e.store.CreateUser(e.ctx, "ada@example.com", "Ada", adaPassword)
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, storage.ErrExists):
				t.Errorf("CreateUser: %v, want nil or ErrExists", err)
			}
		}
		if won != 1 {
			t.Errorf("%d of %d concurrent sign-ups succeeded, want 1", won, n)
		}
		if keys := e.keys(t); len(keys) != 2 {
			t.Errorf("keys = %v, want one user and one email index", keys)
		}
	}},

	{"authenticate", func(t *testing.T, e *env) {
		ada := e.createAda(t)
		tests := []struct {
			name, email, password string
			ok                    bool
		}{
			{"right password", "ada@example.com", adaPassword, true},
			{"email in another case", " ADA@example.com", adaPassword, true},
			{"wrong password", "ada@example.com", adaPassword + "!", false},
			{"password in another case", "ada@example.com", strings.ToUpper(adaPassword), false},
			{"empty password", "ada@example.com", "", false},
			{"unknown email", "bob@example.com", adaPassword, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				u, err := e.store.Authenticate(e.ctx, tt.email, tt.password)
				if tt.ok {
					if err != nil || u == nil || u.ID != ada.ID {
						t.Errorf("Authenticate = %+v (%v), want Ada", u, err)
					}
					return
				}
				if !errors.Is(err, storage.ErrWrongPassword) || u != nil {
					t.Errorf("Authenticate = %+v (%v), want ErrWrongPassword and no user", u, err)
				}
			})
		}
	}},

	{"password is kept as an argon2id PHC string", func(t *testing.T, e *env) {
		u := e.createAda(t)
		parts := strings.Split(u.PasswordHash, "$")
		if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v=19" || parts[3] != "m=19456,t=2,p=1" {
			t.Errorf("hash %q is not $argon2id$v=19$m=19456,t=2,p=1$salt$key", u.PasswordHash)
		}
		if u.PasswordHash == adaPassword {
			t.Errorf("hash equals the password")
		}
		again, err := storage.HashPassword(adaPassword)
		if err != nil || again == u.PasswordHash {
			t.Errorf("two hashes of one password are equal (%v): the salt is not random", err)
		}
		if err := storage.CheckPassword(again, adaPassword); err != nil {
			t.Errorf("CheckPassword(own hash) = %v", err)
		}
		e.assertNotStored(t, adaPassword)
	}},

	{"tampered hashes are rejected", func(t *testing.T, e *env) {
		good, err := storage.HashPassword(adaPassword)
		if err != nil {
			t.Fatal(err)
		}
		p := strings.Split(good, "$") // "", argon2id, v=19, m=...,t=...,p=..., salt, key
		join := func(alg, ver, params, salt, key string) string {
			return strings.Join([]string{"", alg, ver, params, salt, key}, "$")
		}
		flip := func(s string) string {
			c := byte('A')
			if s[0] == 'A' {
				c = 'B'
			}
			return string(c) + s[1:]
		}
		tests := []struct{ name, hash string }{
			{"empty", ""},
			{"key changed", join(p[1], p[2], p[3], p[4], flip(p[5]))},
			{"salt changed", join(p[1], p[2], p[3], flip(p[4]), p[5])},
			{"key cut short", join(p[1], p[2], p[3], p[4], p[5][:len(p[5])-4])},
			{"no key", join(p[1], p[2], p[3], p[4], "")},
			{"no salt", join(p[1], p[2], p[3], "", p[5])},
			{"argon2i", join("argon2i", p[2], p[3], p[4], p[5])},
			{"bcrypt-shaped", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
			{"old version", join(p[1], "v=16", p[3], p[4], p[5])},
			{"time cost changed", join(p[1], p[2], "m=19456,t=3,p=1", p[4], p[5])},
			{"memory changed", join(p[1], p[2], "m=19457,t=2,p=1", p[4], p[5])},
			{"no passes", join(p[1], p[2], "m=19456,t=0,p=1", p[4], p[5])},
			{"no lanes", join(p[1], p[2], "m=19456,t=2,p=0", p[4], p[5])},
			{"lanes overflow", join(p[1], p[2], "m=19456,t=2,p=256", p[4], p[5])},
			{"absurd memory", join(p[1], p[2], "m=4294967295,t=2,p=1", p[4], p[5])},
			{"garbled parameters", join(p[1], p[2], "m=x,t=2,p=1", p[4], p[5])},
			{"salt not base64", join(p[1], p[2], p[3], "!!!!", p[5])},
			{"key not base64", join(p[1], p[2], p[3], p[4], "!!!!")},
			{"extra field", good + "$extra"},
			{"the password itself", adaPassword},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if err := storage.CheckPassword(tt.hash, adaPassword); err == nil {
					t.Errorf("CheckPassword(%q) accepted the password", tt.hash)
				}
			})
		}
	}},
}
