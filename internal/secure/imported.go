package secure

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"math/bits"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/crypto/scrypt"
)

// Password hashes imported from other systems are stored as self-describing
// strings, so Hasher.Verify can dispatch on the prefix without any other
// column. Binary fields are standard base64 without padding ("b64" below).
//
//	bcrypt            $2a$… / $2b$… / $2y$…            (the modular crypt string, unchanged)
//	argon2i, argon2id $argon2id$v=19$m=…,t=…,p=…$b64salt$b64key (the PHC string, unchanged)
//	scrypt            $scrypt$ln=<log2 N>,r=<r>,p=<p>$b64salt$b64key
//	firebase-scrypt   $firebase-scrypt$m=<memCost>,r=<rounds>$b64salt$b64separator$b64signerKey$b64hash
//	pbkdf2            $pbkdf2-<sha1|sha256|sha512>$i=<iterations>$b64salt$b64key
//	salted digests    $<md5|sha1|sha256|sha512>$<prefix|suffix>$b64salt$b64digest  (salt may be empty)
//
// A salted digest is digest(salt ‖ password) for "prefix" and digest(password ‖ salt)
// for "suffix". Firebase's modified scrypt is scrypt(password, salt ‖ separator,
// N=2^memCost, r=rounds, p=1, 64 bytes), whose first 32 bytes key AES-256-CTR
// (zero IV) to encrypt the project's signer key; the ciphertext is the hash.
// argon2d is refused at import: no maintained Go implementation exists
// (golang.org/x/crypto implements only argon2i and argon2id), and Hatch never
// stores a hash it cannot verify.

// Hash types accepted by ImportHash: Frontegg's passwordHashType enum, plus
// sha512 and md5, which Hatch also accepts.
const (
	HashBcrypt         = "bcrypt"
	HashScrypt         = "scrypt"
	HashFirebaseScrypt = "firebase-scrypt"
	HashPBKDF2         = "pbkdf2"
	HashArgon2         = "argon2"
	HashSHA256         = "sha256"
	HashSHA1           = "sha1"
	HashSHA512         = "sha512"
	HashMD5            = "md5"
)

// HashTypes lists the accepted hash types, for error messages.
var HashTypes = []string{HashBcrypt, HashScrypt, HashFirebaseScrypt, HashPBKDF2, HashArgon2, HashSHA256, HashSHA1, HashSHA512, HashMD5}

// Limits on imported cost parameters, so that one imported row cannot make
// every login attempt for it burn minutes of CPU or gigabytes of memory.
const (
	maxPBKDF2Iterations = 10_000_000
	maxScryptLogN       = 20 // N = 1,048,576 → 1 GiB at r=8; more is not a password hash anyone uses
	maxScryptR          = 32
	maxScryptP          = 16
	maxFirebaseMemCost  = 16
	maxFirebaseRounds   = 32
	maxArgon2Memory     = 1 << 20 // KiB: 1 GiB
	maxArgon2Time       = 64
)

// ImportError says why an imported hash was refused; its message names the
// field at fault and may be shown to the caller.
type ImportError struct{ Message string }

func (e *ImportError) Error() string { return e.Message }

func importErr(format string, args ...any) error {
	return &ImportError{Message: fmt.Sprintf(format, args...)}
}

