package token

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

type fixture struct {
	keys   *KeyRing
	issuer *Issuer
	authn  *Authenticator
	now    time.Time
}

func newFixture(t testing.TB, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{now: time.Unix(1_800_000_000, 0)}
	clock := func() time.Time { return f.now }
	sealer, err := secure.NewSealer(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	f.keys = &KeyRing{DB: db, Sealer: sealer, Now: clock}
	if err := f.keys.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.issuer = &Issuer{Keys: f.keys, Issuer: "http://hatch.test", Audience: "client-1", Now: clock}
	rv := &Revocations{DB: db, Now: clock, MaxTokenTTL: 48 * time.Hour}
	f.authn = &Authenticator{Keys: f.keys, Revocations: rv, Now: clock, ClientID: "client-1", KeyVersion: "kv"}
	return f
}

func (f *fixture) userToken(t testing.TB, ttl time.Duration) string {
	t.Helper()
	tok, _, err := f.issuer.Sign(&Claims{Subject: "u1", Type: iam.TokenTypeUser, TenantID: "t1", SessionID: "s1"}, ttl)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestVerify(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		good := f.userToken(t, time.Hour)
		if c, err := f.authn.Verify(good); err != nil || c.Subject != "u1" {
			t.Fatalf("Verify(good) = %+v, %v", c, err)
		}
		parts := strings.Split(good, ".")

		foreign, _ := rsa.GenerateKey(rand.Reader, 2048)
		other := &KeyRing{signing: &key{priv: foreign, header: parts[0]}}

		tampered := func(mut func(c map[string]any)) string {
			raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
			var c map[string]any
			json.Unmarshal(raw, &c)
			mut(c)
			raw, _ = json.Marshal(c)
			return parts[0] + "." + base64.RawURLEncoding.EncodeToString(raw) + "." + parts[2]
		}
		resign := func(header string, claims map[string]any) string {
			raw, _ := json.Marshal(claims)
			tok, _ := f.keys.sign(raw)
			_, rest, _ := strings.Cut(tok, ".")
			return header + "." + rest
		}
		sign := func(c *Claims) string {
			tok, _, err := f.issuer.Sign(c, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		foreignTok := func() string {
			raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
			tok, _ := other.sign(raw)
			return tok
		}()
		noneHeader := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))

		for name, tok := range map[string]string{
			"tampered claims": tampered(func(c map[string]any) { c["sub"] = "admin" }),
			"foreign key":     foreignTok,
			"alg none":        noneHeader + "." + parts[1] + ".",
			"alg none signed": resign(noneHeader, map[string]any{"sub": "u1"}),
			"expired":         func() string { tok := f.userToken(t, time.Minute); return tok }(),
			"wrong audience": func() string {
				is := *f.issuer
				is.Audience = "other"
				tok, _, _ := is.Sign(&Claims{Subject: "u1", Type: iam.TokenTypeUser, TenantID: "t1", SessionID: "s1"}, time.Hour)
				return tok
			}(),
			"unknown type":   sign(&Claims{Subject: "u1", Type: "adminToken", TenantID: "t1", SessionID: "s1"}),
			"access type":    sign(&Claims{Subject: "u1", Type: iam.TokenTypeTenantAccess, TenantID: "t1"}),
			"no session":     sign(&Claims{Subject: "u1", Type: iam.TokenTypeUser, TenantID: "t1"}),
			"no tenant":      sign(&Claims{Subject: "u1", Type: iam.TokenTypeUser, SessionID: "s1"}),
			"vendor old key": sign(&Claims{Subject: "client-1", Type: iam.TokenTypeVendor, KeyVersion: "old"}),
			"garbage":        "not-a-token",
			"two parts":      parts[0] + "." + parts[1],
		} {
			if name == "expired" {
				f.now = f.now.Add(2 * time.Minute)
			}
			if _, err := f.authn.Verify(tok); iam.KindOf(err) != iam.KindUnauthorized {
				t.Errorf("%s: err = %v, want unauthorized", name, err)
			}
			if name == "expired" {
				f.now = f.now.Add(-2 * time.Minute)
			}
		}
		f.authn.Revocations.Add("s1")
		if _, err := f.authn.Verify(good); err == nil {
			t.Error("token of a revoked session accepted")
		}
	})
}

