// Package securetest provides password hashes made by the algorithms'
// reference implementations, never by Hatch, for tests of imported formats:
// Python 3's hashlib, Node's crypto module, the reference Argon2 C library
// (libargon2, through Python's ctypes), golang.org/x/crypto/bcrypt, and
// Firebase's published test vector. A case whose tool is missing skips its
// test with a message.
package securetest

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/hatchid/hatch/internal/secure"
)

// Reference runs a Python 3 or Node program that prints one hash.
func Reference(t testing.TB, tool, program string, args ...string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		t.Skipf("%s is not installed; it produces this format's reference hash", tool)
	}
	flag := "-c"
	if tool == "node" {
		flag = "-e"
	}
	cmd := exec.Command(path, append([]string{flag, program}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && strings.Contains(string(exit.Stderr), "libargon2") {
			t.Skipf("the reference Argon2 library is not installed: %s", exit.Stderr)
		}
		t.Fatalf("%s %s: %v", tool, program, err)
	}
	return strings.TrimSpace(string(out))
}

const (
	pyHashlib = `import hashlib, sys
alg, pw, salt, pos = sys.argv[1:5]
d = hashlib.new(alg)
d.update((salt + pw if pos == "prefix" else pw + salt).encode())
print(d.hexdigest())`
	pyScrypt = `import hashlib, sys
pw, salt = sys.argv[1:3]
print(salt + ":" + hashlib.scrypt(pw.encode(), salt=salt.encode(), n=1024, r=8, p=1, dklen=32).hex())`
	nodePBKDF2 = `const [pw, salt, iter, len, digest] = process.argv.slice(1);
console.log(require("crypto").pbkdf2Sync(pw, salt, Number(iter), Number(len), digest).toString("hex"))`
	nodeDigest = `const [alg, pw, salt] = process.argv.slice(1);
console.log(require("crypto").createHash(alg).update(pw + salt).digest("base64"))`
	pyPBKDF2 = `import hashlib, sys
pw, salt, it, digest = sys.argv[1:5]
print(hashlib.pbkdf2_hmac(digest, pw.encode(), salt.encode(), int(it)).hex())`
	// The reference Argon2 implementation (P-H-C/phc-winner-argon2) as the
	// system library; argon2_type: 0 = d, 1 = i, 2 = id.
	PyArgon2 = `import ctypes, ctypes.util, sys
name = ctypes.util.find_library("argon2") or "libargon2.so.1"
try:
    lib = ctypes.CDLL(name)
except OSError as e:
    sys.exit("libargon2: " + str(e))
u32, size = ctypes.c_uint32, ctypes.c_size_t
lib.argon2_hash.argtypes = [u32, u32, u32, ctypes.c_char_p, size, ctypes.c_char_p, size, ctypes.c_void_p, size,
    ctypes.c_char_p, size, ctypes.c_int, u32]
pw, salt, kind = sys.argv[1].encode(), sys.argv[2].encode(), int(sys.argv[3])
enc = ctypes.create_string_buffer(256)
rc = lib.argon2_hash(2, 64, 1, pw, len(pw), salt, len(salt), None, 32, enc, 256, kind, 0x13)
if rc != 0:
    sys.exit("libargon2: argon2_hash returned %d" % rc)
print(enc.value.decode())`
)

// Firebase's published vector (github.com/Firebase/scrypt, README "Password
// Hashing"): project parameters, one exported user's salt and hash, and the
// password that produced them.
const (
	FirebaseSignerKey = "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA=="
	FirebaseSeparator = "Bw=="
	FirebaseSalt      = "42xEC+ixf3L2lw=="
	FirebaseHash      = "lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ=="
	FirebasePassword  = "user1password"
)

// Case is one imported format as the migration DTO carries it: Hash makes a
// reference hash of password (calling t.Skip when its tool is missing), to be
// sent with HashType and Config; Stored is the prefix of Hatch's stored form.
type Case struct {
	Name     string
	HashType string
	Hash     func(t testing.TB, password string) string
	Config   string
	Stored   string
}

