package secure

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// Argon2Params are the argon2id cost parameters for new hashes.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	KeyLen  uint32
	SaltLen uint32
}

// DefaultArgon2 follows OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane.
var DefaultArgon2 = Argon2Params{Memory: 19 * 1024, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}

// ErrUnsupportedHash is returned for a stored hash in a format Hatch cannot verify.
var ErrUnsupportedHash = errors.New("unsupported password hash format")

// Hasher hashes and verifies passwords. The zero value is not usable; use NewHasher.
type Hasher struct {
	params Argon2Params
	dummy  string        // a real hash of a random password, verified when no user exists
	slots  chan struct{} // one per argon2 computation allowed at once; nil: no limit
}

// NewHasher returns a Hasher that creates argon2id hashes with p and runs at
// most GOMAXPROCS argon2 computations at once.
func NewHasher(p Argon2Params) *Hasher {
	h := &Hasher{params: p, slots: make(chan struct{}, runtime.GOMAXPROCS(0))}
	h.dummy = h.Hash(RandomString(24))
	return h
}

// argon2 runs one argon2 computation once a slot is free. Each one holds a
// core and Memory KiB (19 MiB by default) for its whole run, so running more
// at once than there are cores finishes none sooner: they share the cores and
// the memory bandwidth, and the memory held (and the heap the garbage
// collector lets grow) multiplies with the number of logins under way. Past
// the limit, logins wait here in turn.
func (h *Hasher) argon2(compute func() []byte) []byte {
	if h.slots != nil {
		h.slots <- struct{}{}
		defer func() { <-h.slots }()
	}
	return compute()
}

// Hash returns the PHC string of password: $argon2id$v=19$m=…,t=…,p=…$salt$key.
func (h *Hasher) Hash(password string) string {
	salt := make([]byte, h.params.SaltLen)
	rand.Read(salt)
	key := h.argon2(func() []byte {
		return argon2.IDKey([]byte(password), salt, h.params.Time, h.params.Memory, h.params.Threads, h.params.KeyLen)
	})
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.params.Memory, h.params.Time,
		h.params.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

var b64 = base64.RawStdEncoding

// Verify reports whether password matches encoded, and whether encoded should be
// replaced by a fresh argon2id hash (it is in another format or has weaker parameters).
// An empty encoded is verified against a dummy hash so that a user without a
// password, or no user at all, costs the same time as a wrong password; it never matches.
func (h *Hasher) Verify(password, encoded string) (ok, rehash bool, err error) {
	if encoded == "" {
		h.verifyArgon2(password, h.dummy)
		return false, false, nil
	}
	switch {
	case strings.HasPrefix(encoded, "$argon2"):
		ok, weaker, err := h.verifyArgon2(password, encoded)
		return ok, ok && weaker, err
	case strings.HasPrefix(encoded, "$2a$"), strings.HasPrefix(encoded, "$2b$"), strings.HasPrefix(encoded, "$2y$"):
		err := bcrypt.CompareHashAndPassword([]byte(encoded), []byte(password))
		if errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
			return false, false, nil
		}
		return err == nil, err == nil, err
	case strings.HasPrefix(encoded, "$"):
		// A hash imported from another system (see imported.go). Fast formats
		// (salted digests) spend a dummy verification on failure, so a wrong
		// password costs about what it costs for an argon2id user.
		ok, err := verifyImported(password, encoded)
		if !ok {
			h.VerifyDummy(password)
		}
		return ok, ok, err
	}
	return false, false, ErrUnsupportedHash
}

// VerifyDummy spends the time of one verification and returns false. Call it
// where no user was found, so the response time does not tell.
func (h *Hasher) VerifyDummy(password string) {
	h.verifyArgon2(password, h.dummy)
}

// verifyArgon2 checks argon2id and argon2i PHC strings; weaker reports
// parameters below h's.
func (h *Hasher) verifyArgon2(password, encoded string) (ok, weaker bool, err error) {
	a, err := parseArgon2(encoded)
	if err != nil {
		return false, false, ErrUnsupportedHash
	}
	var got []byte
	switch a.variant {
	case "argon2id":
		got = h.argon2(func() []byte { return argon2.IDKey([]byte(password), a.salt, a.t, a.m, a.p, uint32(len(a.want))) })
	case "argon2i":
		got = h.argon2(func() []byte { return argon2.Key([]byte(password), a.salt, a.t, a.m, a.p, uint32(len(a.want))) })
		weaker = true
	}
	weaker = weaker || a.m < h.params.Memory || a.t < h.params.Time
	return subtle.ConstantTimeCompare(got, a.want) == 1, weaker, nil
}

func decodeB64(s string) ([]byte, error) {
	if b, err := base64.RawStdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.StdEncoding.DecodeString(s)
}
