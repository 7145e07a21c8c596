package token

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"path/filepath"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// The raw costs that bound Hatch's token paths, measured on this machine so
// the HTTP benchmarks can be read as a ratio of them.

func BenchmarkRawRS256Sign(b *testing.B) {
	priv, _ := rsa.GenerateKey(rand.Reader, 2048)
	priv.Precompute()
	sum := sha256.Sum256([]byte("payload"))
	for b.Loop() {
		if _, err := rsa.SignPKCS1v15(nil, priv, crypto.SHA256, sum[:]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRawRS256Verify(b *testing.B) {
	priv, _ := rsa.GenerateKey(rand.Reader, 2048)
	sum := sha256.Sum256([]byte("payload"))
	sig, _ := rsa.SignPKCS1v15(nil, priv, crypto.SHA256, sum[:])
	for b.Loop() {
		if err := rsa.VerifyPKCS1v15(&priv.PublicKey, crypto.SHA256, sum[:], sig); err != nil {
			b.Fatal(err)
		}
	}
}

func benchFixture(b *testing.B) *fixture {
	db, err := store.Open(context.Background(), "sqlite:"+filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return newFixture(b, db)
}

// BenchmarkIssueUserToken is claims encoding plus one RS256 signature.
func BenchmarkIssueUserToken(b *testing.B) {
	f := benchFixture(b)
	c := &Claims{Subject: "u1", Type: iam.TokenTypeUser, TenantID: "t1", TenantIDs: []string{"t1"}, SessionID: "s1",
		Roles: []string{"Admin"}, Permissions: []string{"fe.secure.read.users", "fe.secure.write.users"}, Email: "a@b.c"}
	for b.Loop() {
		if _, _, err := f.issuer.Sign(c, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyUserToken is one RS256 verification plus claims decoding and checks.
func BenchmarkVerifyUserToken(b *testing.B) {
	f := benchFixture(b)
	tok := f.userToken(b, time.Hour)
	for b.Loop() {
		if _, err := f.authn.Verify(tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawRS256SignParallel is the token-issuing bound on all cores.
func BenchmarkRawRS256SignParallel(b *testing.B) {
	priv, _ := rsa.GenerateKey(rand.Reader, 2048)
	priv.Precompute()
	sum := sha256.Sum256([]byte("payload"))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := rsa.SignPKCS1v15(nil, priv, crypto.SHA256, sum[:]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRawRS256VerifyParallel is the token-validation bound on all cores.
func BenchmarkRawRS256VerifyParallel(b *testing.B) {
	priv, _ := rsa.GenerateKey(rand.Reader, 2048)
	sum := sha256.Sum256([]byte("payload"))
	sig, _ := rsa.SignPKCS1v15(nil, priv, crypto.SHA256, sum[:])
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := rsa.VerifyPKCS1v15(&priv.PublicKey, crypto.SHA256, sum[:], sig); err != nil {
				b.Fatal(err)
			}
		}
	})
}