func TestKeysSurviveRestartAndRotate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tok := f.userToken(t, time.Hour)
		pem := f.keys.PublicKeyPEM()
		// A second node (or a restart) loads the same key rather than making one.
		g := newFixture(t, db)
		if g.keys.PublicKeyPEM() != pem {
			t.Fatal("a second load generated a different key")
		}
		if _, err := g.authn.Verify(tok); err != nil {
			t.Fatalf("token from the first node refused: %v", err)
		}
		if err := g.keys.Rotate(context.Background(), 48*time.Hour); err != nil {
			t.Fatal(err)
		}
		if g.keys.PublicKeyPEM() == pem {
			t.Fatal("rotation kept the old key")
		}
		if _, err := g.authn.Verify(tok); err != nil {
			t.Fatalf("token of the retired key refused during its publication: %v", err)
		}
		var jwks struct{ Keys []map[string]string }
		json.Unmarshal(g.keys.JWKS(), &jwks)
		if len(jwks.Keys) != 2 {
			t.Fatalf("JWKS has %d keys, want 2", len(jwks.Keys))
		}
	})
}

func TestRevocationsPoll(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		now := f.now
		s := &iam.Session{ID: "sess-1", UserID: "u", TenantID: "t", AuthTime: now, CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(time.Hour)}
		tn := &iam.Tenant{ID: "t", TenantID: "t", Name: "t", Metadata: "{}", CreatedAt: now, UpdatedAt: now}
		u := &iam.User{ID: "u", Email: "u@x.test", Metadata: "{}", CreatedAt: now, UpdatedAt: now}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateTenant(ctx, tn); err != nil {
				return err
			}
			if err := tx.CreateUser(ctx, store.NewUser{User: u, TenantID: "t"}); err != nil {
				return err
			}
			return tx.CreateSession(ctx, s, "h1", now.Add(time.Hour))
		})
		if err != nil {
			t.Fatal(err)
		}
		rv := f.authn.Revocations
		if err := rv.Poll(ctx); err != nil || rv.Revoked("sess-1") {
			t.Fatalf("before revocation: revoked=%v err=%v", rv.Revoked("sess-1"), err)
		}
		// Another node revokes the session; this node learns of it on its next poll.
		if err := db.RevokeSession(ctx, "u", "sess-1", now); err != nil {
			t.Fatal(err)
		}
		if err := rv.Poll(ctx); err != nil || !rv.Revoked("sess-1") {
			t.Fatalf("after revocation: revoked=%v err=%v", rv.Revoked("sess-1"), err)
		}
	})
}

// A token verified once is remembered, but only its signature check: expiry
// and revocation still apply, callers cannot change what is remembered, and
// a key taken out of the ring stops verifying at once.
func TestVerifiedTokensRemembered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tok := f.userToken(t, time.Hour)
		c, err := f.authn.Verify(tok)
		if err != nil {
			t.Fatal(err)
		}
		c.Subject, c.TenantIDs = "someone-else", append(c.TenantIDs, "t-other")
		again, err := f.authn.Verify(tok)
		if err != nil || again.Subject != "u1" || len(again.TenantIDs) != 0 {
			t.Fatalf("second Verify = %+v, %v; want the token's own claims", again, err)
		}

		f.now = f.now.Add(2 * time.Hour)
		if _, err := f.authn.Verify(tok); err == nil {
			t.Error("remembered token accepted after its expiry")
		}
		f.now = f.now.Add(-2 * time.Hour)

		if err := f.keys.Rotate(context.Background(), time.Minute); err != nil {
			t.Fatal(err)
		}
		if _, err := f.authn.Verify(tok); err != nil {
			t.Fatalf("token of the retired key refused while published: %v", err)
		}
		f.now = f.now.Add(2 * time.Minute)
		if err := f.keys.Load(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := f.authn.Verify(tok); err == nil {
			t.Error("remembered token accepted after its key was unpublished")
		}
	})
}

func TestVerifiedTokensBounded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for i := range maxVerified + 10 {
			tok, _, err := f.issuer.Sign(&Claims{Subject: fmt.Sprint("u", i), Type: iam.TokenTypeUser, TenantID: "t1", SessionID: "s1"}, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.authn.Verify(tok); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(f.authn.verified.m); n > maxVerified {
			t.Errorf("%d tokens remembered, want at most %d", n, maxVerified)
		}
	})
}
