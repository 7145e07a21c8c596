package secure

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

var fast = Argon2Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

func TestArgon2RoundTrip(t *testing.T) {
	h := NewHasher(fast)
	enc := h.Hash("correct horse")
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash = %q", enc)
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{"correct horse", true}, {"correct hors", false}, {"", false}} {
		ok, rehash, err := h.Verify(tc.pw, enc)
		if err != nil || ok != tc.want || rehash {
			t.Errorf("Verify(%q) = %v, %v, %v; want %v, false, nil", tc.pw, ok, rehash, err, tc.want)
		}
	}
}

func TestVerifyAsksRehashForWeakerOrForeign(t *testing.T) {
	strong := NewHasher(Argon2Params{Memory: 2048, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16})
	weak := NewHasher(fast).Hash("pw")
	if ok, rehash, _ := strong.Verify("pw", weak); !ok || !rehash {
		t.Errorf("weaker argon2id: ok=%v rehash=%v, want true true", ok, rehash)
	}
	b, _ := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	if ok, rehash, _ := strong.Verify("pw", string(b)); !ok || !rehash {
		t.Errorf("bcrypt: ok=%v rehash=%v, want true true", ok, rehash)
	}
	if ok, _, _ := strong.Verify("nope", string(b)); ok {
		t.Error("bcrypt accepted a wrong password")
	}
	if _, _, err := strong.Verify("pw", "md5:abc"); err != ErrUnsupportedHash {
		t.Errorf("unknown format: err = %v", err)
	}
	if ok, _, err := strong.Verify("pw", ""); ok || err != nil {
		t.Errorf("empty hash: ok=%v err=%v", ok, err)
	}
}

func TestSealer(t *testing.T) {
	s, err := NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	sealed := s.Seal([]byte("s3cret"), "smtp")
	if strings.Contains(sealed, "s3cret") {
		t.Fatal("plaintext visible")
	}
	got, err := s.Open(sealed, "smtp")
	if err != nil || string(got) != "s3cret" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := s.Open(sealed, "other"); err != ErrSealed {
		t.Errorf("wrong aad: err = %v", err)
	}
	if _, err := s.Open(sealed[:len(sealed)-2]+"AA", "smtp"); err != ErrSealed {
		t.Errorf("tampered: err = %v", err)
	}
}

func BenchmarkArgon2idDefault(b *testing.B) {
	h := &Hasher{params: DefaultArgon2}
	for b.Loop() {
		h.Hash("correct horse battery staple")
	}
}

// BenchmarkArgon2idDefaultParallel is the login bound on all cores: hashes
// running at once share memory bandwidth, so it is below cores × single rate.
func BenchmarkArgon2idDefaultParallel(b *testing.B) {
	h := &Hasher{params: DefaultArgon2}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h.Hash("correct horse battery staple")
		}
	})
}