// ImportHash turns a hash exported by another system (Frontegg's migration
// DTO: passwordHashType, passwordHash and the JSON string passwordHashConfig)
// into Hatch's stored form. It hashes nothing: the stored form carries the
// original hash and the parameters needed to verify it. It returns an
// *ImportError for an unknown type or a malformed hash or configuration.
//
// The accepted encodings, per type:
//
//	bcrypt           hash: the modular crypt string; no config
//	argon2           hash: the PHC string of argon2id or argon2i; no config (argon2d is refused)
//	scrypt           hash: salt ‖ saltSeparator ‖ hex(key); config {"saltSeparator","N","r","p","keyLen"};
//	                 the salt is used as text
//	firebase-scrypt  hash: base64, as Firebase exports it; config {"memCost","rounds",
//	                 "saltSeparator" (base64),"signerKey" (base64),"salt" (base64, the user's salt)}
//	pbkdf2           hash: hex(key) (or base64 with "encoding":"base64"); config {"salt","iterations",
//	                 "digest" (sha1|sha256|sha512, default sha256),"keyLen" (checked when given),
//	                 "saltEncoding" (text|hex|base64, default text)}
//	sha1, sha256,    hash: hex(digest) (or base64 with "encoding":"base64"); optional config
//	sha512, md5      {"salt","saltPosition" (prefix|suffix, default prefix),"saltEncoding"}
func ImportHash(hashType, hashValue, config string) (string, error) {
	hashValue = strings.TrimSpace(hashValue)
	if hashValue == "" {
		return "", importErr("passwordHash is empty")
	}
	var cfg importConfig
	if strings.TrimSpace(config) != "" {
		if err := json.Unmarshal([]byte(config), &cfg); err != nil {
			return "", importErr("passwordHashConfig must be a JSON object string: %v", err)
		}
	}
	switch strings.ToLower(hashType) {
	case HashBcrypt:
		return importBcrypt(hashValue)
	case HashArgon2:
		return importArgon2(hashValue)
	case HashScrypt:
		return importScrypt(hashValue, &cfg)
	case HashFirebaseScrypt:
		return importFirebase(hashValue, &cfg)
	case HashPBKDF2:
		return importPBKDF2(hashValue, &cfg)
	case HashSHA1, HashSHA256, HashSHA512, HashMD5:
		return importDigest(strings.ToLower(hashType), hashValue, &cfg)
	}
	return "", importErr("passwordHashType must be one of %s", strings.Join(HashTypes, ", "))
}

// importConfig is the union of every type's passwordHashConfig fields.
type importConfig struct {
	SaltSeparator string `json:"saltSeparator"`
	N             int    `json:"N"`
	R             int    `json:"r"`
	P             int    `json:"p"`
	KeyLen        int    `json:"keyLen"`
	MemCost       int    `json:"memCost"`
	Rounds        int    `json:"rounds"`
	SignerKey     string `json:"signerKey"`
	Salt          string `json:"salt"`
	Iterations    int    `json:"iterations"`
	Digest        string `json:"digest"`
	SaltPosition  string `json:"saltPosition"`
	SaltEncoding  string `json:"saltEncoding"`
	Encoding      string `json:"encoding"`
}

func importBcrypt(h string) (string, error) {
	if _, err := bcrypt.Cost([]byte(h)); err != nil || !(strings.HasPrefix(h, "$2a$") || strings.HasPrefix(h, "$2b$") || strings.HasPrefix(h, "$2y$")) {
		return "", importErr("passwordHash is not a bcrypt hash ($2a$, $2b$ or $2y$)")
	}
	return h, nil
}

func importArgon2(h string) (string, error) {
	if strings.HasPrefix(h, "$argon2d$") {
		return "", importErr("unsupported hash type: argon2d cannot be verified by Hatch (only argon2id and argon2i)")
	}
	a, err := parseArgon2(h)
	if err != nil {
		return "", importErr("passwordHash is not an argon2id or argon2i PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash)")
	}
	if a.m > maxArgon2Memory || a.t > maxArgon2Time {
		return "", importErr("passwordHash: argon2 cost above m=%d, t=%d is not accepted", maxArgon2Memory, maxArgon2Time)
	}
	return h, nil
}

