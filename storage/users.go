package storage

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ory/fosite"
	"github.com/redis/go-redis/v9"
)

// User is a person who signs in with an email and a password.
type User struct {
	ID           string
	Email        string
	Name         string
	PasswordHash string
	CreatedAt    time.Time
}

// NewID returns a random 128-bit identifier as 26 lower-case base32 characters.
func NewID() string {
	return strings.ToLower(rand.Text())
}

// NormalizeEmail is how emails are compared: trimmed and lower-cased.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

var createUserScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'email', ARGV[2], 'name', ARGV[3],
  'password_hash', ARGV[4], 'created_at', ARGV[5])
redis.call('SET', KEYS[2], ARGV[1])
return 1
`)

// CreateUser stores a new user with an argon2id hash of password. An email already
// registered gives ErrExists and changes nothing.
func (s *Store) CreateUser(ctx context.Context, email, name, password string) (*User, error) {
	email = NormalizeEmail(email)
	if email == "" || !strings.Contains(email, "@") {
		return nil, fmt.Errorf("storage: %q is not an email address", email)
	}
	var hash string
	err := withHashSlot(ctx, func() (err error) {
		hash, err = HashPassword(password)
		return err
	})
	if err != nil {
		return nil, err
	}

	u := &User{ID: NewID(), Email: email, Name: name, PasswordHash: hash, CreatedAt: s.now().UTC()}
	keys := []string{keyUser + u.ID, keyUserEmail + email}
	ok, err := createUserScript.Run(ctx, s.rdb, keys, u.ID, email, name, hash, ms(u.CreatedAt)).Int()
	if err != nil {
		return nil, fmt.Errorf("storage: create user: %w", err)
	}
	if ok == 0 {
		return nil, ErrExists
	}
	return u, nil
}

// User loads a user by id; an unknown id is fosite.ErrNotFound.
func (s *Store) User(ctx context.Context, id string) (*User, error) {
	f, err := s.rdb.HGetAll(ctx, keyUser+id).Result()
	if err != nil {
		return nil, fmt.Errorf("storage: load user: %w", err)
	}
	if len(f) == 0 {
		return nil, fosite.ErrNotFound
	}
	return &User{
		ID: f["id"], Email: f["email"], Name: f["name"],
		PasswordHash: f["password_hash"], CreatedAt: parseMS(f["created_at"]),
	}, nil
}

// UserByEmail loads a user by email; an unknown email is fosite.ErrNotFound.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	id, err := s.rdb.Get(ctx, keyUserEmail+NormalizeEmail(email)).Result()
	if err != nil {
		return nil, notFound(err)
	}
	return s.User(ctx, id)
}

// dummyHash is compared against when an email is unknown, so that a sign-in takes the
// same time whether or not the account exists.
var dummyHash, _ = HashPassword("gatehouse-timing-equalizer")

// Authenticate checks an email and password. Both an unknown email and a wrong
// password give ErrWrongPassword, after the same argon2id work.
func (s *Store) Authenticate(ctx context.Context, email, password string) (*User, error) {
	u, err := s.UserByEmail(ctx, email)
	if errors.Is(err, fosite.ErrNotFound) {
		if err := withHashSlot(ctx, func() error { return CheckPassword(dummyHash, password) }); isWait(err) {
			return nil, err
		}
		return nil, ErrWrongPassword
	}
	if err != nil {
		return nil, err
	}
	err = withHashSlot(ctx, func() error { return CheckPassword(u.PasswordHash, password) })
	if isWait(err) {
		return nil, err
	}
	if err != nil {
		return nil, ErrWrongPassword
	}
	return u, nil
}

// isWait tells a request that ended while waiting for a hash slot from a wrong
// password.
func isWait(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
