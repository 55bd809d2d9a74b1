package storage

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// SigningKeys are the provider's private keys: ES256 for access tokens (RFC 9068) and
// RS256 for ID tokens (OIDC Core §15.1 requires RS256 support).
type SigningKeys struct {
	AccessTokenKey   *ecdsa.PrivateKey
	AccessTokenKeyID string
	IDTokenKey       *rsa.PrivateKey
	IDTokenKeyID     string
}

type storedKeys struct {
	ES256    []byte `json:"es256_pkcs8"`
	ES256KID string `json:"es256_kid"`
	RS256    []byte `json:"rs256_pkcs8"`
	RS256KID string `json:"rs256_kid"`
}

// SigningKeys loads the signing keys, creating them on first start. When several
// instances start at once, each generates a candidate, exactly one is stored (SET NX),
// and all of them use that one.
func (s *Store) SigningKeys(ctx context.Context) (*SigningKeys, error) {
	sealed, err := s.rdb.Get(ctx, keySigningKeys).Bytes()
	if errors.Is(err, redis.Nil) {
		sealed, err = s.createSigningKeys(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("storage: signing keys: %w", err)
	}
	return s.openKeys(sealed)
}

func (s *Store) createSigningKeys(ctx context.Context) ([]byte, error) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	rs, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	ecDER, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		return nil, err
	}
	rsDER, err := x509.MarshalPKCS8PrivateKey(rs)
	if err != nil {
		return nil, err
	}

	sk := storedKeys{ES256: ecDER, ES256KID: keyID(&ec.PublicKey), RS256: rsDER, RS256KID: keyID(&rs.PublicKey)}
	plain, err := json.Marshal(sk)
	if err != nil {
		return nil, err
	}
	sealed, err := s.seal(plain)
	if err != nil {
		return nil, err
	}

	if _, err := s.rdb.SetNX(ctx, keySigningKeys, sealed, 0).Result(); err != nil {
		return nil, err
	}
	return s.rdb.Get(ctx, keySigningKeys).Bytes()
}

// keyID is a short fingerprint of a public key, used as the JWK "kid".
func keyID(pub any) string {
	der, _ := x509.MarshalPKIXPublicKey(pub)
	sum := sha256.Sum256(der)
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

func (s *Store) openKeys(sealed []byte) (*SigningKeys, error) {
	plain, err := s.open(sealed)
	if err != nil {
		return nil, fmt.Errorf("storage: decrypt signing keys (is the server secret the one they were made with?): %w", err)
	}
	var sk storedKeys
	if err := json.Unmarshal(plain, &sk); err != nil {
		return nil, fmt.Errorf("storage: decode signing keys: %w", err)
	}
	ec, err := x509.ParsePKCS8PrivateKey(sk.ES256)
	if err != nil {
		return nil, fmt.Errorf("storage: parse ES256 key: %w", err)
	}
	rs, err := x509.ParsePKCS8PrivateKey(sk.RS256)
	if err != nil {
		return nil, fmt.Errorf("storage: parse RS256 key: %w", err)
	}
	ecKey, ok1 := ec.(*ecdsa.PrivateKey)
	rsKey, ok2 := rs.(*rsa.PrivateKey)
	if !ok1 || !ok2 {
		return nil, errors.New("storage: signing keys have unexpected types")
	}
	return &SigningKeys{AccessTokenKey: ecKey, AccessTokenKeyID: sk.ES256KID, IDTokenKey: rsKey, IDTokenKeyID: sk.RS256KID}, nil
}

// seal encrypts with AES-256-GCM under the key derived from the server secret.
func (s *Store) seal(plain []byte) ([]byte, error) {
	gcm, err := s.gcm()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return gcm.Seal(nonce, nonce, plain, []byte(keySigningKeys)), nil
}

func (s *Store) open(sealed []byte) ([]byte, error) {
	gcm, err := s.gcm()
	if err != nil {
		return nil, err
	}
	if len(sealed) < gcm.NonceSize() {
		return nil, errors.New("ciphertext too short")
	}
	nonce, ct := sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():]
	return gcm.Open(nil, nonce, ct, []byte(keySigningKeys))
}

func (s *Store) gcm() (cipher.AEAD, error) {
	block, err := aes.NewCipher(s.encKey)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