func importScrypt(h string, c *importConfig) (string, error) {
	if c.SaltSeparator == "" {
		return "", importErr("passwordHashConfig.saltSeparator is required for scrypt")
	}
	i := strings.LastIndex(h, c.SaltSeparator)
	if i < 0 {
		return "", importErr("passwordHash must be salt, saltSeparator and the hex key for scrypt")
	}
	salt, keyHex := h[:i], h[i+len(c.SaltSeparator):]
	key, err := hex.DecodeString(keyHex)
	if err != nil || len(key) == 0 {
		return "", importErr("passwordHash: the scrypt key after the separator must be hex")
	}
	if c.KeyLen != 0 && c.KeyLen != len(key) {
		return "", importErr("passwordHashConfig.keyLen is %d but the key has %d bytes", c.KeyLen, len(key))
	}
	if c.N < 2 || c.N&(c.N-1) != 0 {
		return "", importErr("passwordHashConfig.N must be a power of two greater than 1")
	}
	s := scryptParams{logN: bits.TrailingZeros(uint(c.N)), r: c.R, p: c.P}
	if err := s.check(); err != nil {
		return "", err
	}
	return fmt.Sprintf("$scrypt$ln=%d,r=%d,p=%d$%s$%s", s.logN, s.r, s.p, b64.EncodeToString([]byte(salt)), b64.EncodeToString(key)), nil
}

type scryptParams struct{ logN, r, p int }

func (s scryptParams) check() error {
	switch {
	case s.logN < 1 || s.logN > maxScryptLogN:
		return importErr("passwordHashConfig.N must be at most 2^%d", maxScryptLogN)
	case s.r < 1 || s.r > maxScryptR:
		return importErr("passwordHashConfig.r must be between 1 and %d", maxScryptR)
	case s.p < 1 || s.p > maxScryptP:
		return importErr("passwordHashConfig.p must be between 1 and %d", maxScryptP)
	}
	return nil
}

func importFirebase(h string, c *importConfig) (string, error) {
	hash, err := decodeB64(h)
	if err != nil || len(hash) == 0 {
		return "", importErr("passwordHash must be base64 for firebase-scrypt")
	}
	salt, err1 := decodeB64(c.Salt)
	sep, err2 := decodeB64(c.SaltSeparator)
	signer, err3 := decodeB64(c.SignerKey)
	switch {
	case c.Salt == "" || err1 != nil:
		return "", importErr("passwordHashConfig.salt (the user's base64 salt) is required for firebase-scrypt")
	case err2 != nil:
		return "", importErr("passwordHashConfig.saltSeparator must be base64")
	case c.SignerKey == "" || err3 != nil:
		return "", importErr("passwordHashConfig.signerKey (base64) is required for firebase-scrypt")
	case len(signer) != len(hash):
		return "", importErr("passwordHash must be as long as the decoded signerKey for firebase-scrypt")
	case c.MemCost < 1 || c.MemCost > maxFirebaseMemCost:
		return "", importErr("passwordHashConfig.memCost must be between 1 and %d", maxFirebaseMemCost)
	case c.Rounds < 1 || c.Rounds > maxFirebaseRounds:
		return "", importErr("passwordHashConfig.rounds must be between 1 and %d", maxFirebaseRounds)
	}
	return fmt.Sprintf("$firebase-scrypt$m=%d,r=%d$%s$%s$%s$%s", c.MemCost, c.Rounds, b64.EncodeToString(salt),
		b64.EncodeToString(sep), b64.EncodeToString(signer), b64.EncodeToString(hash)), nil
}