// Password returns the password a case's hash is made from: Firebase's
// published vector has its own, the other cases take the one given.
func (c Case) Password(password string) string {
	if c.HashType == secure.HashFirebaseScrypt {
		return FirebasePassword
	}
	return password
}

// Cases returns one case per supported format, in the encodings the
// migration DTO names (identity-api.md §14).
func Cases() []Case {
	return []Case{
		{"bcrypt", secure.HashBcrypt, func(t testing.TB, pw string) string {
			b, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}, "", "$2a$"},
		{"scrypt", secure.HashScrypt, func(t testing.TB, pw string) string {
			return Reference(t, "python3", pyScrypt, pw, "NaCl-salt")
		}, `{"saltSeparator":":","N":1024,"r":8,"p":1,"keyLen":32}`, "$scrypt$ln=10,r=8,p=1$"},
		{"pbkdf2-sha1", secure.HashPBKDF2, func(t testing.TB, pw string) string {
			return Reference(t, "node", nodePBKDF2, pw, "pepper", "1000", "20", "sha1")
		}, `{"salt":"pepper","iterations":1000,"keyLen":20,"digest":"sha1"}`, "$pbkdf2-sha1$i=1000$"},
		{"pbkdf2-sha256", secure.HashPBKDF2, func(t testing.TB, pw string) string {
			return Reference(t, "python3", pyPBKDF2, pw, "pepper", "25000", "sha256")
		}, `{"salt":"pepper","iterations":25000,"keyLen":32,"digest":"sha256"}`, "$pbkdf2-sha256$i=25000$"},
		{"pbkdf2-sha512", secure.HashPBKDF2, func(t testing.TB, pw string) string {
			return Reference(t, "node", nodePBKDF2, pw, "pepper", "2000", "64", "sha512")
		}, `{"salt":"pepper","iterations":2000,"keyLen":64,"digest":"sha512"}`, "$pbkdf2-sha512$i=2000$"},
		{"sha1-unsalted", secure.HashSHA1, func(t testing.TB, pw string) string {
			return Reference(t, "python3", pyHashlib, "sha1", pw, "", "prefix")
		}, "", "$sha1$prefix$$"},
		{"sha256-salt-prefix", secure.HashSHA256, func(t testing.TB, pw string) string {
			return Reference(t, "python3", pyHashlib, "sha256", pw, "s4lt", "prefix")
		}, `{"salt":"s4lt","saltPosition":"prefix"}`, "$sha256$prefix$"},
		{"sha512-salt-suffix-base64", secure.HashSHA512, func(t testing.TB, pw string) string {
			return Reference(t, "node", nodeDigest, "sha512", pw, "s4lt")
		}, `{"salt":"s4lt","saltPosition":"suffix","encoding":"base64"}`, "$sha512$suffix$"},
		{"md5-salt-suffix", secure.HashMD5, func(t testing.TB, pw string) string {
			return Reference(t, "python3", pyHashlib, "md5", pw, "s4lt", "suffix")
		}, `{"salt":"s4lt","saltPosition":"suffix"}`, "$md5$suffix$"},
		{"argon2i", secure.HashArgon2, func(t testing.TB, pw string) string {
			return Reference(t, "python3", PyArgon2, pw, "somesalt", "1")
		}, "", "$argon2i$v=19$m=64,t=2,p=1$"},
		{"argon2id", secure.HashArgon2, func(t testing.TB, pw string) string {
			return Reference(t, "python3", PyArgon2, pw, "somesalt", "2")
		}, "", "$argon2id$v=19$m=64,t=2,p=1$"},
		{"firebase-scrypt", secure.HashFirebaseScrypt, func(t testing.TB, pw string) string {
			if pw != FirebasePassword {
				t.Skip("Firebase's published vector has one password")
			}
			return FirebaseHash
		}, `{"memCost":14,"rounds":8,"saltSeparator":"` + FirebaseSeparator + `","signerKey":"` + FirebaseSignerKey + `","salt":"` + FirebaseSalt + `"}`,
			"$firebase-scrypt$m=14,r=8$"},
	}
}
