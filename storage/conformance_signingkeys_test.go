package storage_test

import (
	"bytes"
	"crypto/x509"
	"strings"
	"sync"
	"testing"

	"github.com/gatehouse-auth/gatehouse/storage"
)

var signingKeyCases = []conformanceCase{
	{"instances starting at once share one set of keys", func(t *testing.T, e *env) {
		stores := []*storage.Store{e.store, e.newStore(t, e.secret)}
		const perStore = 2
		keys := make([]*storage.SigningKeys, len(stores)*perStore)
		errs := make([]error, len(keys))
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range keys {
			wg.Go(func() {
				<-start
				keys[i], errs[i] = stores[i%len(stores)].SigningKeys(e.ctx)
			})
		}
		close(start)
		wg.Wait()

		for i, err := range errs {
			if err != nil {
				t.Fatalf("SigningKeys %d: %v", i, err)
			}
		}
		first := keys[0]
		if first.AccessTokenKeyID == "" || first.IDTokenKeyID == "" || first.AccessTokenKeyID == first.IDTokenKeyID {
			t.Fatalf("key ids %q and %q, want two distinct ids", first.AccessTokenKeyID, first.IDTokenKeyID)
		}
		for i, k := range keys[1:] {
			if k.AccessTokenKeyID != first.AccessTokenKeyID || k.IDTokenKeyID != first.IDTokenKeyID ||
				!k.AccessTokenKey.Equal(first.AccessTokenKey) || !k.IDTokenKey.Equal(first.IDTokenKey) {
				t.Errorf("caller %d got keys %s/%s, caller 0 got %s/%s", i+1,
					k.AccessTokenKeyID, k.IDTokenKeyID, first.AccessTokenKeyID, first.IDTokenKeyID)
			}
		}

		later, err := e.newStore(t, e.secret).SigningKeys(e.ctx)
		if err != nil || later.AccessTokenKeyID != first.AccessTokenKeyID || !later.IDTokenKey.Equal(first.IDTokenKey) {
			t.Errorf("a later start got %v (%v), want the stored keys", later, err)
		}
	}},

	{"another server secret cannot open them", func(t *testing.T, e *env) {
		if _, err := e.store.SigningKeys(e.ctx); err != nil {
			t.Fatalf("SigningKeys: %v", err)
		}
		sealed := e.rdb.Get(e.ctx, "gh:signing-keys").Val()

		_, err := e.newStore(t, bytes.Repeat([]byte("x"), 32)).SigningKeys(e.ctx)
		if err == nil {
			t.Fatalf("a store with another secret opened the signing keys")
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "storage: ") || !strings.Contains(msg, "server secret") {
			t.Errorf("error %q does not say the server secret is the likely cause", msg)
		}
		if got := e.rdb.Get(e.ctx, "gh:signing-keys").Val(); got != sealed {
			t.Errorf("the failed open replaced the stored keys")
		}
	}},

	{"private keys are sealed at rest", func(t *testing.T, e *env) {
		k, err := e.store.SigningKeys(e.ctx)
		if err != nil {
			t.Fatalf("SigningKeys: %v", err)
		}
		ec, err := x509.MarshalPKCS8PrivateKey(k.AccessTokenKey)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := x509.MarshalPKCS8PrivateKey(k.IDTokenKey)
		if err != nil {
			t.Fatal(err)
		}
		e.assertNotStored(t, string(ec), string(rs), string(ec[len(ec)-32:]), string(rs[len(rs)-32:]),
			"PRIVATE KEY", "es256_pkcs8")
	}},
}