func importPBKDF2(h string, c *importConfig) (string, error) {
	digest := strings.ToLower(c.Digest)
	if digest == "" {
		digest = HashSHA256
	}
	if digestFunc(digest) == nil || digest == HashMD5 {
		return "", importErr("passwordHashConfig.digest must be one of sha1, sha256, sha512")
	}
	if c.Iterations < 1 || c.Iterations > maxPBKDF2Iterations {
		return "", importErr("passwordHashConfig.iterations must be between 1 and %d", maxPBKDF2Iterations)
	}
	salt, err := decodeSalt(c)
	if err != nil {
		return "", err
	}
	if len(salt) == 0 {
		return "", importErr("passwordHashConfig.salt is required for pbkdf2")
	}
	key, err := decodeHashValue(h, c.Encoding)
	if err != nil {
		return "", err
	}
	if c.KeyLen != 0 && c.KeyLen != len(key) {
		return "", importErr("passwordHashConfig.keyLen is %d but the key has %d bytes", c.KeyLen, len(key))
	}
	return fmt.Sprintf("$pbkdf2-%s$i=%d$%s$%s", digest, c.Iterations, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

func importDigest(alg, h string, c *importConfig) (string, error) {
	sum, err := decodeHashValue(h, c.Encoding)
	if err != nil {
		return "", err
	}
	if len(sum) != digestFunc(alg)().Size() {
		return "", importErr("passwordHash is not a %s digest (%d bytes, hex or base64)", alg, digestFunc(alg)().Size())
	}
	salt, err := decodeSalt(c)
	if err != nil {
		return "", err
	}
	pos := strings.ToLower(c.SaltPosition)
	switch pos {
	case "":
		pos = "prefix"
	case "prefix", "suffix":
	default:
		return "", importErr("passwordHashConfig.saltPosition must be prefix or suffix")
	}
	return fmt.Sprintf("$%s$%s$%s$%s", alg, pos, b64.EncodeToString(salt), b64.EncodeToString(sum)), nil
}

// decodeHashValue reads a digest or derived key in hex (the default) or base64.
func decodeHashValue(h, encoding string) ([]byte, error) {
	switch strings.ToLower(encoding) {
	case "", "hex":
		b, err := hex.DecodeString(h)
		if err != nil || len(b) == 0 {
			return nil, importErr("passwordHash must be hex (or set passwordHashConfig.encoding to base64)")
		}
		return b, nil
	case "base64":
		b, err := decodeB64(h)
		if err != nil || len(b) == 0 {
			return nil, importErr("passwordHash must be base64")
		}
		return b, nil
	}
	return nil, importErr("passwordHashConfig.encoding must be hex or base64")
}

func decodeSalt(c *importConfig) ([]byte, error) {
	switch strings.ToLower(c.SaltEncoding) {
	case "", "text", "utf8":
		return []byte(c.Salt), nil
	case "hex":
		if b, err := hex.DecodeString(c.Salt); err == nil {
			return b, nil
		}
	case "base64":
		if b, err := decodeB64(c.Salt); err == nil {
			return b, nil
		}
	default:
		return nil, importErr("passwordHashConfig.saltEncoding must be text, hex or base64")
	}
	return nil, importErr("passwordHashConfig.salt is not valid %s", c.SaltEncoding)
}

func digestFunc(name string) func() hash.Hash {
	switch name {
	case HashSHA1:
		return sha1.New
	case HashSHA256:
		return sha256.New
	case HashSHA512:
		return sha512.New
	case HashMD5:
		return md5.New
	}
	return nil
}

// verifyImported checks password against a stored imported hash (any format
// above but bcrypt and argon2, which Verify handles itself). It returns
// ErrUnsupportedHash for a string it does not recognise or whose parameters
// exceed the import limits.
func verifyImported(password, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) < 5 || parts[0] != "" {
		return false, ErrUnsupportedHash
	}
	var got, want []byte
	var err error
	switch alg := parts[1]; {
	case alg == "scrypt" && len(parts) == 5:
		got, want, err = scryptKey(password, parts)
	case alg == "firebase-scrypt" && len(parts) == 7:
		got, want, err = firebaseKey(password, parts)
	case strings.HasPrefix(alg, "pbkdf2-") && len(parts) == 5:
		got, want, err = pbkdf2Key(password, strings.TrimPrefix(alg, "pbkdf2-"), parts)
	case digestFunc(alg) != nil && len(parts) == 5:
		got, want, err = saltedDigest(password, alg, parts)
	default:
		return false, ErrUnsupportedHash
	}
	if err != nil {
		return false, err
	}
	return len(want) > 0 && subtle.ConstantTimeCompare(got, want) == 1, nil
}

// decodeFields decodes the base64 fields of a stored hash.
func decodeFields(fields ...string) ([][]byte, error) {
	out := make([][]byte, len(fields))
	for i, f := range fields {
		b, err := b64.DecodeString(f)
		if err != nil {
			return nil, ErrUnsupportedHash
		}
		out[i] = b
	}
	return out, nil
}

func scryptKey(password string, parts []string) (got, want []byte, err error) {
	var s scryptParams
	if _, err := fmt.Sscanf(parts[2], "ln=%d,r=%d,p=%d", &s.logN, &s.r, &s.p); err != nil || s.check() != nil {
		return nil, nil, ErrUnsupportedHash
	}
	f, err := decodeFields(parts[3], parts[4])
	if err != nil {
		return nil, nil, err
	}
	got, err = scrypt.Key([]byte(password), f[0], 1<<s.logN, s.r, s.p, len(f[1]))
	return got, f[1], err
}

func firebaseKey(password string, parts []string) (got, want []byte, err error) {
	var memCost, rounds int
	if _, err := fmt.Sscanf(parts[2], "m=%d,r=%d", &memCost, &rounds); err != nil ||
		memCost < 1 || memCost > maxFirebaseMemCost || rounds < 1 || rounds > maxFirebaseRounds {
		return nil, nil, ErrUnsupportedHash
	}
	f, err := decodeFields(parts[3], parts[4], parts[5], parts[6])
	if err != nil {
		return nil, nil, err
	}
	salt, sep, signer, hash := f[0], f[1], f[2], f[3]
	got, err = FirebaseScrypt([]byte(password), salt, sep, signer, memCost, rounds)
	return got, hash, err
}

// FirebaseScrypt computes Firebase Authentication's modified scrypt hash, as
// published in github.com/firebase/scrypt: the scrypt key of password with
// salt ‖ separator (N = 2^memCost, r = rounds, p = 1, 64 bytes) keys
// AES-256-CTR with a zero IV, which encrypts signerKey.
func FirebaseScrypt(password, salt, separator, signerKey []byte, memCost, rounds int) ([]byte, error) {
	derived, err := scrypt.Key(password, append(append([]byte{}, salt...), separator...), 1<<memCost, rounds, 1, 64)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(derived[:32])
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(signerKey))
	cipher.NewCTR(block, make([]byte, aes.BlockSize)).XORKeyStream(out, signerKey)
	return out, nil
}

