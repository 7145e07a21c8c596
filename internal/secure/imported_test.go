package secure_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/secure/securetest"
)

// Reference hashes come from securetest: the algorithms' reference
// implementations and Firebase's published vector, never Hatch itself.

var cheap = secure.Argon2Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

func TestFirebaseScryptPublishedVector(t *testing.T) {
	dec := func(s string) []byte {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	got, err := secure.FirebaseScrypt([]byte(securetest.FirebasePassword), dec(securetest.FirebaseSalt),
		dec(securetest.FirebaseSeparator), dec(securetest.FirebaseSignerKey), 14, 8)
	if err != nil {
		t.Fatal(err)
	}
	if b64 := base64.StdEncoding.EncodeToString(got); b64 != securetest.FirebaseHash {
		t.Fatalf("FirebaseScrypt = %s, want %s", b64, securetest.FirebaseHash)
	}
}

func TestImportedFormatsVerify(t *testing.T) {
	h := secure.NewHasher(cheap)
	for _, tc := range securetest.Cases() {
		t.Run(tc.Name, func(t *testing.T) {
			pw := tc.Password("Tr0ub4dor&3")
			stored, err := secure.ImportHash(tc.HashType, tc.Hash(t, pw), tc.Config)
			if err != nil {
				t.Fatalf("ImportHash: %v", err)
			}
			if !strings.HasPrefix(stored, tc.Stored) {
				t.Fatalf("stored %q, want prefix %q", stored, tc.Stored)
			}
			ok, rehash, err := h.Verify(pw, stored)
			if err != nil || !ok || !rehash {
				t.Fatalf("Verify(right) = %v, %v, %v; want true, true, nil", ok, rehash, err)
			}
			if ok, _, err := h.Verify(pw+"x", stored); ok || err != nil {
				t.Fatalf("Verify(wrong) = %v, %v; want false, nil", ok, err)
			}
		})
	}
}

func TestImportHashRejects(t *testing.T) {
	fb := securetest.FirebaseSalt
	for _, tc := range []struct {
		name, hashType, hash, config, want string
	}{
		{"unknown type", "crc32", "abcd", "", "passwordHashType must be one of"},
		{"bcrypt garbage", secure.HashBcrypt, "$2a$nope", "", "not a bcrypt hash"},
		{"argon2d", secure.HashArgon2, "", "", "unsupported hash type: argon2d"},
		{"argon2 garbage", secure.HashArgon2, "$argon2id$v=19$m=x", "", "PHC string"},
		{"argon2 too costly", secure.HashArgon2, "$argon2id$v=19$m=4194304,t=1,p=1$c2FsdA$a2V5", "", "argon2 cost"},
		{"scrypt no separator", secure.HashScrypt, "salt:abcd", `{"N":1024,"r":8,"p":1}`, "saltSeparator is required"},
		{"scrypt bad N", secure.HashScrypt, "salt:abcd", `{"saltSeparator":":","N":1000,"r":8,"p":1}`, "power of two"},
		{"scrypt huge N", secure.HashScrypt, "salt:abcd", `{"saltSeparator":":","N":1073741824,"r":8,"p":1}`, "at most 2^20"},
		{"scrypt not hex", secure.HashScrypt, "salt:zz", `{"saltSeparator":":","N":1024,"r":8,"p":1}`, "must be hex"},
		{"config not json", secure.HashPBKDF2, "abcd", `{`, "passwordHashConfig must be a JSON object string"},
		{"pbkdf2 no salt", secure.HashPBKDF2, "abcd", `{"iterations":10}`, "salt is required"},
		{"pbkdf2 md5", secure.HashPBKDF2, "abcd", `{"iterations":10,"salt":"s","digest":"md5"}`, "digest must be one of"},
		{"pbkdf2 too many iterations", secure.HashPBKDF2, "abcd", `{"iterations":100000000,"salt":"s"}`, "iterations must be between"},
		{"sha256 wrong length", secure.HashSHA256, "abcd", "", "not a sha256 digest"},
		{"sha1 bad position", secure.HashSHA1, strings.Repeat("a", 40), `{"salt":"s","saltPosition":"middle"}`, "saltPosition"},
		{"firebase no signer", secure.HashFirebaseScrypt, securetest.FirebaseHash, `{"memCost":14,"rounds":8,"salt":"` + fb + `"}`, "signerKey"},
		{"firebase bad memCost", secure.HashFirebaseScrypt, securetest.FirebaseHash,
			`{"memCost":40,"rounds":8,"salt":"` + fb + `","signerKey":"` + securetest.FirebaseSignerKey + `"}`, "memCost"},
		{"empty hash", secure.HashMD5, " ", "", "passwordHash is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hash := tc.hash
			if tc.name == "argon2d" {
				// A real argon2d hash, from the reference Argon2 library.
				hash = securetest.Reference(t, "python3", securetest.PyArgon2, "pw", "somesalt", "0")
				if !strings.HasPrefix(hash, "$argon2d$") {
					t.Fatalf("reference argon2d hash %q", hash)
				}
			}
			_, err := secure.ImportHash(tc.hashType, hash, tc.config)
			var ie *secure.ImportError
			if !errors.As(err, &ie) || !strings.Contains(ie.Message, tc.want) {
				t.Fatalf("ImportHash error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestVerifyRefusesOutOfBoundsStoredHash(t *testing.T) {
	h := secure.NewHasher(cheap)
	for _, enc := range []string{
		"$scrypt$ln=40,r=8,p=1$c2FsdA$a2V5",
		"$pbkdf2-sha256$i=999999999$c2FsdA$a2V5",
		"$pbkdf2-md4$i=10$c2FsdA$a2V5",
		"$sha256$middle$c2FsdA$a2V5",
		"$firebase-scrypt$m=99,r=8$c2FsdA$Bw$a2V5$a2V5",
		"$unknown$x$y$z",
	} {
		if ok, _, err := h.Verify("pw", enc); ok || !errors.Is(err, secure.ErrUnsupportedHash) {
			t.Errorf("Verify(%q) = %v, %v; want false, ErrUnsupportedHash", enc, ok, err)
		}
	}
}