func pbkdf2Key(password, digest string, parts []string) (got, want []byte, err error) {
	h := digestFunc(digest)
	iter, convErr := strconv.Atoi(strings.TrimPrefix(parts[2], "i="))
	if h == nil || digest == HashMD5 || convErr != nil || iter < 1 || iter > maxPBKDF2Iterations {
		return nil, nil, ErrUnsupportedHash
	}
	f, err := decodeFields(parts[3], parts[4])
	if err != nil {
		return nil, nil, err
	}
	got, err = pbkdf2.Key(h, password, f[0], iter, len(f[1]))
	return got, f[1], err
}

func saltedDigest(password, alg string, parts []string) (got, want []byte, err error) {
	f, err := decodeFields(parts[3], parts[4])
	if err != nil {
		return nil, nil, err
	}
	salt := f[0]
	d := digestFunc(alg)()
	switch parts[2] {
	case "prefix":
		d.Write(salt)
		d.Write([]byte(password))
	case "suffix":
		d.Write([]byte(password))
		d.Write(salt)
	default:
		return nil, nil, ErrUnsupportedHash
	}
	return d.Sum(nil), f[1], nil
}

// errArgon2Format is returned by parseArgon2 for a malformed PHC string.
var errArgon2Format = errors.New("malformed argon2 hash")

// argon2Hash is a parsed argon2 PHC string.
type argon2Hash struct {
	variant    string
	m, t       uint32
	p          uint8
	salt, want []byte
}

// parseArgon2 parses $argon2id$ and $argon2i$ PHC strings of version 19.
func parseArgon2(encoded string) (*argon2Hash, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || (parts[1] != "argon2id" && parts[1] != "argon2i") {
		return nil, errArgon2Format
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != 19 {
		return nil, errArgon2Format
	}
	a := &argon2Hash{variant: parts[1]}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &a.m, &a.t, &a.p); err != nil || a.m == 0 || a.t == 0 || a.p == 0 {
		return nil, errArgon2Format
	}
	var err1, err2 error
	a.salt, err1 = decodeB64(parts[4])
	a.want, err2 = decodeB64(parts[5])
	if err1 != nil || err2 != nil || len(a.want) == 0 {
		return nil, errArgon2Format
	}
	return a, nil
}
